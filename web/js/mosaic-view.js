// The mosaic on screen: studs on a canvas, the counts table, the out-of-date marking, and
// painting studs (mouse, touch, pen, keyboard). Reads state.mosaic (Mosaic.to_dict() format:
// grid of hex colours, counts/stock/owned/missing keyed by hex).
import { commit, preview, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const canvas = $("#mosaic");
let brush = null;   // BrickLink colour id, or "erase"
let cursor = null;  // keyboard painting position [x, y]
/** Functions (ctx, cell, mosaic) drawn over the studs, under the grid lines. */
export const overlays = [];

export function draw() {
  const m = state.mosaic;
  if (!m) return;
  const cell = Math.max(3, Math.min(24, Math.floor(960 / Math.max(m.width, m.height))));
  canvas.width = m.width * cell;
  canvas.height = m.height * cell;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#1b1b1b";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const round = m.piece.startsWith("round");
  const r = cell * 0.46;
  const byHex = new Map();
  m.grid.forEach((row, y) => row.forEach((hex, x) => {
    if (!byHex.has(hex)) byHex.set(hex, []);
    byHex.get(hex).push(x, y);
  }));
  for (const [hex, xy] of byHex) { // one path per colour: fast even at 128 x 128
    ctx.fillStyle = hex;
    ctx.beginPath();
    for (let i = 0; i < xy.length; i += 2) {
      const cx = xy[i] * cell + cell / 2, cy = xy[i + 1] * cell + cell / 2;
      if (round) { ctx.moveTo(cx + r, cy); ctx.arc(cx, cy, r, 0, 2 * Math.PI); }
      else ctx.rect(xy[i] * cell + 0.5, xy[i + 1] * cell + 0.5, cell - 1, cell - 1);
    }
    ctx.fill();
  }
  const painting = $("#paint-mode").checked;
  if (painting) {
    ctx.strokeStyle = "rgba(255,255,255,.9)";
    ctx.lineWidth = Math.max(1, cell / 10);
    for (const [x, y] of state.settings.pins) {
      if (x < m.width && y < m.height) ctx.strokeRect(x * cell + 1, y * cell + 1, cell - 2, cell - 2);
    }
  }
  if (painting && cursor && document.activeElement === canvas) {
    ctx.strokeStyle = "#ffcc00";
    ctx.lineWidth = Math.max(2, cell / 6);
    ctx.strokeRect(cursor[0] * cell + 1, cursor[1] * cell + 1, cell - 2, cell - 2);
  }
  const lines = (step, style, width) => {
    ctx.strokeStyle = style; ctx.lineWidth = width; ctx.beginPath();
    for (let x = step; x < m.width; x += step) { ctx.moveTo(x * cell, 0); ctx.lineTo(x * cell, canvas.height); }
    for (let y = step; y < m.height; y += step) { ctx.moveTo(0, y * cell); ctx.lineTo(canvas.width, y * cell); }
    ctx.stroke();
  };
  for (const overlay of overlays) overlay(ctx, cell, m); // e.g. the relief's heights (js/relief.js)
  if ($("#show-grid").checked) lines(1, "rgba(128,128,128,.5)", 1);
  if ($("#show-sections").checked) lines(+$("#section").value, "rgba(255,255,255,.75)", 2);
}
for (const id of ["#show-grid", "#show-sections", "#section"]) $(id).addEventListener("change", draw);

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
  $("#mean-de").textContent = m.mean_delta_e.toFixed(2);
  $("#perceived-de").textContent = m.perceived_delta_e == null ? "–" : m.perceived_delta_e.toFixed(2);
  $("#dims").textContent = `${m.width} × ${m.height} studs, ${m.width * m.height} pieces`;
  $("#timing").textContent = `· ${Math.round(m.ms)} ms (${m.backend})`;
}

/** The mosaic on screen no longer matches the controls: dim it, and allow no download of it. */
export function markStale(stale) {
  state.stale = stale;
  $("#canvas-wrap").classList.toggle("stale", stale);
  $("#counts").classList.toggle("stale", stale);
  $(".result").dataset.stale = String(stale);
  const none = stale || !state.mosaic;
  document.querySelectorAll("[data-export]").forEach((b) => { b.disabled = none; });
  $("#save-project").disabled = !state.image;
}

// ---------- painting ----------
export function renderBrushes() {
  const box = $("#brushes");
  const paint = $("#paint-mode").checked;
  box.hidden = !paint;
  document.body.classList.toggle("painting", paint);
  if (!paint || !state.mosaic) return;
  const colors = state.mosaic.palette;
  if (!brush || (brush !== "erase" && !colors.some((c) => c.id === brush))) brush = colors[0].id;
  const focused = box.contains(document.activeElement);
  // one radio group: a single Tab stop (the chosen colour), arrow keys move the choice
  const button = (id, label, hex) => {
    const b = Object.assign(document.createElement("button"), { type: "button", title: label });
    const on = brush === id;
    b.setAttribute("role", "radio");
    b.setAttribute("aria-label", label);
    b.setAttribute("aria-checked", String(on));
    b.tabIndex = on ? 0 : -1;
    if (hex) b.style.background = hex; else { b.textContent = "Eraser"; b.className = "eraser"; }
    b.onclick = () => { brush = id; renderBrushes(); };
    return b;
  };
  box.replaceChildren(...colors.map((c) => button(c.id, `Paint with ${c.name}`, c.hex)),
    button("erase", "Eraser: let the engine choose again", null));
  if (focused) box.querySelector("[aria-checked=true]")?.focus();
}
$("#brushes").addEventListener("keydown", (e) => {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
  const buttons = [...$("#brushes").querySelectorAll("[role=radio]")];
  const i = buttons.findIndex((b) => b.getAttribute("aria-checked") === "true");
  let next = null;
  if (step) next = buttons[(i + step + buttons.length) % buttons.length];
  else if (e.key === "Home") next = buttons[0];
  else if (e.key === "End") next = buttons[buttons.length - 1];
  if (!next) return;
  e.preventDefault();
  next.click();
});
$("#paint-mode").onchange = () => { renderBrushes(); draw(); };

const painting = () => $("#paint-mode").checked && state.mosaic && !state.stale;

/** Paint one stud: pinned in the settings, shown at once; the engine re-optimises on commit. */
function paintStud([x, y]) {
  preview((s) => {
    s.pins = s.pins.filter(([px, py]) => px !== x || py !== y);
    if (brush !== "erase") s.pins.push([x, y, brush]);
  }, { quiet: true });
  if (brush !== "erase") {
    state.mosaic.grid[y][x] = state.mosaic.palette.find((c) => c.id === brush).hex;
    draw();
  }
}

function studAt(e) {
  const m = state.mosaic;
  const r = canvas.getBoundingClientRect();
  const x = Math.floor((e.clientX - r.left) / r.width * m.width);
  const y = Math.floor((e.clientY - r.top) / r.height * m.height);
  return x >= 0 && y >= 0 && x < m.width && y < m.height ? [x, y] : null;
}

{
  let stroke = false;
  canvas.addEventListener("keydown", (e) => {
    if (!painting()) return;
    const m = state.mosaic;
    const c = cursor || [0, 0];
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (d) {
      e.preventDefault();
      cursor = [Math.min(m.width - 1, Math.max(0, c[0] + d[0])), Math.min(m.height - 1, Math.max(0, c[1] + d[1]))];
      canvas.setAttribute("aria-valuetext", `stud ${cursor[0] + 1}, ${cursor[1] + 1}`);
      draw();
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      cursor = c;
      paintStud(c);
      commit();
    }
  });
  canvas.addEventListener("focus", draw);
  canvas.addEventListener("blur", draw);
  canvas.addEventListener("pointerdown", (e) => {
    if (!painting()) return;
    canvas.setPointerCapture(e.pointerId);
    stroke = true;
    const p = studAt(e);
    if (p) paintStud(p);
  });
  canvas.addEventListener("pointermove", (e) => { if (stroke) { const p = studAt(e); if (p) paintStud(p); } });
  canvas.addEventListener("pointerup", () => { if (stroke) { stroke = false; commit(); } });
}
