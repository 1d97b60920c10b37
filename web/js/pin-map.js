// Studs painted by hand (settings.pins, [x, y, BrickLink id]) and raised by hand
// (settings.relief_pins, [x, y, height]) belong to places of the picture, not to stud numbers:
// when the mosaic's size or crop changes, each one moves, in the same undo step, to the stud
// that now covers its old stud's centre in the photo. Pins outside the new crop are dropped;
// when several land on one stud the one nearest that stud's centre stays (a tie: the one
// painted last). A short note next to the size or crop controls says what was dropped; Undo
// brings back the old size, crop and pins exactly. The engine checks the pins as always.
import { cropFromView } from "./crop.js";
import { state, subscribe } from "./store.js";

const $ = (sel) => document.querySelector(sel);

/** The crop box the engine gets ([x, y, w, h], photo pixels) and the size, or null (no photo). */
export function geometry(s) {
  const crop = s.crop || cropFromView(s.cropView, s.size[0], s.size[1]);
  return crop ? { crop, size: [s.size[0], s.size[1]] } : null;
}

const sameGeometry = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** ⌊num / den⌋ exactly for whole numbers (den > 0), whatever the float division rounds to. */
function floorDiv(num, den) {
  let q = Math.floor(num / den);
  if (q * den > num) q -= 1;
  else if ((q + 1) * den <= num) q += 1;
  return q;
}

/** Stud i of n over [o0, o0 + c0) -> [stud of n1 over [o1, o1 + c1) holding its centre, the
 * centre's offset from that stud's centre in studs]. Whole-number arithmetic, so a centre on a
 * border between two new studs always goes to the later one. */
function axis(i, o0, c0, n0, o1, c1, n1) {
  const num = (2 * n0 * (o0 - o1) + (2 * i + 1) * c0) * n1, den = 2 * n0 * c1;
  const k = floorDiv(num, den);
  return [k, num / den - (k + 0.5)];
}

/** ``pins`` ([x, y, value]) of geometry ``from`` moved to geometry ``to`` (see geometry()):
 * {pins (in their old order), outside (dropped: off the new crop), merged (dropped: another pin
 * took their stud)}. */
export function mapPins(pins, from, to) {
  const [x0, y0, cw0, ch0] = from.crop, [w0, h0] = from.size;
  const [x1, y1, cw1, ch1] = to.crop, [w1, h1] = to.size;
  const best = new Map();
  let outside = 0;
  pins.forEach(([x, y, v], k) => {
    const [nx, dx] = axis(x, x0, cw0, w0, x1, cw1, w1);
    const [ny, dy] = axis(y, y0, ch0, h0, y1, ch1, h1);
    if (nx < 0 || ny < 0 || nx >= w1 || ny >= h1) { outside += 1; return; }
    const d = dx * dx + dy * dy, key = ny * w1 + nx, had = best.get(key);
    if (!had || d <= had.d) best.set(key, { k, d, pin: [nx, ny, v] });
  });
  const kept = [...best.values()].sort((a, b) => a.k - b.k).map((e) => e.pin);
  return { pins: kept, outside, merged: pins.length - outside - kept.length };
}

const studs = (n, what) => `${n} ${what} stud${n === 1 ? "" : "s"}`;

/** The sentence about dropped pins ("" when none were). */
export function droppedText(painted, raised) {
  const parts = [];
  for (const [r, what] of [[painted, "painted"], [raised, "raised"]]) {
    if (r.outside) parts.push(`${studs(r.outside, what)} fell outside the new crop`);
    if (r.merged) parts.push(`${studs(r.merged, what)} now shared a stud with another one`);
  }
  if (!parts.length) return "";
  const n = painted.outside + painted.merged + raised.outside + raised.merged;
  return `${parts.join(", ")}, so ${n === 1 ? "it was" : "they were"} removed; the others moved with the picture. ` +
    "Undo brings back the old size and studs.";
}

/** The note next to the size fields (``where`` "size") or the crop controls ("crop"). */
function showNote(text, where) {
  const el = $("#pins-note");
  if (!el) return;
  if (text) (where === "crop" ? $("#crop-reset") : $("#physical"))?.after(el);
  el.textContent = text;
  el.hidden = !text;
}

let parsedText = null, parsed = null; // the last ``before`` read (a drag notifies many times)
let movedFor = null; // the ``before`` whose pins were moved by this gesture

/** Runs first on every change (this module is imported before app.js's listener). */
function follow(kind, before) {
  const s = state.settings;
  if (!s || (kind !== "preview" && kind !== "commit") || !before || !state.image) {
    movedFor = null;
    if (kind !== "preview") showNote("", "size");
    return;
  }
  if (before !== parsedText) { parsed = JSON.parse(before); parsedText = before; }
  if ((parsed.photo ?? null) !== (s.photo ?? null)) { movedFor = null; showNote("", "size"); return; } // another photo (js/photos.js): nothing follows
  const from = geometry(parsed), to = geometry(s);
  if (!from || !to) return;
  const changed = !sameGeometry(from, to);
  if (changed || movedFor === before) { // moved now, or back where the gesture started
    const painted = mapPins(parsed.pins || [], from, to), raised = mapPins(parsed.relief_pins || [], from, to);
    s.pins = painted.pins;
    s.relief_pins = raised.pins;
    movedFor = changed ? before : null;
    showNote(droppedText(painted, raised), from.size[0] === to.size[0] && from.size[1] === to.size[1] ? "crop" : "size");
  } else if (kind === "commit" && JSON.stringify(s) !== before) showNote("", "size"); // another change: the note is old
  if (kind === "commit") movedFor = null;
}
subscribe(follow);
