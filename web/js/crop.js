// The crop box over the photo: its aspect is locked to the canvas; the page keeps a view
// (centre cx, cy in 0..1 and zoom in 0.1..1: the box's share of the largest box) and sends the
// engine the box in pixels. The zoom slider shows magnification (100 % to 1000 %: more zoom, a
// tighter crop); the wheel, a two-finger pinch and + / − on the box zoom too, each gesture one
// undo step.
import { VIEW_DEFAULTS, commit, preview, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);

/** The crop box [x, y, w, h] in photo pixels for a view and a canvas of w x h studs. */
export function cropFromView(view, w, h) {
  if (!state.image) return null;
  const W = state.image.width, H = state.image.height;
  let cw, ch;
  if (W * h > H * w) { ch = H; cw = H * w / h; } else { cw = W; ch = W * h / w; }
  cw = Math.max(1, Math.round(cw * view.zoom));
  ch = Math.max(1, Math.round(ch * view.zoom));
  const x = Math.round(Math.min(Math.max(view.cx * W - cw / 2, 0), W - cw));
  const y = Math.round(Math.min(Math.max(view.cy * H - ch / 2, 0), H - ch));
  return [x, y, Math.min(cw, W), Math.min(ch, H)];
}

/** The view that gives a stored crop box (projects store only the box). */
export function viewFromCrop(crop, [w, h]) {
  if (!crop || !state.image) return structuredClone(VIEW_DEFAULTS.cropView);
  const full = cropFromView({ cx: 0.5, cy: 0.5, zoom: 1 }, w, h);
  const [x, y, cw, ch] = crop;
  return { cx: (x + cw / 2) / state.image.width, cy: (y + ch / 2) / state.image.height,
    zoom: Math.min(1, Math.max(0.1, cw / full[2])) };
}

/** A usable view from anything (an old autosave may hold none or a broken one). */
export function checkedView(v) {
  const ok = v && [v.cx, v.cy, v.zoom].every((x) => Number.isFinite(x)) && v.zoom > 0 && v.zoom <= 1;
  return ok ? { cx: v.cx, cy: v.cy, zoom: v.zoom } : structuredClone(VIEW_DEFAULTS.cropView);
}

/** Keep settings.crop in step with the view (after any change of view or size). */
export function applyView(s) {
  s.crop = cropFromView(s.cropView, s.size[0], s.size[1]);
}

/** Photos whose longer side is under this many CSS pixels show scaled up by a whole factor,
 * pixel for pixel (a 12 x 10 icon would otherwise be a dot beside its crop box). */
const SMALL_PHOTO_PX = 240;

export function showPhoto(url) {
  const img = $("#original");
  img.onload = () => {
    const w = img.naturalWidth, h = img.naturalHeight;
    const room = Math.min(SMALL_PHOTO_PX, 0.4 * window.innerHeight); // the frame's own cap: 40vh
    const f = Math.max(1, Math.floor(room / Math.max(w, h, 1)));
    img.classList.toggle("pixelated", f > 1);
    img.style.width = f > 1 ? `${f * w}px` : "";
  };
  img.src = url;
  $("#crop").hidden = false;
}

export function renderCrop() {
  const s = state.settings;
  if (!state.image || !s) return;
  const c = s.crop || cropFromView(s.cropView, s.size[0], s.size[1]);
  const box = $("#crop-box");
  box.style.left = `${100 * c[0] / state.image.width}%`;
  box.style.top = `${100 * c[1] / state.image.height}%`;
  box.style.width = `${100 * c[2] / state.image.width}%`;
  box.style.height = `${100 * c[3] / state.image.height}%`;
  box.setAttribute("aria-valuetext", `${c[2]} × ${c[3]} pixels at ${c[0]}, ${c[1]}`);
  $("#crop-zoom").value = Math.round(100 / s.cropView.zoom);
  $("#crop-zoom-out").textContent = `${Math.round(100 / s.cropView.zoom)} %`;
}

/** The box's share for a magnification (100 % = the largest box, 1000 % = a tenth of it). */
const zoomShare = (z) => Math.min(1, Math.max(0.1, z));
function zoomTo(s, share) {
  s.cropView = { ...s.cropView, zoom: zoomShare(share) };
  applyView(s);
}

function moveTo(s, cx, cy) {
  s.cropView = { ...s.cropView, cx: Math.min(1, Math.max(0, cx)), cy: Math.min(1, Math.max(0, cy)) };
  applyView(s);
}

{
  const box = $("#crop-box");
  let drag = null;
  box.addEventListener("pointerdown", (e) => {
    if (pinch) return;
    box.setPointerCapture(e.pointerId);
    drag = { x: e.clientX, y: e.clientY, view: { ...state.settings.cropView } };
  });
  box.addEventListener("pointermove", (e) => {
    if (!drag || pinch) return;
    const r = $("#crop-frame").getBoundingClientRect();
    preview((s) => moveTo(s, drag.view.cx + (e.clientX - drag.x) / r.width, drag.view.cy + (e.clientY - drag.y) / r.height));
  });
  box.addEventListener("pointerup", () => { if (drag) { drag = null; commit(); } });
  box.addEventListener("keydown", (e) => {
    const z = { "+": 1 / 1.25, "=": 1 / 1.25, "-": 1.25, "_": 1.25 }[e.key];
    if (z) { e.preventDefault(); commit((s) => zoomTo(s, s.cropView.zoom * z)); return; }
    const d = { ArrowLeft: [-0.02, 0], ArrowRight: [0.02, 0], ArrowUp: [0, -0.02], ArrowDown: [0, 0.02] }[e.key];
    if (!d) return;
    e.preventDefault();
    commit((s) => moveTo(s, s.cropView.cx + d[0], s.cropView.cy + d[1]));
  });
  // the wheel over the photo: one undo step per burst of wheel turns
  const frame = $("#crop-frame");
  let wheelDone = null;
  frame.addEventListener("wheel", (e) => {
    if (!state.settings || !state.image) return;
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const share = zoomShare(state.settings.cropView.zoom * Math.exp(e.deltaY * unit * (e.ctrlKey ? 0.01 : 0.002)));
    if (share === state.settings.cropView.zoom) return; // at either end the page scrolls on
    e.preventDefault();
    preview((s) => zoomTo(s, share));
    clearTimeout(wheelDone);
    wheelDone = setTimeout(() => commit(), 400);
  }, { passive: false });
  // two fingers on the photo: spreading them zooms in (a tighter crop)
  let pinch = null;
  const touches = new Map();
  const spread = () => { const [a, b] = [...touches.values()]; return Math.hypot(a.x - b.x, a.y - b.y); };
  frame.addEventListener("pointerdown", (e) => {
    if (e.pointerType !== "touch" || !state.settings) return;
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 2) {
      drag = null;
      pinch = { dist: spread(), zoom: state.settings.cropView.zoom };
    }
  }, { capture: true });
  frame.addEventListener("pointermove", (e) => {
    if (!touches.has(e.pointerId)) return;
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pinch && touches.size === 2) preview((s) => zoomTo(s, pinch.zoom * pinch.dist / Math.max(1, spread())));
  }, { capture: true });
  const lift = (e) => {
    touches.delete(e.pointerId);
    if (pinch && touches.size < 2) { pinch = null; commit(); }
  };
  frame.addEventListener("pointerup", lift, { capture: true });
  frame.addEventListener("pointercancel", lift, { capture: true });
  $("#crop-zoom").oninput = () => preview((s) => zoomTo(s, 100 / +$("#crop-zoom").value));
  $("#crop-zoom").onchange = () => commit();
  $("#crop-reset").onclick = () => commit((s) => { s.cropView = structuredClone(VIEW_DEFAULTS.cropView); s.crop = null; });
}
