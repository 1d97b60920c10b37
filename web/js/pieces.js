// Bigger pieces in the page: the part sizes allowed (checkboxes; 1x1 always), the part count
// and the saving against all-1x1, and the parts drawn as they look (an overlay over the studs:
// one block per part, lit on the top and left sides and shaded on the bottom and right, a stud
// ring on plates and bricks). The engine packs the parts (py/legoremix/pieces.py, packing.py);
// state.mosaic.parts comes back with every mosaic when sizes beyond 1x1 are allowed.
import { draw, overlays } from "./mosaic-view.js";
import { commit, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
let familySizes = {}; // piece family -> the sizes it is made in

/** Build the size checkboxes once the engine has said which sizes exist. */
export function initPieces(info) {
  familySizes = info.part_sizes;
  $("#part-sizes").replaceChildren(...info.all_sizes.map((size) => {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: size });
    box.dataset.testid = `size-${size}`;
    box.disabled = size === "1x1"; // single studs need it
    box.onchange = () => commit((s) => {
      const on = new Set(s.sizes);
      if (box.checked) on.add(size); else on.delete(size);
      s.sizes = info.all_sizes.filter((x) => on.has(x));
    });
    label.append(box, ` ${size.replace("x", " × ")}`);
    return label;
  }));
  $("#sizes-all").onclick = () => commit((s) => { s.sizes = [...info.all_sizes]; });
  $("#sizes-none").onclick = () => commit((s) => { s.sizes = ["1x1"]; });
  overlays.push(drawParts);
}

/** Show the settings' sizes (sizes the chosen piece is not made in are marked) and the count. */
export function renderPieces() {
  const s = state.settings;
  if (!s) return;
  const made = new Set(familySizes[s.piece] || []);
  document.querySelectorAll("#part-sizes input").forEach((box) => {
    box.checked = s.sizes.includes(box.value);
    box.parentElement.classList.toggle("not-made", !made.has(box.value));
    box.parentElement.title = made.has(box.value) ? "" : "Not made in this piece type: not used with it";
  });
  const m = state.mosaic;
  const out = $("#parts-count");
  if (!m) { out.textContent = ""; return; }
  const studs = m.width * m.height;
  const parts = m.parts ? m.parts.length : studs;
  out.dataset.parts = String(parts);
  out.textContent = m.parts
    ? `${parts} parts instead of ${studs} 1 × 1 pieces: ${(100 * (studs - parts) / studs).toFixed(1)} % fewer.`
    : `${studs} pieces, all 1 × 1. Allow bigger sizes to use fewer parts.`;
}

const mix = (hex, to, f) => {
  const n = parseInt(hex.slice(1), 16);
  const c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => Math.round(v + (to - v) * f));
  return `rgb(${c.join(",")})`;
};

/** The overlay: each part of two or more studs as one block with light and shadow. */
function drawParts(ctx, cell, m) {
  if (!m.parts) return;
  const stud = !["round-tile", "square-tile"].includes(m.piece);
  const edge = Math.max(1, Math.round(cell / 12));
  for (const p of m.parts) {
    if (p.w === 1 && p.h === 1 && m.piece.startsWith("round")) continue; // round 1x1: drawn as a stud already
    const x = p.x * cell + 0.5, y = p.y * cell + 0.5, w = p.w * cell - 1, h = p.h * cell - 1;
    ctx.fillStyle = p.color;
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = mix(p.color, 255, 0.35);
    ctx.fillRect(x, y, w, edge);
    ctx.fillRect(x, y, edge, h);
    ctx.fillStyle = mix(p.color, 0, 0.45);
    ctx.fillRect(x, y + h - edge, w, edge);
    ctx.fillRect(x + w - edge, y, edge, h);
    if (stud && cell >= 8) {
      ctx.lineWidth = Math.max(1, cell / 14);
      for (let j = 0; j < p.h; j++) {
        for (let i = 0; i < p.w; i++) {
          const cx = (p.x + i + 0.5) * cell, cy = (p.y + j + 0.5) * cell, r = cell * 0.27;
          ctx.strokeStyle = mix(p.color, 255, 0.4);
          ctx.beginPath(); ctx.arc(cx, cy, r, Math.PI * 0.75, Math.PI * 1.75); ctx.stroke();
          ctx.strokeStyle = mix(p.color, 0, 0.45);
          ctx.beginPath(); ctx.arc(cx, cy, r, Math.PI * 1.75, Math.PI * 2.75); ctx.stroke();
        }
      }
    }
  }
}

export { draw };
