// The page's state and the ONE way to change settings: commit() (an undo step + autosave) or
// preview() (live while dragging a slider or the crop; the next commit() records one undo step
// for the whole gesture). Modules subscribe() to hear about every change.
export const state = {
  info: null,        // the engine's info(): sets, colours, choices, default settings
  defaults: null,    // info.defaults plus the page's own view of the crop
  settings: null,    // see py/legoremix/settings.py; plus cropView {cx, cy, zoom} (page only)
  image: null,       // {width, height, url} of the working photo
  imageBlob: null,
  depth: null,       // 3D relief: {kind: "image", name, blob} or {kind: "model", label, width, height, values}
  mosaic: null,      // the last result (Mosaic.to_dict() format, see py/legoremix/pipeline.py)
  stale: false,      // the mosaic on screen no longer matches the settings
  invalid: new Set(),// fields whose value cannot be used: nothing is computed meanwhile
  history: [], future: [],
};

export const VIEW_DEFAULTS = { cropView: { cx: 0.5, cy: 0.5, zoom: 1 } };

/** The settings as the engine knows them: without the page's own view of the crop. */
export function engineSettings() {
  const { cropView, reliefOff, photo, ...settings } = state.settings; // page-only (reliefOff: js/relief.js, photo: js/photos.js)
  return settings;
}
const MAX_UNDO = 200;
const listeners = [];
let gestureStart = null; // settings (JSON) before the first preview() of a gesture

/** fn(kind, before): kind is "preview", "commit", "undo" or "replace"; ``before`` (preview and
 * commit) the settings as JSON at the start of this undo step, else null (js/pin-map.js moves
 * the painted studs from there when the size or crop changed). */
export function subscribe(fn) { listeners.push(fn); }
function notify(kind, before = null) { for (const fn of listeners) fn(kind, before); }

/** Apply a change live, without an undo step yet (quiet: the caller redraws by itself). */
export function preview(fn, { quiet = false } = {}) {
  if (!state.settings) return;
  gestureStart ??= JSON.stringify(state.settings);
  fn(state.settings);
  if (!quiet) notify("preview", gestureStart);
}

/** Keyboard steps on one control this close together (ms) make one undo step. */
const MERGE_MS = 1000;
let lastMerge = null; // {key, at} of the last commit that the next one with the same key may join

/** Apply a change as one undo step (covering any preview() since the last commit); a new
 * photo or project is one too (js/photos.js brings the old photo back on Undo). ``merge``: a
 * key such as a slider's id; a commit with the same key within MERGE_MS of the last one joins
 * its undo step (QA: five arrow-key presses on a slider took five Undos). */
export function commit(fn = () => {}, { merge = null } = {}) {
  if (!state.settings) return;
  const before = gestureStart ?? JSON.stringify(state.settings);
  gestureStart = null;
  fn(state.settings);
  if (JSON.stringify(state.settings) !== before) {
    const now = performance.now();
    const joins = merge !== null && lastMerge?.key === merge && now - lastMerge.at < MERGE_MS && state.history.length > 0;
    if (!joins) {
      state.history.push(before);
      if (state.history.length > MAX_UNDO) state.history.shift();
    }
    state.future = [];
    lastMerge = merge === null ? null : { key: merge, at: now };
  }
  notify("commit", before);
}

/** New settings wholesale (a restored session, an opened project); ``record`` makes it an
 * undo step (and autosaves), otherwise listeners hear "replace". */
export function replaceSettings(settings, { record = true } = {}) {
  if (record && state.settings) commit((s) => { for (const k of Object.keys(s)) delete s[k]; Object.assign(s, settings); });
  else { state.settings = settings; gestureStart = null; lastMerge = null; notify("replace"); }
}

function travel(from, to) {
  if (!from.length) return;
  lastMerge = null;
  to.push(JSON.stringify(state.settings));
  state.settings = JSON.parse(from.pop());
  gestureStart = null;
  notify("undo");
}
export const undo = () => travel(state.history, state.future);
export const redo = () => travel(state.future, state.history);

/** Drop what was previewed since the last commit, quietly (a stroke that became a pinch). */
export function cancelPreview() {
  if (gestureStart === null) return;
  state.settings = JSON.parse(gestureStart);
  gestureStart = null;
}

/** How many undo (and redo) steps the autosave keeps across a reload. */
export const SAVED_STEPS = 50;

/** Characters of saved steps at most (a step with thousands of painted studs is large). */
const SAVED_CHARS = 8e6;

/** The newest undo and redo steps, for the autosave (JSON strings of whole settings): at most
 * SAVED_STEPS of each, the ones next to the present first while they fit in SAVED_CHARS. */
export function savedHistory() {
  let budget = SAVED_CHARS;
  const newest = (list) => {
    const out = [];
    for (let i = list.length - 1; i >= 0 && out.length < SAVED_STEPS && list[i].length <= budget; i--) {
      budget -= list[i].length;
      out.unshift(list[i]);
    }
    return out;
  };
  return { history: newest(state.history), future: newest(state.future) };
}

/** Undo and redo steps from an autosave: only JSON objects are kept, and a step saved by an
 * older version gets the fields it lacks from ``defaults`` (the engine checks each step again
 * when it is computed). Call before the restored settings are put in place. */
export function restoreHistory(saved, defaults) {
  const steps = (list) => (Array.isArray(list) ? list.slice(-SAVED_STEPS) : []).flatMap((text) => {
    let v;
    try { v = typeof text === "string" ? JSON.parse(text) : null; } catch { return []; }
    if (!v || typeof v !== "object" || Array.isArray(v)) return [];
    return [Object.keys(defaults).every((k) => k in v) ? text : JSON.stringify({ ...structuredClone(defaults), ...v })];
  });
  state.history = steps(saved?.history);
  state.future = steps(saved?.future);
}
