// Zoom and pan of the mosaic on screen: a view only (not a setting, not an undo step). The
// canvas gets a CSS transform (translate, then scale from its top-left corner) inside the
// clipping #canvas-wrap, so every stud hit-test that reads the canvas's box
// (getBoundingClientRect) stays right at any zoom. The wheel zooms around the pointer, two
// fingers pinch (zoom and move together), a drag moves the view when no tool paints (or with the
// middle button, or with Space held), and + - 0 and the arrow keys work on the focused mosaic.
import { state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const canvas = $("#mosaic");
const wrap = $("#canvas-wrap");
const MIN = 1, MAX = 16;
const view = { z: 1, x: 0, y: 0 };
const gestureListeners = [];
const touches = new Map(); // pointerId -> {x, y} of the touches on the mosaic
let pinch = null;          // {dist, mid, z} at the start of a two-finger gesture
let drag = null;           // {id, x, y} while the view is dragged
let space = false;         // Space held: a drag moves the view

/** fn() is called when a touch gesture becomes a pinch (a stroke begun by the first finger ends). */
export function onGesture(fn) { gestureListeners.push(fn); }
/** True while the view is being moved (tools then leave the pointer alone). */
export const panning = () => Boolean(drag || pinch || space);

const painting = () => $("#paint-mode").checked || $("#relief-edit")?.checked;
/** Nothing to zoom before the first mosaic (the area then holds a sentence, not studs). */
const hasMosaic = () => Boolean(state.mosaic);

/** The + − and Fit buttons: enabled with the first mosaic (js/tools.js renderTools calls it). */
export function renderZoom() {
  for (const id of ["zoom-in", "zoom-out", "zoom-reset"]) { const b = $(`#${id}`); if (b) b.disabled = !hasMosaic(); }
}

function clampView() {
  view.z = Math.min(MAX, Math.max(MIN, view.z));
  const w = canvas.offsetWidth, h = canvas.offsetHeight;
  view.x = Math.min(0, Math.max(w - w * view.z, view.x));
  view.y = Math.min(0, Math.max(h - h * view.z, view.y));
}

/** Canvas pixels per CSS pixel of a w x h (CSS px at zoom 1) mosaic: enough for the zoom and the
 * screen, at most MAX_PIXELS in all (memory on phones). 1 when not zoomed in. */
const MAX_PIXELS = 12e6;
export function resolution(w, h) {
  if (view.z <= 1) return 1;
  const shown = canvas.offsetWidth || w; // the canvas's CSS width on the page
  const want = Math.ceil(view.z * (devicePixelRatio || 1) * shown / w);
  return Math.max(1, Math.min(want, Math.floor(Math.sqrt(MAX_PIXELS / (w * h)))));
}

let redraw = null;
function apply() {
  clearTimeout(redraw);
  redraw = setTimeout(() => canvas.dispatchEvent(new Event("zoomed")), 120); // js/mosaic-view.js draws sharper
  clampView();
  const { z, x, y } = view;
  canvas.style.transform = z === 1 ? "" : `translate(${x}px, ${y}px) scale(${z})`;
  wrap.classList.toggle("zoomed", z > 1);
  wrap.dataset.zoom = String(Math.round(z * 100));
  const out = $("#zoom-level");
  if (out) out.textContent = `${Math.round(z * 100)} %`;
}

/** Zoom by ``factor`` keeping the point under (clientX, clientY) where it is. */
export function zoomAt(factor, clientX, clientY) {
  const r = canvas.getBoundingClientRect();
  const lx = (clientX - r.left) / view.z, ly = (clientY - r.top) / view.z; // untransformed CSS px
  const z = Math.min(MAX, Math.max(MIN, view.z * factor));
  view.x += (clientX - r.left) - lx * z;
  view.y += (clientY - r.top) - ly * z;
  view.z = z;
  apply();
}

/** Zoom around the middle of what is visible. */
export function zoomBy(factor) {
  const r = wrap.getBoundingClientRect(), c = canvas.getBoundingClientRect();
  const cx = (Math.max(r.left, c.left) + Math.min(r.right, c.right)) / 2;
  const cy = (Math.max(r.top, c.top) + Math.min(r.bottom, c.bottom)) / 2;
  zoomAt(factor, cx, cy);
}

export function resetZoom() { Object.assign(view, { z: 1, x: 0, y: 0 }); apply(); }

export function panBy(dx, dy) { view.x += dx; view.y += dy; apply(); }

/** Move the view so stud (x, y) of the mosaic on screen is visible (the keyboard's cursor). */
export function revealStud(x, y) {
  const m = state.mosaic;
  if (view.z === 1 || !m) return;
  const w = canvas.offsetWidth, h = canvas.offsetHeight, cols = m.width, rows = m.height;
  const sw = w / cols * view.z, sh = h / rows * view.z; // one stud on screen
  const left = view.x + x * sw, top = view.y + y * sh;
  if (left < 0) view.x -= left; else if (left + sw > w) view.x -= left + sw - w;
  if (top < 0) view.y -= top; else if (top + sh > h) view.y -= top + sh - h;
  apply();
}

// the wheel: zoom around the pointer (a trackpad pinch arrives as a wheel with ctrlKey); at the
// smallest zoom, scrolling down still scrolls the page
wrap.addEventListener("wheel", (e) => {
  if (!hasMosaic() || (view.z <= MIN && e.deltaY > 0)) return;
  e.preventDefault();
  const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
  zoomAt(Math.exp(-e.deltaY * unit * (e.ctrlKey ? 0.01 : 0.002)), e.clientX, e.clientY);
}, { passive: false });

// pointers, seen first (capture) so a pinch or a pan is never also a stroke of a tool
const distance = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
const middle = (a, b) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
wrap.addEventListener("pointerdown", (e) => {
  if (!hasMosaic()) return; // no pinch or pan of the empty area
  if (e.pointerType === "touch") {
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 2) {
      const [a, b] = [...touches.values()];
      pinch = { dist: distance(a, b), mid: middle(a, b), z: view.z };
      for (const fn of gestureListeners) fn();
      e.stopPropagation();
      return;
    }
  }
  const wantsPan = e.button === 1 || space || (!painting() && view.z > 1 && e.button === 0);
  if (!wantsPan || pinch) return;
  e.preventDefault();
  e.stopPropagation();
  try { canvas.setPointerCapture(e.pointerId); } catch { /* no such active pointer */ }
  drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
  wrap.classList.add("panning");
}, { capture: true });
wrap.addEventListener("pointermove", (e) => {
  if (touches.has(e.pointerId)) touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
  if (pinch && touches.size >= 2) {
    const [a, b] = [...touches.values()];
    const mid = middle(a, b);
    panBy(mid.x - pinch.mid.x, mid.y - pinch.mid.y);
    pinch.mid = mid;
    zoomAt(pinch.z * distance(a, b) / pinch.dist / view.z, mid.x, mid.y);
    e.stopPropagation();
  } else if (drag && e.pointerId === drag.id) {
    panBy(e.clientX - drag.x, e.clientY - drag.y);
    drag.x = e.clientX; drag.y = e.clientY;
    e.stopPropagation();
  }
}, { capture: true });
function release(e) {
  touches.delete(e.pointerId);
  if (pinch && touches.size < 2) { pinch = null; e.stopPropagation(); }
  if (drag && e.pointerId === drag.id) { drag = null; wrap.classList.remove("panning"); e.stopPropagation(); }
}
wrap.addEventListener("pointerup", release, { capture: true });
wrap.addEventListener("pointercancel", release, { capture: true });
wrap.addEventListener("auxclick", (e) => { if (e.button === 1) e.preventDefault(); });

// the keyboard, on the mosaic and its tool bar: + - 0, Space held to drag, arrows move the view
// when no tool uses them
const KEYS_ZOOM = { "+": 1.25, "=": 1.25, "-": 0.8, "_": 0.8 };
function keys(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || !hasMosaic()) return;
  if (KEYS_ZOOM[e.key]) { e.preventDefault(); zoomBy(KEYS_ZOOM[e.key]); }
  else if (e.key === "0") { e.preventDefault(); resetZoom(); }
}
for (const el of [canvas, $("#tools")]) el?.addEventListener("keydown", keys);
canvas.addEventListener("keydown", (e) => {
  const d = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] }[e.key];
  if (d && !painting() && view.z > 1) { e.preventDefault(); panBy(...d); }
  if (e.key === " " && !painting()) { e.preventDefault(); }
});
// Space held over the mosaic (even with a tool button focused: the button is not pressed)
document.addEventListener("keydown", (e) => {
  if (e.key !== " " || !wrap.matches(":hover") || e.target.closest?.("input, select, textarea, dialog")) return;
  if (e.target !== canvas) e.preventDefault(); // on the canvas, Space also applies the tool at the keyboard's stud
  space = true;
  wrap.classList.add("can-pan");
});
document.addEventListener("keyup", (e) => {
  if (e.key !== " " || !space) return;
  space = false;
  wrap.classList.remove("can-pan");
  if (e.target !== canvas) e.preventDefault();
});
$("#zoom-in")?.addEventListener("click", () => zoomBy(1.5));
$("#zoom-out")?.addEventListener("click", () => zoomBy(1 / 1.5));
$("#zoom-reset")?.addEventListener("click", resetZoom);
addEventListener("resize", apply);
