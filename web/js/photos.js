// Replacing the photo (a new photo, or an opened project) is one undo step, so an accidental
// drop loses nothing: the page-only setting ``photo`` names the photo each undo step belongs
// to, and this module holds that photo and the one before it in memory (its file, size and
// depth map). Undo or Redo across a replacement hands the engine the other photo again (then
// its depth map, then app.js computes: the worker answers requests in order), and the settings
// bring back its crop, painted and raised studs. Memory: at most the one previous photo is
// held; the steps of older photos are dropped with it. The autosave keeps only the current
// photo, so after a reload the steps of the previous photo are dropped too (app.js restore).
import { request } from "./engine-client.js";
import { showPhoto } from "./crop.js";
import { setNote, showError } from "./messages.js";
import { keptDepth, photoSwapped } from "./relief.js";
import { syncUndo } from "./settings-panel.js";
import { state, subscribe } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const held = new Map(); // photo id (null: a photo from before ids) -> {blob, width, height, depth}
let shown = null;       // the id of the photo the engine holds

const idOf = (s) => s?.photo ?? null;
const mentions = (step, id) => step.includes(`"photo":${JSON.stringify(id)}`) || (id === null && !step.includes('"photo":'));

function current() {
  return { blob: state.imageBlob, width: state.image.width, height: state.image.height, depth: keptDepth() };
}

/** Call before a new photo or project replaces the current one: keeps the current photo for
 * Undo; returns {id, prev}, ``id`` to be set as ``settings.photo`` in the replacing commit. */
export function replacingPhoto() {
  const prev = idOf(state.settings);
  if (state.image && state.imageBlob) held.set(prev, current());
  return { id: Math.max(Date.now(), (typeof prev === "number" ? prev : 0) + 1), prev };
}

/** After the replacing commit: the new photo is held, older ones are let go with their steps. */
export function photoReplaced({ id, prev }) {
  held.set(id, current());
  shown = id;
  for (const k of [...held.keys()]) if (k !== id && k !== prev) held.delete(k);
  prune();
  renderNote();
}

/** A restored session: only its own photo is in memory, so steps of other photos go. */
export function photoRestored() {
  held.clear();
  shown = idOf(state.settings);
  if (state.image && state.imageBlob) held.set(shown, current());
  prune();
  renderNote();
}

/** Undo and redo steps of photos no longer held are dropped (they would need that photo). */
function prune() {
  const keep = (list) => list.filter((text) => {
    try { return held.has(JSON.parse(text).photo ?? null); } catch { return false; }
  });
  state.history = keep(state.history);
  state.future = keep(state.future);
  syncUndo();
}

/** The note next to the photo input: what Undo (or Redo) brings back; a photo that no step
 * needs any more (its steps were undone, then replaced by new ones) is let go. */
function renderNote() {
  const el = $("#photo-undo-note");
  let text = "";
  for (const id of [...held.keys()]) {
    if (id === shown) continue;
    if (state.history.some((t) => mentions(t, id))) text = "Undo brings back your previous photo and its painted studs.";
    else if (state.future.some((t) => mentions(t, id))) text = "Redo brings back the photo you chose after this one.";
    else held.delete(id);
  }
  if (!el) return;
  el.textContent = text;
  el.hidden = !text;
}

// Undo/redo across a replacement: the engine gets the other photo before app.js computes.
subscribe((kind) => {
  if (kind === "preview") return;
  const want = idOf(state.settings);
  if (kind === "undo" && want !== shown && held.has(want)) {
    if (held.has(shown) && state.imageBlob) held.get(shown).depth = keptDepth(); // a depth map chosen since
    const p = held.get(want);
    shown = want;
    request({ type: "image", blob: p.blob }).catch((e) => showError("photo", e.message));
    if (state.image?.url) URL.revokeObjectURL(state.image.url);
    state.image = { width: p.width, height: p.height, url: URL.createObjectURL(p.blob) };
    state.imageBlob = p.blob;
    showPhoto(state.image.url);
    photoSwapped(p.depth); // the engine dropped the depth map with the photo: this photo's goes back
    setNote("relief", ""); // "its depth map belonged to the previous photo" no longer applies
  }
  if (held.size > 1) renderNote();
});
