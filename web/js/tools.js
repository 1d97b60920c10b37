// Editing the mosaic by hand: the tool bar (pencil, fill, eyedropper, eraser), the palette
// (each colour's name and how many of it are left), and a tool applied at a stud by a mouse,
// touch, a pen or the keyboard. A painted stud is a pin in the settings ([x, y, BrickLink id]);
// the engine keeps every pin and re-optimises the other studs around them within the stock
// (pipeline._match), and says in a sentence when the pins alone need more pieces than there
// are. Every edit is one commit(), so one undo step; a stroke is shown at once and the
// engine's answer follows.
import { draw, overlays } from "./mosaic-view.js";
import { cancelPreview, commit, preview, state } from "./store.js";
import { onGesture, panning, renderZoom, revealStud } from "./mosaic-zoom.js";

const $ = (sel) => document.querySelector(sel);
const canvas = $("#mosaic");
const TOOLS = ["pencil", "fill", "eyedropper", "eraser"];
const KEYS = { p: "pencil", f: "fill", i: "eyedropper", e: "eraser" };
const HINTS = {
  pencil: (c) => `Pencil: click or drag over studs to paint them ${c}.`,
  fill: (c) => `Fill: click a stud to paint it and every touching stud of its colour ${c}.`,
  eyedropper: () => "Eyedropper: click a stud to paint with its colour.",
  eraser: () => "Eraser: click or drag over painted studs to let the engine choose their colour again.",
};
let tool = "pencil";       // the chosen tool (used while #paint-mode is on)
let lastPaint = "pencil";  // the tool the eyedropper hands back to
let brush = null;          // BrickLink colour id
let cursor = null;         // the keyboard's stud [x, y]
let lastHint = "";
let stroke = null;         // {id, last: [x, y], grid: copy of the grid before} while painting

// ---------- pure helpers ----------
/** The studs 4-connected to (x, y) that share its colour in ``grid`` (rows of hex), as [x, y]. */
export function region(grid, x, y) {
  const h = grid.length, w = grid[0].length, hex = grid[y][x];
  const seen = new Uint8Array(w * h);
  const out = [], todo = [[x, y]];
  seen[y * w + x] = 1;
  while (todo.length) {
    const [cx, cy] = todo.pop();
    out.push([cx, cy]);
    for (const [nx, ny] of [[cx + 1, cy], [cx - 1, cy], [cx, cy + 1], [cx, cy - 1]]) {
      if (nx < 0 || ny < 0 || nx >= w || ny >= h || seen[ny * w + nx] || grid[ny][nx] !== hex) continue;
      seen[ny * w + nx] = 1;
      todo.push([nx, ny]);
    }
  }
  return out;
}

/** The studs on the straight line from a to b (Bresenham), so a fast stroke leaves no gaps. */
export function line([x0, y0], [x1, y1]) {
  const out = [], dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    out.push([x0, y0]);
    if (x0 === x1 && y0 === y1) return out;
    const e2 = 2 * err;
    if (e2 >= dy) { err += dy; x0 += sx; }
    if (e2 <= dx) { err += dx; y0 += sy; }
  }
}

/** Pins with ``studs`` set to ``id`` (or unpinned when id is null); other pins as they were. */
export function withPins(pins, studs, id) {
  const drop = new Set(studs.map(([x, y]) => `${x},${y}`));
  const kept = pins.filter(([x, y]) => !drop.has(`${x},${y}`));
  return id == null ? kept : kept.concat(studs.map(([x, y]) => [x, y, id]));
}

/** How many of a colour are left: limited, stock − used; unlimited, owned − used (may be < 0). */
function left(m, c) {
  const used = m.counts[c.hex] ?? 0;
  return m.stock ? (m.stock[c.hex] ?? 0) - used : (m.owned?.[c.hex] ?? 0) - used;
}

// ---------- state of the editor ----------
export const editing = () => $("#paint-mode").checked;
/** Tools act on the mosaic on screen when it is of the current size (also after a failed
 * compute, so a stud painted too many can be erased again). */
function usable() {
  const m = state.mosaic, s = state.settings;
  return Boolean(editing() && m && s && m.width === s.size[0] && m.height === s.size[1]);
}
const colorOf = (id) => state.mosaic?.palette.find((c) => c.id === id);
const announce = (text) => { $("#tool-status").textContent = text; };

/** Choose a tool (turning editing on); the change event lets js/relief.js end its own tool. */
export function setTool(name) {
  if (!TOOLS.includes(name) || !state.mosaic) return; // nothing to edit before the first mosaic
  tool = name;
  if (name !== "eyedropper") lastPaint = name;
  if (!editing()) $("#paint-mode").click(); // fires change: renderTools() and draw() follow
  else { renderTools(); draw(); }
}

export function renderTools() {
  const on = editing();
  document.body.classList.toggle("painting", on);
  document.body.dataset.tool = on ? tool : "";
  for (const b of document.querySelectorAll("#tools [data-tool]")) {
    b.setAttribute("aria-pressed", String(on && b.dataset.tool === tool));
    b.disabled = !state.mosaic; // enabled with the first mosaic
  }
  renderZoom(); // the zoom buttons too
  $("#brushes").hidden = !on;
  $("#tool-status").hidden = !on;
  const m = state.mosaic;
  if (!on || !m) return;
  if (!colorOf(brush)) brush = m.palette[0].id;
  const hint = HINTS[tool](colorOf(brush).name);
  if (hint !== lastHint) announce(lastHint = hint); // a new tool or colour (not every new mosaic)
  renderPalette(m);
}

/** One radio group (a single Tab stop; arrow keys move the choice): swatch, name, pieces left. */
function renderPalette(m) {
  const box = $("#brushes");
  const focused = box.contains(document.activeElement);
  const painted = new Map();
  for (const [, , id] of state.settings.pins) painted.set(id, (painted.get(id) || 0) + 1);
  box.replaceChildren(...m.palette.map((c) => {
    const b = Object.assign(document.createElement("button"), { type: "button" });
    const on = brush === c.id, n = left(m, c);
    b.setAttribute("role", "radio");
    b.setAttribute("aria-checked", String(on));
    b.dataset.id = c.id;
    b.dataset.name = c.name;
    b.dataset.left = String(n);
    b.tabIndex = on ? 0 : -1;
    const sw = Object.assign(document.createElement("span"), { className: "swatch" });
    sw.style.background = c.hex;
    const name = Object.assign(document.createElement("span"), { className: "name", textContent: c.name });
    const count = Object.assign(document.createElement("span"), { className: "left" });
    const pinned = painted.get(c.id) || 0, more = (m.stock?.[c.hex] ?? 0) - pinned;
    // none left unused, yet painting still works while other studs can give way: say so (QA: "0 left,
    // 629 paintable" read as a contradiction)
    count.textContent = m.stock ? (n > 0 || more <= 0 ? `${n} left` : `all used; paint up to ${more}`)
      : (n >= 0 ? `${n} spare` : `buy ${-n}`);
    b.append(sw, name, count);
    b.setAttribute("aria-label", `${c.name}, ${count.textContent}`); // read as "Yellow, 321 left"
    b.title = m.stock
      ? `${c.name} (BrickLink ${c.id}): ${m.stock[c.hex] ?? 0} in your pieces, ${m.counts[c.hex] ?? 0} in the mosaic, ` +
        `${pinned} painted by you. ` + (more >= 0
          ? `You can paint ${more} more studs in it; the other studs are rearranged around them.`
          : `That is ${-more} more than you have.`)
      : `${c.name} (BrickLink ${c.id}): ${m.counts[c.hex] ?? 0} in the mosaic, ${m.owned?.[c.hex] ?? 0} owned.`;
    b.onclick = () => { brush = c.id; if (tool === "eyedropper" || tool === "eraser") tool = lastPaint; renderTools(); };
    return b;
  }));
  if (focused) box.querySelector("[aria-checked=true]")?.focus();
}

/** Ways out (for the message next to the mosaic) when the painted studs alone need more of a
 * colour than the stock has: unpaint that colour, as one undo step. */
export function paintFixes() {
  const m = state.mosaic, s = state.settings;
  if (!m?.stock || !s?.pins.length) return [];
  const painted = new Map();
  for (const [x, y, id] of s.pins) if (x < s.size[0] && y < s.size[1]) painted.set(id, (painted.get(id) || 0) + 1);
  return m.palette.filter((c) => (painted.get(c.id) || 0) > (m.stock[c.hex] ?? 0)).map((c) => [
    `Unpaint the ${painted.get(c.id)} ${c.name} studs`,
    () => { commit((st) => { st.pins = st.pins.filter((p) => p[2] !== c.id); }); $("#mosaic").focus(); }, // where painting is done
    `fix-unpaint-${c.id}`]);
}

// ---------- applying a tool ----------
/** Show painted studs at once (the engine's answer follows the commit). The engine's own
 * grid is kept, so a failed compute can show the current pins on it again (repaintPins). */
let engineMosaic = null, engineGrid = null;
function showPainted(studs, id) {
  const m = state.mosaic, hex = colorOf(id)?.hex;
  if (m !== engineMosaic) { engineMosaic = m; engineGrid = m.grid.map((row) => row.slice()); }
  if (hex) for (const [x, y] of studs) m.grid[y][x] = hex;
}

/** After a failed compute (e.g. painted beyond the stock, then undo): the mosaic on screen is
 * the last good one with the *current* painted studs on it, not with earlier strokes. */
export function repaintPins() {
  const m = state.mosaic;
  if (!m || m !== engineMosaic) return; // nothing painted on it since the engine drew it
  m.grid = engineGrid.map((row) => row.slice());
  for (const [x, y, id] of state.settings.pins) {
    const hex = colorOf(id)?.hex;
    if (hex && y < m.height && x < m.width) m.grid[y][x] = hex;
  }
  draw();
}

function paint(studs) {
  const id = tool === "eraser" ? null : brush;
  preview((s) => { s.pins = withPins(s.pins, studs, id); }, { quiet: true });
  if (id != null) showPainted(studs, id);
  draw();
}

/** The tool's whole action at one stud (keyboard, a click of fill or the eyedropper). */
function act([x, y]) {
  const m = state.mosaic;
  if (tool === "eyedropper") {
    const c = m.palette.find((p) => p.hex === m.grid[y][x]);
    if (!c) return;
    brush = c.id;
    tool = lastPaint;
    renderTools();
    announce(`Picked ${c.name}. ${HINTS[tool](c.name)}`);
    draw();
    return;
  }
  const studs = tool === "fill" ? region(m.grid, x, y) : [[x, y]];
  paint(studs);
  commit();
  if (tool === "fill") announce(`Filled ${studs.length} ${studs.length === 1 ? "stud" : "studs"} with ${colorOf(brush).name}.`);
}

function studAt(e) {
  const m = state.mosaic;
  const r = canvas.getBoundingClientRect(); // the zoomed, panned box: hit-testing follows the view
  const x = Math.floor((e.clientX - r.left) / r.width * m.width);
  const y = Math.floor((e.clientY - r.top) / r.height * m.height);
  return x >= 0 && y >= 0 && x < m.width && y < m.height ? [x, y] : null;
}

/** Keep a stroke's pointer when it leaves the canvas (a pointer already gone is no stroke lost). */
function capture(id) {
  try { canvas.setPointerCapture(id); } catch { /* no such active pointer */ }
}

/** A stroke turned into a pinch or a pan: nothing of it stays. */
function cancelStroke() {
  if (!stroke) return;
  if (stroke.grid) state.mosaic.grid = stroke.grid;
  stroke = null;
  cancelPreview();
  draw();
}

canvas.addEventListener("pointerdown", (e) => {
  if (!usable() || panning() || (e.pointerType === "mouse" && e.button !== 0)) return;
  const p = studAt(e);
  if (!p) return;
  capture(e.pointerId);
  if (e.altKey && tool !== "eyedropper") { // Alt+click picks a colour with any tool
    const keep = tool;
    tool = "eyedropper"; act(p); tool = keep; renderTools();
    return;
  }
  stroke = { id: e.pointerId, last: p, start: p, grid: state.mosaic.grid.map((row) => row.slice()) };
  if (tool === "pencil" || tool === "eraser") paint([p]);
});
canvas.addEventListener("pointermove", (e) => {
  if (!stroke || e.pointerId !== stroke.id || !(tool === "pencil" || tool === "eraser")) return;
  const p = studAt(e);
  if (!p || (p[0] === stroke.last[0] && p[1] === stroke.last[1])) return;
  paint(line(stroke.last, p));
  stroke.last = p;
});
canvas.addEventListener("pointerup", (e) => {
  if (!stroke || e.pointerId !== stroke.id) return;
  const s = stroke;
  stroke = null;
  if (tool === "pencil" || tool === "eraser") commit();
  else { // fill and the eyedropper act on a tap/click, where it started
    const p = studAt(e);
    if (p && p[0] === s.start[0] && p[1] === s.start[1]) act(p);
  }
});
canvas.addEventListener("pointercancel", cancelStroke);
onGesture(cancelStroke); // a second finger: the gesture is a pinch, not a stroke

// the keyboard: arrow keys move the stud, Enter or Space applies the tool there
canvas.addEventListener("keydown", (e) => {
  if (!usable()) return;
  const m = state.mosaic;
  const c = cursor && cursor[0] < m.width && cursor[1] < m.height ? cursor : [0, 0];
  const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
  if (d) {
    e.preventDefault();
    const step = e.shiftKey ? 8 : 1;
    cursor = [Math.min(m.width - 1, Math.max(0, c[0] + d[0] * step)), Math.min(m.height - 1, Math.max(0, c[1] + d[1] * step))];
    canvas.setAttribute("aria-valuetext", `stud ${cursor[0] + 1}, ${cursor[1] + 1}`);
    revealStud(cursor[0], cursor[1]);
    draw();
  } else if (e.key === " " || e.key === "Enter") {
    e.preventDefault();
    cursor = c;
    act(c);
  }
});
canvas.addEventListener("focus", draw);
canvas.addEventListener("blur", draw);

// tool shortcuts P, F, I, E anywhere but in a field; Escape ends editing
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.("input, select, textarea, [contenteditable], dialog")) return;
  const name = KEYS[e.key.toLowerCase()];
  if (name && state.mosaic) { e.preventDefault(); setTool(name); }
  else if (e.key === "Escape" && editing() && !stroke) $("#paint-mode").click();
});

// the palette's radio group: arrow keys, Home and End
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
for (const b of document.querySelectorAll("#tools [data-tool]")) b.onclick = () => setTool(b.dataset.tool);
$("#paint-mode").addEventListener("change", () => { if (!editing()) cancelStroke(); renderTools(); draw(); });

// painted studs outlined, and the keyboard's stud, while editing
overlays.push((ctx, cell, m) => {
  if (!editing()) return;
  ctx.strokeStyle = "rgba(255,255,255,.9)";
  ctx.lineWidth = Math.max(1, cell / 10);
  for (const [x, y] of state.settings.pins) {
    if (x < m.width && y < m.height) ctx.strokeRect(x * cell + 1, y * cell + 1, cell - 2, cell - 2);
  }
  if (cursor && document.activeElement === canvas && cursor[0] < m.width && cursor[1] < m.height) {
    ctx.strokeStyle = "#ffcc00";
    ctx.lineWidth = Math.max(2, cell / 6);
    ctx.strokeRect(cursor[0] * cell + 1, cursor[1] * cell + 1, cell - 2, cell - 2);
  }
});
