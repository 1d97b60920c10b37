// The mosaic on screen: studs on a canvas, the counts table, the out-of-date marking. Reads
// state.mosaic (Mosaic.to_dict() format: grid of hex colours, counts/stock/owned/missing keyed
// by hex). Editing it by hand is js/tools.js; zoom and pan of the view js/mosaic-zoom.js.
import { drawStuds } from "./looks.js";
import { resolution } from "./mosaic-zoom.js";
import { state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const canvas = $("#mosaic");
/** Functions (ctx, cell, mosaic) drawn over the studs, under the grid lines. */
export const overlays = [];

/** [CSS pixels per stud at zoom 1, canvas pixels per stud]: more of them when zoomed in. */
function cellSize(m) {
  const base = Math.max(3, Math.min(24, Math.floor(960 / Math.max(m.width, m.height))));
  return [base, base * resolution(m.width * base, m.height * base)];
}

export function draw() {
  const m = state.mosaic;
  if (!m) return;
  const [base, cell] = cellSize(m);
  canvas.width = m.width * cell;
  canvas.height = m.height * cell;
  // the same size on the page at any resolution, and no taller than the layout allows (styles.css)
  canvas.style.width = `min(${m.width * base}px, calc(var(--mosaic-max-h) * ${m.width / m.height}))`;
  const ctx = canvas.getContext("2d");
  drawStuds(ctx, m.grid, cell, m.piece); // each family as it looks (js/looks.js), one sprite per colour
  const lines = (step, style, width) => {
    ctx.strokeStyle = style; ctx.lineWidth = width; ctx.beginPath();
    for (let x = step; x < m.width; x += step) { ctx.moveTo(x * cell, 0); ctx.lineTo(x * cell, canvas.height); }
    for (let y = step; y < m.height; y += step) { ctx.moveTo(0, y * cell); ctx.lineTo(canvas.width, y * cell); }
    ctx.stroke();
  };
  for (const overlay of overlays) overlay(ctx, cell, m); // e.g. the relief's heights (js/relief.js)
  if ($("#show-grid").checked) lines(1, "rgba(128,128,128,.5)", 1);
  if ($("#show-sections").checked) lines(+$("#section").value, "rgba(255,255,255,.75)", 2);
  canvas.dispatchEvent(new Event("drawn")); // e.g. the small copy shown while it is out of view (js/mini-mosaic.js)
}
for (const id of ["#show-grid", "#show-sections", "#section"]) $(id).addEventListener("change", draw);
// a zoom that wants another resolution: drawn again, sharp (js/mosaic-zoom.js)
canvas.addEventListener("zoomed", () => { if (state.mosaic && canvas.width !== state.mosaic.width * cellSize(state.mosaic)[1]) draw(); });

/** Colour, used, stock (limited) or what the person owns (unlimited), missing. */
export function renderCounts() {
  const m = state.mosaic;
  const unlimited = !m.stock;
  const have = (hex) => (unlimited ? (m.owned?.[hex] ?? 0) : m.stock[hex] ?? 0);
  $("#counts").dataset.mode = unlimited ? "unlimited" : "limited";
  $("#stock-head").textContent = unlimited ? "You own" : "Stock";
  const rows = m.palette.map((c) => ({ c, used: m.counts[c.hex] ?? 0, stock: have(c.hex), missing: m.missing[c.hex] ?? 0 }))
    .filter((r) => r.used > 0 || r.stock > 0)
    .sort((a, b) => b.used - a.used);
  $("#counts tbody").replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.hex = r.c.hex;
    if (r.missing) tr.className = "short";
    tr.innerHTML = `<td><span class="swatch"></span></td><td class="num used"></td>
      <td class="num stock"></td><td class="num missing"></td>`;
    tr.querySelector(".swatch").style.background = r.c.hex;
    tr.cells[0].append(`${r.c.name} (${r.c.id})`);
    tr.cells[1].textContent = r.used;
    tr.cells[2].textContent = r.stock;
    tr.cells[3].textContent = r.missing || "";
    return tr;
  }));
}

export function renderStats() {
  const m = state.mosaic;
  $("#mean-de").textContent = m.mean_delta_e == null ? "…" : m.mean_delta_e.toFixed(2); // null: being measured
  $("#perceived-de").textContent = m.perceived_delta_e == null ? "…" : m.perceived_delta_e.toFixed(2);
  const n = m.width * m.height;
  $("#dims").textContent = `${m.width} × ${m.height} studs, ${n} piece${n === 1 ? "" : "s"}`;
  $("#timing").textContent = `· ${Math.round(m.ms)} ms (${m.backend})`;
}

/** The mosaic on screen no longer matches the controls: dim it, and allow no download of it. */
export function markStale(stale) {
  state.stale = stale;
  $("#canvas-wrap").classList.toggle("stale", stale);
  $("#counts").classList.toggle("stale", stale);
  $(".result").dataset.stale = String(stale);
  canvas.dispatchEvent(new Event("drawn"));
  const none = stale || !state.mosaic;
  document.querySelectorAll("[data-export]").forEach((b) => { b.disabled = none; });
  $("#save-project").disabled = !state.image;
}
