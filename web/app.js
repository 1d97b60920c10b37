// legoremix page: renders and collects settings; all mosaic work happens in worker.js.
const $ = (sel) => document.querySelector(sel);
const STUD_MM = 8;
const SIZE_PRESETS = [32, 48, 64, 96, 128];
const ADJUSTMENTS = [
  ["hue", "Hue", -180, 180], ["saturation", "Saturation", -100, 100], ["value", "Value", -100, 100],
  ["brightness", "Brightness", -100, 100], ["contrast", "Contrast", -100, 100],
];
// The engine's defaults (info().defaults, see py/legoremix/settings.py) plus the page's own
// view of the crop; filled in when the engine is ready.
let DEFAULTS = null;
const VIEW_DEFAULTS = { cropView: { cx: 0.5, cy: 0.5, zoom: 1 } };

const state = {
  info: null, settings: null, image: null, imageBlob: null, mosaic: null, stale: false,
  history: [], future: [], brush: null, cursor: null, computeId: 0,
  invalid: new Set(), // controls whose value cannot be used: nothing is computed meanwhile
  notes: {},          // notices about the photo, shown together
};

// ---------- workers ----------
// connect(): a worker and its request/response bookkeeping (see the protocol in worker.js).
function connect(url, name, { progress, ready, fatal }) {
  const w = new Worker(url, { type: "module", name });
  const pending = new Map();
  let next = 1;
  const failAll = (message) => { for (const job of pending.values()) job.reject(new Error(message)); pending.clear(); };
  w.onmessage = (e) => {
    const m = e.data;
    if (m.type === "progress") return progress?.(m);
    if (m.type === "ready") return ready?.(m.info);
    if (m.type === "fatal") { failAll(m.message); return fatal?.(m.message); }
    const job = pending.get(m.id);
    if (!job) return;
    pending.delete(m.id);
    if (m.type === "done") job.resolve(m.result);
    else if (m.type === "superseded") job.resolve(null);
    else job.reject(Object.assign(new Error(m.message), { details: m.details || {} }));
  };
  w.onerror = (e) => { failAll(`The engine stopped: ${e.message}`); fatal?.(`The engine stopped: ${e.message}`); };
  return {
    request(msg, transfer = []) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ ...msg, id }, transfer);
      });
    },
  };
}

function exportProgress(m) {
  if (!m.id) return;
  const p = $("#export-progress");
  p.hidden = false;
  p.value = m.fraction;
}

const engine = connect(new URL("./worker.js", import.meta.url), "engine", {
  progress: (m) => {
    if (m.id === 0) { setStatus("loading", m.label); $("#progress").value = m.fraction; } else exportProgress(m);
  },
  ready: (info) => onReady(info),
  fatal: (message) => { setStatus("error", "The engine could not start"); showError("photo", message); },
});
const request = (msg, transfer) => engine.request(msg, transfer);

// The PDF worker boots in the background after the first mosaic (or at the first PDF).
let pdfEngine = null;
function pdfWorker() {
  pdfEngine ??= connect(new URL("./worker.js", import.meta.url), "pdf", { progress: exportProgress });
  return pdfEngine;
}

// ---------- status, errors, notices ----------
function setStatus(stateName, text) {
  const el = $("#status");
  el.dataset.state = stateName;
  el.textContent = text;
  $("#progress").hidden = stateName !== "loading";
}
// Buttons offered with a message: [[label, onclick, testid], ...]
function actionButtons(actions) {
  return actions.map(([label, onclick, testid]) => {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: label });
    if (testid) b.dataset.testid = testid;
    b.onclick = onclick;
    return b;
  });
}
// One message box, moved next to where the person acted: "photo", "mosaic", "downloads", "project".
function showError(where, msg, actions = []) {
  const box = $("#error");
  (document.querySelector(`.error-slot[data-where=${where}]`) || document.querySelector(".error-slot")).append(box);
  box.dataset.where = where;
  $("#error-text").textContent = msg;
  $("#error-actions").replaceChildren(...actionButtons(actions));
  box.hidden = false;
}
function clearError(where) {
  const box = $("#error");
  if (!where || box.dataset.where === where) box.hidden = true;
}
function notice(msg, actions = []) {
  $("#notice-text").textContent = msg;
  $("#notice-actions").replaceChildren(...actionButtons(actions));
  $("#notice").hidden = !msg;
}
function setNote(key, text) {
  if (text) state.notes[key] = text; else delete state.notes[key];
  notice(Object.values(state.notes).join(" "));
}
$("#error-close").onclick = () => clearError();

// ---------- startup ----------
function fillSelect(sel, entries, value) {
  sel.replaceChildren(...entries.map(([v, label]) => new Option(label, v, false, v === value)));
}

async function onReady(info) {
  state.info = info;
  DEFAULTS = { ...structuredClone(info.defaults), ...structuredClone(VIEW_DEFAULTS) };
  state.settings = structuredClone(DEFAULTS);
  for (const id of ["width", "height"]) $(`#${id}`).max = info.max_studs;
  $("#version").textContent = `legoremix ${info.build.legoremix} · Pyodide ${info.build.pyodide} · ` +
    `engine: ${info.backend === "numpy" ? "numpy" : "pure Python"}`;
  document.body.dataset.boot = JSON.stringify(info.bootMs);
  fillSelect($("#set-add"), info.sets.map((s) => [s.id, `${s.name} – ${s.total} pieces`]));
  fillSelect($("#piece"), Object.entries(info.pieces));
  fillSelect($("#metric"), Object.entries(info.metrics));
  fillSelect($("#dither"), info.dithers.map((d) => [d, d === "none" ? "None (best pieces per stud)" : d]));
  buildAdjustments();
  $(".settings").inert = false;
  const restored = await restoredPromise;
  if (restored) {
    syncControls();
    setStatus("busy", "Restoring your last session…");
    await restore(restored);
  } else {
    syncControls();
    setStatus("ready", "Ready – choose a photo");
    if (state.image) compute();
  }
  document.body.dataset.readyAt = String(Date.now()); // read by scripts/bench_web.py
  // the service worker's precaching is background work: start it once the browser is idle
  (self.requestIdleCallback || ((f) => setTimeout(f, 500)))(registerServiceWorker, { timeout: 3000 });
}

// An autosave is checked by the engine before any of it is used (it may come from a newer
// version, or be damaged): if it is rejected the app starts clean and offers it as a file.
async function restore(saved) {
  let checked = null;
  try {
    checked = await request({ type: "validate", settings: saved.settings });
  } catch (e) {
    let file = null;
    try { // the engine writes the rejected state, exactly as it was, into a project file
      await request({ type: "image", blob: saved.image });
      file = await request({ type: "project-file", settings: saved.settings });
    } catch { /* the saved photo is unreadable too: nothing to hand back */ }
    setStatus("ready", "Ready – choose a photo");
    notice(`Your last session could not be restored, so the app started fresh. ${e.message}`,
      file ? [["Download the old session as a project file", () => saveBlob(file.data, file.name, file.mime), "download-rejected"]] : []);
    return;
  }
  state.settings = { ...structuredClone(DEFAULTS), ...checked.settings, cropView: cropViewOf(saved.settings.cropView) };
  syncControls();
  if (await loadImage(saved.image, { keepSettings: true })) setNote("restored", "Restored your last session.");
}
function cropViewOf(v) {
  const ok = v && [v.cx, v.cy, v.zoom].every((x) => Number.isFinite(x)) && v.zoom > 0 && v.zoom <= 1;
  return ok ? { cx: v.cx, cy: v.cy, zoom: v.zoom } : structuredClone(VIEW_DEFAULTS.cropView);
}

// ---------- settings <-> controls ----------
function syncControls() {
  const s = state.settings;
  if (!s) return;
  if (!state.invalid.has("width")) $("#width").value = s.size[0];
  if (!state.invalid.has("height")) $("#height").value = s.size[1];
  $("#background").value = s.background;
  const ownsPieces = Object.values(s.sets).some((n) => n > 0) || Object.values(s.custom).some((n) => n > 0);
  $("#wanted-field").hidden = !(s.unlimited && ownsPieces); // with a limited inventory nothing can be missing
  document.querySelectorAll("[data-size]").forEach((b) =>
    b.setAttribute("aria-pressed", String(+b.dataset.size === s.size[0] && +b.dataset.size === s.size[1])));
  const cm = (n) => (n * STUD_MM / 10).toFixed(1);
  const inch = (n) => (n * STUD_MM / 25.4).toFixed(1);
  $("#physical").textContent = `${cm(s.size[0])} × ${cm(s.size[1])} cm (${inch(s.size[0])} × ${inch(s.size[1])} in)`;
  $("#piece").value = s.piece;
  $("#metric").value = s.metric;
  $("#dither").value = s.dither;
  $("#strength").value = s.strength;
  $("#strength-out").textContent = `${s.strength} %`;
  $("#unlimited").checked = s.unlimited;
  for (const [key] of ADJUSTMENTS) {
    $(`#adj-${key}`).value = s.adjustments[key];
    $(`#adj-${key}-out`).textContent = s.adjustments[key];
  }
  renderSets();
  $("#undo").disabled = state.history.length === 0;
  $("#redo").disabled = state.future.length === 0;
  updateCropBox();
}

function renderSets() {
  const ul = $("#sets");
  ul.replaceChildren();
  const max = state.info?.max_copies ?? 50;
  for (const [id, copies] of Object.entries(state.settings.sets)) {
    // a set this version does not know is still listed, so it can be removed
    const set = state.info?.sets.find((s) => s.id === id) || { short: `Unknown set ${id}`, name: `unknown set ${id}` };
    const li = document.createElement("li");
    const label = document.createElement("label");
    label.textContent = set.short;
    label.htmlFor = `copies-${id}`;
    const input = Object.assign(document.createElement("input"),
      { type: "number", min: 0, max, step: 1, value: copies, id: `copies-${id}`, title: "copies" });
    input.setAttribute("aria-label", `Copies of ${set.name}`);
    const err = Object.assign(document.createElement("p"), { className: "field-error", id: `copies-${id}-error`, hidden: true });
    err.dataset.testid = "copies-error";
    input.setAttribute("aria-describedby", err.id);
    input.oninput = () => checkField(input, err, `copies-${id}`, wholeNumber(input, "The number of copies", 0, max, "copies"));
    input.onchange = () => {
      const v = checkField(input, err, `copies-${id}`, wholeNumber(input, "The number of copies", 0, max, "copies"));
      if (v !== null) change((s) => { s.sets[id] = v; });
    };
    const rm = Object.assign(document.createElement("button"), { type: "button", textContent: "Remove" });
    rm.setAttribute("aria-label", `Remove ${set.name}`);
    rm.onclick = () => { state.invalid.delete(`copies-${id}`); change((s) => { delete s.sets[id]; }); };
    li.append(label, input, rm, err);
    ul.append(li);
  }
}

// ---------- fields that must hold a whole number ----------
// wholeNumber(): {value} or {error: a sentence saying what is wrong}; never a silent correction.
function wholeNumber(input, what, min, max, unit) {
  const raw = input.value.trim();
  if (input.validity.badInput) return { error: `${what} must be a whole number from ${min} to ${max}.` };
  if (raw === "") return { error: `${what} is missing: enter a whole number from ${min} to ${max}.` };
  const v = Number(raw);
  if (!Number.isFinite(v)) return { error: `${what} must be a whole number from ${min} to ${max}.` };
  if (!Number.isInteger(v)) return { error: `${what} must be a whole number of ${unit}, not ${raw}.` };
  if (v < min) return { error: `${what} must be at least ${min}.` };
  if (v > max) return { error: `${what} can be at most ${max} ${unit}.` };
  return { value: v };
}
// Shows or clears the message next to the field; returns the value, or null while it is invalid
// (and then nothing is computed until every field is valid again).
function checkField(input, errEl, key, r) {
  errEl.textContent = r.error || "";
  errEl.hidden = !r.error;
  input.setAttribute("aria-invalid", String(Boolean(r.error)));
  if (r.error) state.invalid.add(key); else state.invalid.delete(key);
  if (state.invalid.size) setStatus("error", "Fix the marked field to update the mosaic");
  return r.error ? null : r.value;
}

function buildAdjustments() {
  const fs = $("#adjustments");
  for (const [key, label, min, max] of ADJUSTMENTS) {
    const div = document.createElement("div");
    div.className = "adj";
    div.innerHTML = `<label for="adj-${key}">${label} <output id="adj-${key}-out">0</output></label>
      <input type="range" id="adj-${key}" min="${min}" max="${max}" value="0">
      <button type="button" id="adj-${key}-reset" aria-label="Reset ${label.toLowerCase()}">Reset</button>`;
    fs.append(div);
    const input = div.querySelector("input");
    input.oninput = () => {
      $(`#adj-${key}-out`).textContent = input.value;
      state.settings.adjustments[key] = +input.value;
      compute();
    };
    input.onchange = () => change((s) => { s.adjustments[key] = +input.value; });
    div.querySelector("button").onclick = () => change((s) => { s.adjustments[key] = 0; });
  }
}

// Undo: `before` (settings as JSON) becomes an undo step if the settings changed since.
function remember(before) {
  if (JSON.stringify(state.settings) === before) return;
  state.history.push(before);
  if (state.history.length > 200) state.history.shift();
  state.future = [];
}

// One user change: remember the previous settings (undo), apply, recompute.
function change(fn) {
  if (!state.settings) return;
  const before = JSON.stringify(state.settings);
  fn(state.settings);
  remember(before);
  syncControls();
  compute();
  autosave();
}
// Undo/redo replace every field with the stored settings: pending field errors go away.
function resetFields() {
  state.invalid.clear();
  document.querySelectorAll(".field-error").forEach((el) => { el.hidden = true; });
  document.querySelectorAll("[aria-invalid=true]").forEach((el) => el.setAttribute("aria-invalid", "false"));
}
function undo() {
  if (!state.history.length) return;
  resetFields();
  state.future.push(JSON.stringify(state.settings));
  state.settings = JSON.parse(state.history.pop());
  syncControls(); compute();
}
function redo() {
  if (!state.future.length) return;
  resetFields();
  state.history.push(JSON.stringify(state.settings));
  state.settings = JSON.parse(state.future.pop());
  syncControls(); compute();
}
$("#undo").onclick = undo;
$("#redo").onclick = redo;
document.addEventListener("keydown", (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.target.matches("input[type=number], input[type=text]")) return;
  if (e.key.toLowerCase() === "z") { e.preventDefault(); e.shiftKey ? redo() : undo(); }
  else if (e.key.toLowerCase() === "y") { e.preventDefault(); redo(); }
});

function setSize(w, h) {
  $("#width").value = w;
  $("#height").value = h;
  checkSize();
  change((s) => { s.size = [w, h]; s.crop = cropFromView(s.cropView, w, h); });
}
// Both size fields checked together; one message under them names what is wrong.
function checkSize() {
  const max = state.info?.max_studs ?? 512;
  const r = {
    width: wholeNumber($("#width"), "The width", 1, max, "studs"),
    height: wholeNumber($("#height"), "The height", 1, max, "studs"),
  };
  const errors = [];
  for (const id of ["width", "height"]) {
    $(`#${id}`).setAttribute("aria-invalid", String(Boolean(r[id].error)));
    if (r[id].error) { errors.push(r[id].error); state.invalid.add(id); } else state.invalid.delete(id);
  }
  $("#size-error").textContent = errors.join(" ");
  $("#size-error").hidden = !errors.length;
  if (state.invalid.size) setStatus("error", "Fix the marked field to update the mosaic");
  return errors.length ? null : [r.width.value, r.height.value];
}
document.querySelectorAll("[data-size]").forEach((b) => {
  b.onclick = () => setSize(+b.dataset.size, +b.dataset.size);
});
for (const id of ["width", "height"]) {
  $(`#${id}`).oninput = checkSize;
  $(`#${id}`).onchange = () => { const size = checkSize(); if (size) setSize(...size); };
}
$("#background").onchange = () => change((s) => { s.background = $("#background").value; });
$("#set-add-btn").onclick = () => change((s) => { const id = $("#set-add").value; s.sets[id] = (s.sets[id] || 0) + 1; });
$("#unlimited").onchange = () => change((s) => { s.unlimited = $("#unlimited").checked; });
$("#piece").onchange = () => change((s) => { s.piece = $("#piece").value; });
$("#metric").onchange = () => change((s) => { s.metric = $("#metric").value; });
$("#dither").onchange = () => change((s) => { s.dither = $("#dither").value; });
$("#strength").oninput = () => {
  state.settings.strength = +$("#strength").value;
  $("#strength-out").textContent = `${$("#strength").value} %`;
  compute();
};
$("#strength").onchange = () => change((s) => { s.strength = +$("#strength").value; });

// ---------- image input ----------
async function loadImage(blob, { keepSettings = false } = {}) {
  clearError();
  setStatus("busy", "Reading the photo…");
  let r;
  try {
    r = await request({ type: "image", blob });
  } catch (e) {
    setStatus("error", "That file could not be used");
    showError("photo", e.message);
    return false;
  }
  if (state.image?.url) URL.revokeObjectURL(state.image.url);
  state.image = { width: r.width, height: r.height, url: URL.createObjectURL(blob) };
  state.imageBlob = blob;
  state.notes = {};
  setNote("image", r.note || "");
  $("#original").src = state.image.url;
  $("#crop").hidden = false;
  if (!keepSettings) {
    change((s) => { s.cropView = { cx: 0.5, cy: 0.5, zoom: 1 }; s.crop = null; s.pins = []; });
  } else {
    syncControls();
    await compute();
  }
  return true;
}

function pickFile(file) {
  if (!file) return;
  if (/\.legoremix$/i.test(file.name)) return openProject(file);
  loadImage(file);
}
$("#image-input").onchange = (e) => { pickFile(e.target.files[0]); e.target.value = ""; };
$("#example").onclick = async () => loadImage(await (await fetch("example.jpg")).blob());
const drop = $("#drop");
for (const ev of ["dragenter", "dragover"]) document.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
for (const ev of ["dragleave", "drop"]) document.addEventListener(ev, () => drop.classList.remove("over"));
document.addEventListener("drop", (e) => { e.preventDefault(); pickFile(e.dataTransfer.files[0]); });
document.addEventListener("paste", (e) => {
  const item = [...(e.clipboardData?.items || [])].find((i) => i.type.startsWith("image/"));
  if (item) { e.preventDefault(); loadImage(item.getAsFile()); }
});

// ---------- crop (aspect locked to the canvas) ----------
function cropFromView(view, w, h) {
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
// The page's crop view (centre and zoom) that gives a stored crop box.
function cropViewFromCrop(crop, [w, h]) {
  if (!crop || !state.image) return structuredClone(VIEW_DEFAULTS.cropView);
  const full = cropFromView({ cx: 0.5, cy: 0.5, zoom: 1 }, w, h);
  const [x, y, cw, ch] = crop;
  return { cx: (x + cw / 2) / state.image.width, cy: (y + ch / 2) / state.image.height,
    zoom: Math.min(1, Math.max(0.1, cw / full[2])) };
}
function updateCropBox() {
  if (!state.image) return;
  const s = state.settings;
  const c = s.crop || cropFromView(s.cropView, s.size[0], s.size[1]);
  const box = $("#crop-box");
  box.style.left = `${100 * c[0] / state.image.width}%`;
  box.style.top = `${100 * c[1] / state.image.height}%`;
  box.style.width = `${100 * c[2] / state.image.width}%`;
  box.style.height = `${100 * c[3] / state.image.height}%`;
  box.setAttribute("aria-valuetext", `${c[2]} × ${c[3]} pixels at ${c[0]}, ${c[1]}`);
  $("#crop-zoom").value = Math.round(s.cropView.zoom * 100);
  $("#crop-zoom-out").textContent = `${Math.round(s.cropView.zoom * 100)} %`;
}
function moveCrop(cx, cy, record) {
  const apply = (s) => {
    s.cropView = { ...s.cropView, cx: Math.min(1, Math.max(0, cx)), cy: Math.min(1, Math.max(0, cy)) };
    s.crop = cropFromView(s.cropView, s.size[0], s.size[1]);
  };
  if (record) change(apply); else { apply(state.settings); updateCropBox(); compute(); }
}
{
  const box = $("#crop-box");
  let drag = null;
  box.addEventListener("pointerdown", (e) => {
    box.setPointerCapture(e.pointerId);
    drag = { x: e.clientX, y: e.clientY, view: { ...state.settings.cropView }, before: JSON.stringify(state.settings) };
  });
  box.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const r = $("#crop-frame").getBoundingClientRect();
    moveCrop(drag.view.cx + (e.clientX - drag.x) / r.width, drag.view.cy + (e.clientY - drag.y) / r.height, false);
  });
  box.addEventListener("pointerup", () => {
    if (!drag) return;
    remember(drag.before); drag = null; syncControls();
  });
  box.addEventListener("keydown", (e) => {
    const d = { ArrowLeft: [-0.02, 0], ArrowRight: [0.02, 0], ArrowUp: [0, -0.02], ArrowDown: [0, 0.02] }[e.key];
    if (!d) return;
    e.preventDefault();
    const v = state.settings.cropView;
    moveCrop(v.cx + d[0], v.cy + d[1], true);
  });
}
$("#crop-zoom").oninput = () => {
  const s = state.settings;
  s.cropView.zoom = +$("#crop-zoom").value / 100;
  s.crop = cropFromView(s.cropView, s.size[0], s.size[1]);
  updateCropBox(); compute();
};
$("#crop-zoom").onchange = () => change(() => {});
$("#crop-reset").onclick = () => change((s) => { s.cropView = { cx: 0.5, cy: 0.5, zoom: 1 }; s.crop = null; });
$("#side-by-side").onchange = () => document.body.classList.toggle("hide-source", !$("#side-by-side").checked);

// ---------- compute ----------
async function compute() {
  if (!state.info || !state.image) return;
  if (state.invalid.size) { markStale(true); return; } // a field says what to fix first
  const id = ++state.computeId;
  const started = performance.now();
  setStatus("busy", "Making your mosaic…");
  const settings = { ...state.settings };
  if (!settings.crop) settings.crop = cropFromView(settings.cropView, settings.size[0], settings.size[1]);
  let r;
  try {
    r = await request({ type: "compute", settings });
  } catch (e) {
    if (id !== state.computeId) return;
    computeFailed(e);
    return;
  }
  if (r === null || id !== state.computeId) return; // superseded by a newer change
  clearError("mosaic");
  state.mosaic = r;
  markStale(false);
  smallPhotoNote(settings);
  draw();
  renderCounts();
  renderBrushes();
  $("#mean-de").textContent = r.mean_delta_e.toFixed(2);
  $("#dims").textContent = `${r.width} × ${r.height} studs, ${r.width * r.height} pieces`;
  $("#timing").textContent = `· ${Math.round(r.ms)} ms (${r.backend})`;
  // latency from the change to the drawn mosaic, read by scripts/bench_web.py
  document.body.dataset.latency = String(Math.round(performance.now() - started));
  document.body.dataset.computed = String(id);
  setStatus("ready", "Ready");
  autosave();
  if (!pdfEngine) setTimeout(pdfWorker, 1000); // warm up the PDF worker on the other core
}

// The mosaic on screen no longer matches the controls: say so on it and allow no download of it.
function markStale(stale) {
  state.stale = stale;
  $("#canvas-wrap").classList.toggle("stale", stale);
  $("#counts").classList.toggle("stale", stale);
  $(".result").dataset.stale = String(stale);
  const none = stale || !state.mosaic;
  document.querySelectorAll("[data-export], #save-project").forEach((b) => { b.disabled = none; });
}

// A failed compute: the message on the mosaic, with one-click ways out where there are some.
function computeFailed(e) {
  markStale(true);
  setStatus("error", "The mosaic could not be made");
  const d = e.details || {};
  const actions = [];
  if (d.kind === "inventory" && d.largest_size) {
    const [w, h] = d.largest_size;
    actions.push([`Use the largest size your pieces allow (${w} × ${h})`, () => setSize(w, h), "fix-largest-size"]);
  }
  if (d.kind === "inventory" || (d.fields || []).includes("sets")) {
    if (!state.settings.unlimited) actions.push(["Use unlimited pieces", () => change((s) => { s.unlimited = true; }), "fix-unlimited"]);
    actions.push(["Add a set", () => { $("#set-add").scrollIntoView({ block: "center" }); $("#set-add").focus(); }, "fix-add-set"]);
  }
  if (state.history.length) actions.push(["Undo the last change", undo, "fix-undo"]);
  showError("mosaic", e.message, actions);
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

// ---------- drawing ----------
function draw() {
  const m = state.mosaic;
  if (!m) return;
  const canvas = $("#mosaic");
  const cell = Math.max(3, Math.min(24, Math.floor(960 / Math.max(m.width, m.height))));
  canvas.width = m.width * cell;
  canvas.height = m.height * cell;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#1b1b1b";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const round = m.piece.startsWith("round");
  const r = cell * 0.46;
  m.palette.forEach((c, j) => {
    ctx.fillStyle = c.hex;
    ctx.beginPath();
    for (let y = 0; y < m.height; y++) {
      const row = m.grid[y];
      for (let x = 0; x < m.width; x++) {
        if (row[x] !== j) continue;
        if (round) { ctx.moveTo(x * cell + cell / 2 + r, y * cell + cell / 2); ctx.arc(x * cell + cell / 2, y * cell + cell / 2, r, 0, 2 * Math.PI); }
        else ctx.rect(x * cell + 0.5, y * cell + 0.5, cell - 1, cell - 1);
      }
    }
    ctx.fill();
  });
  if ($("#paint-mode").checked) {
    ctx.strokeStyle = "rgba(255,255,255,.9)";
    ctx.lineWidth = Math.max(1, cell / 10);
    for (const [x, y] of state.settings.pins) {
      if (x < m.width && y < m.height) ctx.strokeRect(x * cell + 1, y * cell + 1, cell - 2, cell - 2);
    }
  }
  const lines = (step, style, width) => {
    ctx.strokeStyle = style; ctx.lineWidth = width; ctx.beginPath();
    for (let x = step; x < m.width; x += step) { ctx.moveTo(x * cell, 0); ctx.lineTo(x * cell, canvas.height); }
    for (let y = step; y < m.height; y += step) { ctx.moveTo(0, y * cell); ctx.lineTo(canvas.width, y * cell); }
    ctx.stroke();
  };
  if ($("#paint-mode").checked && state.cursor && document.activeElement === canvas) {
    const [cx, cy] = state.cursor;
    ctx.strokeStyle = "#ffcc00";
    ctx.lineWidth = Math.max(2, cell / 6);
    ctx.strokeRect(cx * cell + 1, cy * cell + 1, cell - 2, cell - 2);
  }
  if ($("#show-grid").checked) lines(1, "rgba(128,128,128,.5)", 1);
  if ($("#show-sections").checked) lines(+$("#section").value, "rgba(255,255,255,.75)", 2);
}
for (const id of ["#show-grid", "#show-sections", "#section"]) $(id).addEventListener("change", draw);

function renderCounts() {
  const m = state.mosaic;
  const tbody = $("#counts tbody");
  tbody.replaceChildren();
  // limited: the stock the matcher had to respect; unlimited: what the person owns (0 if nothing)
  const unlimited = !m.stock;
  const have = (j) => (unlimited ? (m.owned ? m.owned[j] : 0) : m.stock[j]);
  $("#counts").dataset.mode = unlimited ? "unlimited" : "limited";
  $("#stock-head").textContent = unlimited ? "You own" : "Stock";
  const rows = m.palette.map((c, j) => ({ c, used: m.counts[j], stock: have(j),
    missing: m.missing[String(c.id)] || 0 })).filter((r) => r.used > 0 || r.stock > 0)
    .sort((a, b) => b.used - a.used);
  for (const r of rows) {
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
    tbody.append(tr);
  }
}

// ---------- painting ----------
function renderBrushes() {
  const box = $("#brushes");
  const paint = $("#paint-mode").checked;
  box.hidden = !paint;
  document.body.classList.toggle("painting", paint);
  if (!paint || !state.mosaic) return;
  const colors = state.mosaic.palette;
  if (!state.brush || (state.brush !== "erase" && !colors.some((c) => c.id === state.brush))) state.brush = colors[0].id;
  const focused = box.contains(document.activeElement);
  box.replaceChildren();
  // one radio group: a single Tab stop (the chosen colour), arrow keys move the choice
  const add = (id, label, hex) => {
    const b = Object.assign(document.createElement("button"), { type: "button", title: label });
    const on = state.brush === id;
    b.setAttribute("role", "radio");
    b.setAttribute("aria-label", label);
    b.setAttribute("aria-checked", String(on));
    b.tabIndex = on ? 0 : -1;
    b.dataset.brush = String(id);
    if (hex) b.style.background = hex; else { b.textContent = "Eraser"; b.className = "eraser"; }
    b.onclick = () => { state.brush = id; renderBrushes(); };
    box.append(b);
  };
  for (const c of colors) add(c.id, `Paint with ${c.name}`, c.hex);
  add("erase", "Eraser: let the engine choose again", null);
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
{
  const canvas = $("#mosaic");
  let stroke = null;
  const studAt = (e) => {
    const m = state.mosaic;
    const r = canvas.getBoundingClientRect();
    const x = Math.floor((e.clientX - r.left) / r.width * m.width);
    const y = Math.floor((e.clientY - r.top) / r.height * m.height);
    return x >= 0 && y >= 0 && x < m.width && y < m.height ? [x, y] : null;
  };
  const paintStud = (p) => {
    const pins = state.settings.pins.filter(([x, y]) => x !== p[0] || y !== p[1]);
    if (state.brush !== "erase") pins.push([p[0], p[1], state.brush]);
    state.settings.pins = pins;
    if (state.brush !== "erase") {
      const j = state.mosaic.palette.findIndex((c) => c.id === state.brush);
      state.mosaic.grid[p[1]][p[0]] = j;
      draw();
    }
  };
  const paintAt = (e) => { const p = studAt(e); if (p) paintStud(p); };
  canvas.addEventListener("keydown", (e) => {
    if (!$("#paint-mode").checked || !state.mosaic) return;
    const m = state.mosaic;
    const c = state.cursor || [0, 0];
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (d) {
      e.preventDefault();
      state.cursor = [Math.min(m.width - 1, Math.max(0, c[0] + d[0])), Math.min(m.height - 1, Math.max(0, c[1] + d[1]))];
      canvas.setAttribute("aria-valuetext", `stud ${state.cursor[0] + 1}, ${state.cursor[1] + 1}`);
      draw();
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      state.cursor = c;
      const before = JSON.stringify(state.settings);
      paintStud(c);
      remember(before);
      syncControls(); compute(); autosave();
    }
  });
  canvas.addEventListener("focus", draw);
  canvas.addEventListener("blur", draw);
  canvas.addEventListener("pointerdown", (e) => {
    if (!$("#paint-mode").checked || !state.mosaic) return;
    canvas.setPointerCapture(e.pointerId);
    stroke = JSON.stringify(state.settings);
    paintAt(e);
  });
  canvas.addEventListener("pointermove", (e) => { if (stroke) paintAt(e); });
  canvas.addEventListener("pointerup", () => {
    if (!stroke) return;
    remember(stroke);
    stroke = null;
    syncControls(); compute(); autosave();
  });
}

// ---------- downloads and projects ----------
function saveBlob(data, name, mime) {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
// What goes into the BrickLink / Rebrickable lists: null lets the engine decide (everything when
// nothing can be missing), true = only what is missing, false = everything.
function onlyMissing() {
  if ($("#wanted-field").hidden) return null;
  return $("#wanted").value === "missing";
}
async function exportFile(kind) {
  if (!state.mosaic || state.stale) return;
  const where = kind === "project" ? "project" : "downloads";
  clearError();
  setStatus("busy", kind === "pdf" ? "Drawing the building instructions…" : "Preparing the file…");
  const options = { section: +$("#section").value, paper: $("#paper").value, grid: $("#show-grid").checked,
    cell: +$("#png-cell").value, only_missing: onlyMissing() };
  try {
    const r = kind === "pdf"
      ? await pdfWorker().request({ type: "pdf", result: state.mosaic, options })
      : await request({ type: "export", kind, options });
    saveBlob(r.data, r.name, r.mime);
    setStatus("ready", `Saved ${r.name}`);
  } catch (e) {
    setStatus("error", "The file could not be made");
    showError(where, e.message);
  } finally {
    $("#export-progress").hidden = true;
  }
}
document.querySelectorAll("[data-export]").forEach((b) => { b.onclick = () => exportFile(b.dataset.export); });
$("#save-project").onclick = () => exportFile("project");
async function openProject(file) {
  clearError();
  setStatus("busy", "Opening the project…");
  try {
    const r = await request({ type: "project", blob: file });
    const blob = new Blob([r.png], { type: "image/png" });
    if (state.image?.url) URL.revokeObjectURL(state.image.url);
    state.image = { width: r.width, height: r.height, url: URL.createObjectURL(blob) };
    state.imageBlob = blob;
    $("#original").src = state.image.url;
    $("#crop").hidden = false;
    state.notes = {};
    resetFields();
    change((s) => {
      Object.assign(s, structuredClone(DEFAULTS), r.settings);
      s.cropView = cropViewFromCrop(s.crop, s.size);
    });
  } catch (e) {
    setStatus("error", "The project could not be opened");
    showError("project", e.message);
  }
}
$("#project-input").onchange = (e) => { if (e.target.files[0]) openProject(e.target.files[0]); e.target.value = ""; };

// ---------- autosave (IndexedDB): a reload or a crash loses nothing ----------
function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("legoremix", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("autosave");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
let autosaveTimer = null;
let dbPromise = null;
async function saveNow() {
  clearTimeout(autosaveTimer);
  autosaveTimer = null;
  if (!state.imageBlob) return;
  try {
    dbPromise ??= db();
    const tx = (await dbPromise).transaction("autosave", "readwrite");
    tx.objectStore("autosave").put({ settings: state.settings, image: state.imageBlob, time: Date.now() }, "current");
    await new Promise((r) => { tx.oncomplete = r; tx.onerror = r; });
    document.body.dataset.autosaved = String(Date.now());
  } catch (e) { console.warn("autosave failed", e); }
}
function autosave() {
  clearTimeout(autosaveTimer);
  autosaveTimer = setTimeout(saveNow, 100);
}
// leaving the page (reload, close, switch app): write what is pending at once
addEventListener("pagehide", () => { if (autosaveTimer) saveNow(); });
document.addEventListener("visibilitychange", () => { if (document.hidden && autosaveTimer) saveNow(); });
async function autosaveLoad() {
  try {
    const d = await db();
    const req = d.transaction("autosave").objectStore("autosave").get("current");
    const v = await new Promise((resolve) => { req.onsuccess = () => resolve(req.result); req.onerror = () => resolve(null); });
    return v && v.image ? v : null;
  } catch { return null; }
}

const restoredPromise = autosaveLoad(); // read while the engine boots

// ---------- service worker (offline) ----------
// Registered once the engine is ready, so its precaching revalidates what the page has
// just downloaded (HTTP cache) instead of downloading it a second time.
function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").then((reg) => {
    const offer = (w) => { if (!w || !navigator.serviceWorker.controller) return;
      $("#update").hidden = false; $("#update-now").onclick = () => w.postMessage("skip-waiting"); };
    offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const w = reg.installing;
      w.addEventListener("statechange", () => { if (w.state === "installed") offer(w); });
    });
  }).catch((e) => console.warn("service worker not registered", e));
  const markControlled = () => { if (navigator.serviceWorker.controller) document.body.dataset.sw = "controlled"; };
  markControlled();
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    markControlled();
    if (reloading || $("#update").hidden) return;
    reloading = true; location.reload();
  });
}
