// legoremix page: wires the modules in web/js/ together. All mosaic work happens in the
// engine worker (worker.js); this page only collects settings and shows results.
//   js/store.js           state + commit()/preview() (undo steps) + subscribe()
//   js/engine-client.js   the only code that talks to the workers
//   js/messages.js        status line, messages next to where the person acted, notices
//   js/settings-panel.js  controls built from the engine's info(), field checks
//   js/crop.js            the crop box over the photo
//   js/mosaic-view.js     drawing, counts, out-of-date marking
//   js/tools.js           editing by hand: pencil, fill, eyedropper, eraser (js/mosaic-zoom.js: zoom, pan)
//   js/downloads.js       export buttons from the engine's format table, saving files
//   js/autosave.js        IndexedDB autosave
//   js/sw-register.js     the service worker (offline) and updates
//   js/progressive.js     best look within stock: first answer at once, refined one with progress, cancel
//   js/rank.js            Auto adjust, Poster, "Which set fits this picture?" (issue 12)
//   js/compare.js         error heat map and before/after wipe over the mosaic
//   js/photos.js          a new photo or project is one undo step (the previous photo kept in memory)
import { loadAutosave, autosave } from "./js/autosave.js";
import { checkedView, cropFromView, renderCrop, showPhoto, viewFromCrop } from "./js/crop.js";
import { buildDownloads, progress as exportProgress, saveBlob } from "./js/downloads.js";
import * as engine from "./js/engine-client.js";
import { clearError, flash, notice, setNote, setStatus, showError } from "./js/messages.js";
import { draw, markStale, renderCounts, renderStats } from "./js/mosaic-view.js";
import { paintFixes, renderTools, repaintPins } from "./js/tools.js";
import { buildControls, resetFields, setSize, syncControls } from "./js/settings-panel.js";
import { VIEW_DEFAULTS, commit, engineSettings, redo, replaceSettings, restoreHistory, state, subscribe, undo } from "./js/store.js";
import { registerServiceWorker } from "./js/sw-register.js";
import { depthDropped, initRelief, photoChanged, renderRelief, restoreDepth } from "./js/relief.js";
import "./js/pin-map.js"; // painted and raised studs follow the picture when the size or crop changes
import { initPieces, renderPieces } from "./js/pieces.js";
import { initLook, renderLook } from "./js/rank.js";
import { initInventory, renderInventory } from "./js/inventory.js";
import { computeProgressive } from "./js/progressive.js";
import { photoReplaced, photoRestored, replacingPhoto } from "./js/photos.js"; // replacing the photo is an undo step
import "./js/compare.js"; // the error heat map and the before/after wipe over the mosaic
import "./js/mini-mosaic.js"; // on a phone, a small copy of the mosaic while it is out of view

const $ = (sel) => document.querySelector(sel);
let computeId = 0;

// Every change of settings: fields, controls, crop box, a new mosaic; undo steps are saved too.
subscribe((kind) => {
  if (kind === "undo" || kind === "replace") resetFields();
  syncControls();
  renderRelief();
  renderPieces();
  renderInventory();
  renderLook();
  renderCrop();
  compute();
  if (kind !== "preview") autosave();
});

engine.startEngine({
  progress: (m) => {
    if (m.id === 0) { setStatus("loading", m.label); $("#progress").value = m.fraction; } else exportProgress(m);
  },
  ready: onReady,
  fatal: (message) => { setStatus("error", "The engine could not start"); showError("photo", message); },
});
const restoredPromise = loadAutosave(); // read while the engine boots

async function onReady(info) {
  state.info = info;
  state.defaults = { ...structuredClone(info.defaults), ...structuredClone(VIEW_DEFAULTS) };
  state.settings = structuredClone(state.defaults);
  $("#version").textContent = `legoremix ${info.build.legoremix} · Pyodide ${info.build.pyodide} · ` +
    `engine: ${info.backend === "numpy" ? "numpy" : "pure Python"}`;
  document.body.dataset.boot = JSON.stringify(info.bootMs);
  buildControls(info);
  buildDownloads(info);
  await initRelief(info);
  initPieces(info);
  initInventory(info);
  initLook();
  syncControls();
  const restored = await restoredPromise;
  if (restored && !state.image) {
    setStatus("busy", "Restoring your last session…");
    await restore(restored);
  } else {
    setStatus("ready", "Ready – choose a photo");
    if (state.image) { renderCrop(); compute(); }
  }
  document.body.dataset.readyAt = String(Date.now()); // read by scripts/bench_web.py
  // the service worker's precaching is background work: start it once the browser is idle
  (self.requestIdleCallback || ((f) => setTimeout(f, 500)))(registerServiceWorker, { timeout: 3000 });
}

// An autosave is checked by the engine before any of it is used (it may come from a newer
// version, or be damaged): if it is rejected the app starts clean and offers it as a file.
async function restore(saved) {
  let checked;
  try {
    checked = await engine.request({ type: "validate", settings: saved.settings });
  } catch (e) {
    let file = null;
    try { // the engine writes the rejected state, exactly as it was, into a project file
      await engine.request({ type: "image", blob: saved.image });
      file = await engine.request({ type: "project-file", settings: saved.settings });
    } catch { /* the saved photo is unreadable too: nothing to hand back */ }
    setStatus("ready", "Ready – choose a photo");
    notice(`Your last session could not be restored, so the app started fresh. ${e.message}`,
      file ? [["Download the old session as a project file", () => saveBlob(file.data, file.name, file.mime), "download-rejected"]] : []);
    return;
  }
  restoreHistory(saved, state.defaults); // undo and redo go on where they were
  replaceSettings({ ...structuredClone(state.defaults), ...checked.settings, cropView: checkedView(saved.settings.cropView),
    ...(saved.settings.reliefOff === true ? { reliefOff: true } : {}), // page-only: the relief removed
    ...(typeof saved.settings.photo === "number" ? { photo: saved.settings.photo } : {}) }, { record: false }); // and the photo's id
  if (await loadImage(saved.image, { keepSettings: true })) {
    flash("Restored your last session.");
    if (saved.depth) await restoreDepth(saved.depth); // the relief's depth map too (kept for Undo if removed)
    photoRestored(); // the steps of this photo stay; those of an earlier photo (not saved) go
  }
}

// ---------- photos and projects ----------
// While the engine is still booting, the photo and a crop box show at once (the browser
// decodes it here too); the mosaic follows when the engine is ready.
async function showEarly(blob) {
  if (state.info || state.image) return;
  try {
    const bmp = await createImageBitmap(blob, { imageOrientation: "from-image" });
    const { width, height } = bmp;
    bmp.close();
    if (state.info || state.image) return;
    showPhoto(URL.createObjectURL(blob));
    const side = Math.min(width, height); // the default canvas is square until the engine says otherwise
    const box = $("#crop-box").style;
    [box.left, box.top] = [`${50 * (1 - side / width)}%`, `${50 * (1 - side / height)}%`];
    [box.width, box.height] = [`${100 * side / width}%`, `${100 * side / height}%`];
    document.body.dataset.early = "photo"; // read by the browser tests and scripts/bench_web.py
  } catch { /* not an image: the engine will say so in a sentence */ }
}

async function loadImage(blob, { keepSettings = false } = {}) {
  clearError();
  setStatus(state.info ? "busy" : "loading", state.info ? "Reading the photo…" : "Your photo is ready; the engine is still loading…");
  showEarly(blob);
  let r;
  try {
    r = await engine.request({ type: "image", blob });
  } catch (e) {
    setStatus("error", "That file could not be used");
    showError("photo", e.message);
    return false;
  }
  const swap = keepSettings ? null : replacingPhoto(); // the photo now in use, kept for Undo
  if (state.image?.url) URL.revokeObjectURL(state.image.url);
  state.image = { width: r.width, height: r.height, url: URL.createObjectURL(blob) };
  state.imageBlob = blob;
  const hadDepth = Boolean(state.depth);
  photoChanged(null); // a new photo: the engine dropped the old photo's depth map
  setNote("image", r.note || "", { reset: true });
  if (hadDepth) depthDropped();
  showPhoto(state.image.url);
  // a new photo is one undo step (js/photos.js): Undo brings back the old photo, its crop and studs
  if (!keepSettings) {
    commit((s) => { s.photo = swap.id; s.cropView = structuredClone(VIEW_DEFAULTS.cropView); s.crop = null; s.pins = []; s.relief_pins = []; });
    photoReplaced(swap);
  } else { renderCrop(); await compute(); }
  return true;
}

async function openProject(file, where = "project") {
  clearError();
  setStatus("busy", "Opening the project…");
  try {
    const r = await engine.request({ type: "project", blob: file }); // checked whole before anything changes
    const blob = new Blob([r.png], { type: "image/png" });
    const swap = replacingPhoto(); // the photo now in use, kept for Undo
    if (state.image?.url) URL.revokeObjectURL(state.image.url);
    state.image = { width: r.width, height: r.height, url: URL.createObjectURL(blob) };
    state.imageBlob = blob;
    photoChanged(r.depth ? { kind: "map", name: file.name, ...r.depth } : null); // the project's relief, if any
    showPhoto(state.image.url);
    setNote("project", "", { reset: true });
    replaceSettings({ ...structuredClone(state.defaults), ...r.settings, cropView: viewFromCrop(r.settings.crop, r.settings.size),
      photo: swap.id }); // one undo step: Undo brings back the photo and work before it (js/photos.js)
    photoReplaced(swap);
  } catch (e) {
    setStatus("error", "The project could not be opened");
    showError(where, e.message);
  }
}

function pickFile(file) {
  if (!file) return;
  if (/\.legoremix$/i.test(file.name)) openProject(file, "photo"); // chosen or dropped where photos go
  else loadImage(file);
}
$("#image-input").onchange = (e) => { pickFile(e.target.files[0]); e.target.value = ""; };
$("#project-input").onchange = (e) => { if (e.target.files[0]) openProject(e.target.files[0]); e.target.value = ""; };
$("#example").onclick = async () => loadImage(await (await fetch("example.jpg")).blob());
{
  const drop = $("#drop");
  for (const ev of ["dragenter", "dragover"]) document.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
  for (const ev of ["dragleave", "drop"]) document.addEventListener(ev, () => drop.classList.remove("over"));
  document.addEventListener("drop", (e) => { e.preventDefault(); pickFile(e.dataTransfer.files[0]); });
  document.addEventListener("paste", (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.type.startsWith("image/"));
    if (item) { e.preventDefault(); loadImage(item.getAsFile()); }
  });
}
$("#side-by-side").onchange = () => document.body.classList.toggle("hide-source", !$("#side-by-side").checked);

// ---------- undo / redo ----------
$("#undo").onclick = undo;
$("#redo").onclick = redo;
document.addEventListener("keydown", (e) => {
  // a field being typed in keeps its own undo (text, search, price and count boxes); a
  // drop-down has none, and keeps the focus after a choice, so there Ctrl+Z undoes the choice
  const typing = e.target.matches("textarea, [contenteditable], input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=button]):not([type=file])");
  if (!(e.ctrlKey || e.metaKey) || typing) return;
  if (e.key.toLowerCase() === "z") { e.preventDefault(); e.shiftKey ? redo() : undo(); }
  else if (e.key.toLowerCase() === "y") { e.preventDefault(); redo(); }
});

// ---------- compute ----------
/** A change made while a field is marked invalid is kept but not applied: say so under the
 * mosaic (where the person looks for the change), naming the field, with a way to it. */
function blockedNote() {
  markStale(true);
  const field = document.querySelector("input[aria-invalid=true], select[aria-invalid=true]");
  const name = field && (field.labels?.[0]?.textContent || field.getAttribute("aria-label") || "").trim();
  showError("mosaic", `The mosaic is not updated while a field is marked${name ? ` (${name})` : ""}: ` +
    "fix it, or undo, and your other changes are applied.",
    field ? [["Show the field", () => { field.scrollIntoView({ block: "center" }); field.focus(); }, "show-invalid-field"]] : []);
}

async function compute() {
  if (!state.info || !state.image || !state.settings) return;
  if (state.invalid.size) { blockedNote(); return; } // a field says what to fix first
  const id = ++computeId;
  const started = performance.now();
  setStatus("busy", "Making your mosaic…");
  const settings = engineSettings(); // the crop view is the page's own: the engine gets the box
  if (!settings.crop) settings.crop = cropFromView(state.settings.cropView, settings.size[0], settings.size[1]);
  const show = (r, refining = false) => {
    if (id !== computeId) return false; // superseded by a newer change
    clearError("mosaic");
    clearError("sets"); // a failure told by the sets (computeFailed) is over too
    state.mosaic = r;
    markStale(false);
    smallPhotoNote(settings);
    draw();
    renderCounts();
    renderTools();
    renderStats();
    renderRelief();
    renderPieces();
    renderInventory();
    if (refining) { setStatus("busy", "Refining the look (the first answer is shown)…"); return true; }
    // latency from the change to the drawn mosaic, read by scripts/bench_web.py
    document.body.dataset.latency = String(Math.round(performance.now() - started));
    document.body.dataset.drawnAt = String(performance.now()); // when, for a benchmark's own start
    setStatus("busy", "Measuring the colour difference…");
    return true;
  };
  let r;
  try { // with the best look on, the answer without refining shows first (js/progressive.js)
    // a big relief's plates take seconds to pack: their progress in the status line
    const onWork = (m) => { if (id === computeId) setStatus("busy", `${m.label}… ${Math.round(100 * m.fraction)} %`); };
    r = await computeProgressive(settings, (first) => show(first, true), { scores: false }, onWork);
  } catch (e) {
    if (id === computeId) computeFailed(e);
    return;
  }
  if (r === null || !show(r)) return;
  // the mosaic is drawn; its colour differences follow (the same settings: the engine computes
  // only them), so a change shows the picture without waiting for its scores
  let scored;
  try {
    scored = await engine.compute(r.computedWith || settings, null, { scores: true });
  } catch (e) {
    if (id === computeId) computeFailed(e);
    return;
  }
  if (scored === null || id !== computeId) return; // superseded by a newer change
  document.body.dataset.engineMs = String(Math.round(r.ms)); // read by scripts/bench_web.py
  scored.ms += r.ms; // the time shown: the mosaic's and its scores'
  state.mosaic = scored;
  renderStats();
  if ($("#show-error").checked) draw(); // the heat map is drawn from the scores
  document.body.dataset.scoredLatency = String(Math.round(performance.now() - started));
  document.body.dataset.scoredAt = String(performance.now());
  document.body.dataset.computed = String(id);
  // the engine's time per stage (ms) for the mosaic and for its scores, read by scripts/bench_web.py
  document.body.dataset.stageMs = JSON.stringify(Object.fromEntries(
    Object.entries({ ...r.timings, scores: scored.timings?.scores ?? 0, photo_seen: scored.timings?.photo_seen ?? 0 })
      .map(([k, v]) => [k, Math.round(v * 10000) / 10])));
  Object.assign(document.body.dataset,
    { stopped: engine.stats.stopped, completed: engine.stats.completed, joined: engine.stats.joined });
  setStatus("ready", "Ready");
  if (!engine.pdfStarted()) setTimeout(() => engine.pdfWorker(exportProgress), 1000); // warm up on the other core
}

// A failed compute: the message on the mosaic, with one-click ways out where there are some.
// The part of the page the person last used (a fieldset or panel): a mosaic that cannot be made
// after a change to the sets is told there (the sets' own slot), not under the far-away mosaic.
let actedIn = null;
let actedOn = null; // the control itself: Undo from the message gives the keyboard back to it
for (const type of ["click", "change", "keydown"]) {
  document.addEventListener(type, (e) => { actedOn = e.target; actedIn = e.target.closest?.("fieldset, section") ?? null; }, true);
}

/** The keyboard back where the person acted: that control if it is still on the page, else the
 * first field there (after Undo of a removed set: the sets' first copies field), else the mosaic;
 * never the header, which on a phone is screens away. */
function focusBack(on, home) {
  const target = (on?.isConnected && on !== document.body && !on.disabled ? on : null)
    || home?.querySelector("#sets input") || home?.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled])")
    || $("#mosaic");
  target.focus();
}

function computeFailed(e) {
  markStale(true);
  repaintPins();
  setStatus("error", "The mosaic could not be made");
  const d = e.details || {};
  const actions = d.kind === "inventory" ? paintFixes() : []; // painted more of a colour than there is
  if (d.kind === "inventory" && d.largest_size) {
    const [w, h] = d.largest_size;
    actions.push([`Use the largest size your pieces allow (${w} × ${h})`, () => { setSize(w, h); $("#width").focus(); }, "fix-largest-size"]);
  }
  if (d.kind === "inventory" || (d.fields || []).includes("sets")) {
    if (!state.settings.unlimited) {
      actions.push(["Use unlimited pieces", () => { commit((s) => { s.unlimited = true; }); $("#unlimited").focus(); }, "fix-unlimited"]);
    }
    actions.push(["Add a set", () => { $("#set-add").scrollIntoView({ block: "center" }); $("#set-add").focus(); }, "fix-add-set"]);
  }
  const [on, home] = [actedOn, actedIn];
  if (state.history.length) actions.push(["Undo the last change", () => { undo(); focusBack(on, home); }, "fix-undo"]);
  showError(actedIn?.querySelector(".error-slot[data-where=sets]") ? "sets" : "mosaic", e.message, actions);
}

// A photo (or crop) with fewer pixels than the mosaic has studs cannot add detail: say so.
function smallPhotoNote(settings) {
  const [, , cw, ch] = settings.crop;
  const [w, h] = settings.size;
  setNote("small", cw < w || ch < h
    ? `The part of the photo you use is ${cw} × ${ch} pixels, smaller than the ${w} × ${h} stud mosaic, ` +
      "so some pixels cover several studs. A larger photo gives more detail."
    : "");
}
