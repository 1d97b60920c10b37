// The 3D relief in the page: choosing a depth map picture or a depth model file (kept in the
// browser's storage for later visits, offline, once it has estimated a depth map), estimating depth in the depth worker with
// progress and cancel, the levels and their thresholds, raising/lowering single studs (undo
// steps through the store), the heights drawn over the mosaic, and the 3D view.
// The engine does the work (py/legoremix/depth.py, relief.py); state.mosaic.heights/plates
// come back with every mosaic (Mosaic.to_dict()).
//
// Undo: the depth map itself is not a setting (too big for every undo step); the page-only
// setting ``reliefOff`` says whether the relief is removed, so "Remove the relief" is an undo
// step, and syncDepth() hands the engine the depth map (or clears it) to match the settings
// before every compute; the autosave keeps the depth map also while the relief is removed
// (keptDepth), so that Undo works after a reload. Studs raised by hand move with the picture
// when the mosaic's size or crop changes (js/pin-map.js), like painted ones.
import { depthWorker, request, stopDepthWorker } from "./engine-client.js";
import { clearError, setNote, setStatus, showError } from "./messages.js";
import { draw, overlays } from "./mosaic-view.js";
import { commit, preview, state, subscribe } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const SIZES = ["1x1", "1x2", "1x3", "1x4", "1x6", "1x8", "2x2", "2x3", "2x4", "2x6", "2x8", "4x4", "4x8", "4x10"];
const DB = "legoremix-models"; // its own database: the model file (up to ~100 MB) lives apart from autosaves
let model = null; // {key, name, size, blob} of the stored or bundled model
let kept = null;      // this photo's depth map (state.depth format), kept while the relief is removed
let engineHas = null; // the depth map the engine holds (null: flat)
let cancelled = false; // the person cancelled the running estimate

// ---------- model storage (IndexedDB) ----------
function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore("models");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function storeModel(m) {
  const tx = (await db()).transaction("models", "readwrite");
  tx.objectStore("models").put(m, "depth");
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
}
async function storedModel() {
  try {
    const req = (await db()).transaction("models").objectStore("models").get("depth");
    return await new Promise((resolve) => { req.onsuccess = () => resolve(req.result || null); req.onerror = () => resolve(null); });
  } catch { return null; }
}
async function forgetModel() {
  const tx = (await db()).transaction("models", "readwrite");
  tx.objectStore("models").delete("depth");
  model = null;
  renderModel();
}

async function sha256(blob) {
  const d = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function renderModel() {
  $("#depth-model-row").hidden = !model;
  if (model) $("#depth-estimate").textContent = `Estimate depth with ${model.name}`;
}

/** Once the engine is ready: the bundled model (build.py --depth-model) or the stored one. */
export async function initRelief(info) {
  $("#plate-color").replaceChildren(...info.colors.map((c) => new Option(`${c.name} (${c.id})`, c.id)));
  $("#plate-sizes").replaceChildren(...SIZES.map((size) => {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: size, checked: true });
    box.disabled = size === "1x1"; // single raised studs need it
    box.onchange = () => commit((s) => {
      const on = new Set(s.plate_sizes);
      if (box.checked) on.add(size); else on.delete(size);
      s.plate_sizes = SIZES.filter((x) => on.has(x));
    });
    label.append(box, ` ${size.replace("x", " × ")}`);
    return label;
  }));
  const bundled = info.build.depth_model;
  model = await storedModel();
  if (!model && bundled) {
    model = { key: bundled.sha256, name: `${bundled.label} (included)`, size: bundled.size, url: bundled.file };
  }
  renderModel();
}

// ---------- choosing depth ----------
async function chooseFile(file) {
  clearError("relief");
  if (!state.image) { showError("relief", "Choose a photo first: the depth map belongs to a photo."); return; }
  if (/\.onnx$/i.test(file.name)) {
    setDepthStatus("Reading the model file…");
    const m = { key: await sha256(file), name: file.name, size: file.size, blob: file };
    const before = model;
    model = m;
    renderModel();
    // kept in this browser only once it has estimated a depth map: a file that is not a model
    // is not offered again (nor after a reload)
    if (await estimate()) {
      try { await storeModel(m); } catch (e) {
        showError("relief", `The model could not be kept in this browser's storage (${e.message || e}); it is used for this visit only.`);
      }
    } else if (!cancelled && model === m) {
      model = before;
      renderModel();
    }
  } else {
    await useDepth({ kind: "image", name: file.name, blob: file });
  }
}

/** The engine request that hands it a depth map (kind "image": a picture; "model": values a
 * model estimated, float32; "map": values from a project, float64). Posted at once. */
function sendDepth(depth) {
  if (depth.kind === "image") return request({ type: "depth-image", blob: depth.blob });
  return request({ type: "depth-map", width: depth.width, height: depth.height, values: depth.values });
}

function depthText(depth) {
  if (depth.kind === "image") return `Depth from the picture ${depth.name}.${depth.note ? " " + depth.note : ""}`;
  if (depth.kind === "map") return `Depth map from the project ${depth.name}.`;
  return `Depth estimated with ${depth.label} (${depth.backend === "webgpu" ? "WebGPU" : "WASM"}, ${(depth.ms / 1000).toFixed(1)} s).`;
}

/** Use a depth map for this photo: the engine gets it, then one undo step (bringing the relief
 * back if it was removed) recomputes and autosaves. */
export async function useDepth(depth, { quiet = false } = {}) {
  let r;
  try {
    r = await sendDepth(depth);
  } catch (e) {
    if (!quiet) showError("relief", e.message);
    return false;
  }
  if (r?.note) depth.note = r.note; // e.g. a depth map of another shape than the photo
  kept = engineHas = state.depth = depth;
  setDepthStatus(depthText(depth));
  commit((s) => { delete s.reliefOff; });
  return true;
}

/** The engine got a new photo (no depth map) or a project (``depth``: its depth map, already
 * in the engine). Call before the settings change. */
export function photoChanged(depth = null) {
  kept = engineHas = state.depth = depth;
  setDepthStatus(depth ? depthText(depth) : "");
}

/** Undo/redo brought back another photo (js/photos.js): the engine holds no depth map now;
 * ``depth`` (that photo's) is handed to it again unless the settings have the relief removed. */
export function photoSwapped(depth = null) {
  kept = depth;
  engineHas = state.depth = null;
  syncDepth();
  if (!kept) setDepthStatus("");
}

/** This photo's depth map, also while the relief is removed (js/autosave.js keeps it, once, so
 * Undo of "Remove the relief" works after a reload too). */
export const keptDepth = () => kept;

/** A restored session's depth map: in use, or kept for Undo when the session had the relief
 * removed (``reliefOff`` restored with the settings). */
export async function restoreDepth(depth) {
  if (!state.settings?.reliefOff) return useDepth(depth, { quiet: true });
  kept = depth;
  setDepthStatus("The relief is removed; Undo brings it back.");
  return true;
}

/** Make the engine's depth map match the settings (removed or not): runs on every change,
 * before app.js computes; the request is posted at once, so the engine has it first. */
function syncDepth() {
  const want = state.settings?.reliefOff ? null : kept;
  if (want === engineHas) return;
  engineHas = state.depth = want;
  setDepthStatus(want ? depthText(want) : kept ? "The relief is removed; Undo brings it back." : "");
  (want ? sendDepth(want) : request({ type: "depth-clear" })).catch((e) => showError("relief", e.message));
}

// registered before app.js's listener (this module is evaluated first), so compute sees the result
// (studs raised by hand follow a size or crop change like painted ones: js/pin-map.js)
subscribe(() => { syncDepth(); });

/** Estimate this photo's depth with the model; true when a depth map came out. */
async function estimate() {
  if (!model || !state.imageBlob) return false;
  clearError("relief");
  $("#depth-progress-row").hidden = false;
  $("#depth-estimate").disabled = true;
  const show = (m) => { if (m.id) { $("#depth-progress").value = m.fraction; $("#depth-progress-label").textContent = m.label; } };
  show({ id: 1, label: "Starting the depth worker", fraction: 0.02 });
  cancelled = false;
  try {
    if (!model.blob && model.url) model.blob = await (await fetch(model.url)).blob();
    const r = await depthWorker(show).request({ type: "estimate", image: state.imageBlob, background: state.settings.background,
      model: { key: model.key, blob: model.blob } });
    return await useDepth({ kind: "model", label: r.label, backend: r.backend, ms: r.ms, width: r.width, height: r.height, values: r.values });
  } catch (e) {
    if (cancelled) {
      setDepthStatus(state.depth ? `${depthText(state.depth)} (The new estimate was cancelled.)` : "Depth estimation was cancelled.");
    } else {
      setDepthStatus("");
      showError("relief", e.message);
    }
  } finally {
    $("#depth-progress-row").hidden = true;
    $("#depth-estimate").disabled = false;
  }
}

/** One undo step: the relief is off (the depth map is kept for Undo). */
function removeDepth() {
  commit((s) => { s.reliefOff = true; });
  $("#depth-input").focus(); // its controls are hidden: the keyboard goes to choosing a depth map again
}

function setDepthStatus(text) { $("#depth-status").textContent = text; }

/** A new photo (or project) dropped the old photo's depth map: say so, once. */
export function depthDropped() {
  setDepthStatus("");
  setNote("relief", "The 3D relief is off: its depth map belonged to the previous photo. "
    + "Choose a depth map for this photo to raise it again.");
}

// ---------- controls ----------
const thresholds = (s) => s.thresholds || Array.from({ length: s.levels - 1 }, (_, k) => Math.round(((k + 1) / s.levels) * 1e4) / 1e4);

/** Show the relief controls for the current settings and mosaic. */
export function renderRelief() {
  const s = state.settings;
  const m = state.mosaic;
  const on = Boolean(m && m.heights);
  $("#relief-controls").hidden = !on;
  document.body.dataset.relief = on ? "on" : "off"; // read by the browser tests
  if (!s) return;
  $("#levels").value = String(s.levels);
  $("#section").value = String(s.section);
  $("#plate-color").value = String(s.plate_color);
  document.querySelectorAll("#plate-sizes input").forEach((b) => { b.checked = s.plate_sizes.includes(b.value); });
  const t = thresholds(s);
  const box = $("#thresholds");
  if (box.children.length !== t.length) {
    box.replaceChildren(...t.map((_, i) => {
      const div = document.createElement("div");
      div.innerHTML = `<label for="threshold-${i}">Level ${i + 1} from <output id="threshold-${i}-out"></output></label>
        <input type="range" id="threshold-${i}" data-testid="threshold-${i}" min="1" max="99" step="1">`;
      const input = div.querySelector("input");
      input.oninput = () => preview((st) => { st.thresholds = ordered(thresholds(st), i, +input.value / 100); });
      input.onchange = () => commit();
      return div;
    }));
  }
  t.forEach((v, i) => {
    $(`#threshold-${i}`).value = String(Math.round(v * 100));
    $(`#threshold-${i}-out`).textContent = `${Math.round(v * 100)} % depth`;
  });
  if ($("#view3d").open) import("./view3d.js").then((v) => v.update3d());
  if (on) {
    const layers = m.heights.reduce((a, row) => Math.max(a, ...row), 0);
    const raised = m.heights.reduce((a, row) => a + row.filter((h) => h > 0).length, 0);
    document.body.dataset.plateStuds = String(m.heights.reduce((a, row) => a + row.reduce((b, h) => b + h, 0), 0));
    $("#relief-stats").textContent = `${raised} of ${m.width * m.height} studs raised, ${m.plates.length} ` +
      `${m.plate_color?.name || ""} plates in ${layers} layer${layers === 1 ? "" : "s"}.`;
  }
}

/** Thresholds kept in order: moving one pushes its neighbours (1 % apart, within 1-99 %). */
export function ordered(t, i, v) {
  const out = [...t];
  out[i] = Math.min(0.99 - (out.length - 1 - i) * 0.01, Math.max(0.01 + i * 0.01, v));
  for (let k = i + 1; k < out.length; k++) out[k] = Math.max(out[k], out[k - 1] + 0.01);
  for (let k = i - 1; k >= 0; k--) out[k] = Math.min(out[k], out[k + 1] - 0.01);
  return out.map((x) => Math.round(x * 1e4) / 1e4);
}

// ---------- the heights over the mosaic ----------
const SHADES = [null, "rgba(0, 170, 255, 0.35)", "rgba(0, 120, 255, 0.55)", "rgba(40, 40, 255, 0.75)"];
overlays.push((ctx, cell, m) => {
  if (!m.heights || !$("#depth-overlay").checked) return;
  for (let n = 1; n < SHADES.length; n++) {
    ctx.fillStyle = SHADES[n];
    ctx.beginPath();
    m.heights.forEach((row, y) => row.forEach((h, x) => { if (h === n) ctx.rect(x * cell, y * cell, cell, cell); }));
    ctx.fill();
  }
  if (cell >= 12) {
    ctx.fillStyle = "#fff";
    ctx.font = `bold ${Math.floor(cell * 0.5)}px sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    m.heights.forEach((row, y) => row.forEach((h, x) => { if (h) ctx.fillText(String(h), x * cell + cell / 2, y * cell + cell / 2); }));
  }
});

// ---------- raising and lowering single studs ----------
function studAt(e) {
  const m = state.mosaic;
  const r = $("#mosaic").getBoundingClientRect();
  const x = Math.floor((e.clientX - r.left) / r.width * m.width);
  const y = Math.floor((e.clientY - r.top) / r.height * m.height);
  return x >= 0 && y >= 0 && x < m.width && y < m.height ? [x, y] : null;
}

/** Raise (step +1) or lower (-1) one stud: an undo step, the engine re-packs the plates. */
export function stepStud(x, y, step) {
  const m = state.mosaic;
  if (!m?.heights || state.stale) return;
  const h = Math.max(0, Math.min(state.settings.levels - 1, m.heights[y][x] + step));
  if (h === m.heights[y][x]) return;
  commit((s) => {
    s.relief_pins = s.relief_pins.filter(([px, py]) => px !== x || py !== y);
    s.relief_pins.push([x, y, h]);
  });
  m.heights[y][x] = h; // shown at once; the engine's answer follows
  draw();
}

const editing = () => $("#relief-edit").checked && state.mosaic?.heights;
$("#mosaic").addEventListener("pointerdown", (e) => {
  if (!editing() || e.button === 2) return;
  const p = studAt(e);
  if (p) stepStud(p[0], p[1], e.shiftKey !== $("#relief-lower").checked ? -1 : 1); // Shift turns it round
});
$("#mosaic").addEventListener("contextmenu", (e) => {
  if (!editing()) return;
  e.preventDefault();
  const p = studAt(e);
  if (p) stepStud(p[0], p[1], -1);
});
$("#relief-edit").onchange = () => {
  document.body.classList.toggle("raising", $("#relief-edit").checked);
  $("#relief-lower-row").hidden = !$("#relief-edit").checked; // a touch screen has no Shift or right click
  if ($("#relief-edit").checked && $("#paint-mode").checked) $("#paint-mode").click(); // one tool at a time
};
$("#paint-mode").addEventListener("change", () => {
  if ($("#paint-mode").checked && $("#relief-edit").checked) $("#relief-edit").click();
});

// ---------- wiring ----------
$("#depth-input").onchange = (e) => { const f = e.target.files[0]; e.target.value = ""; if (f) chooseFile(f); };
$("#depth-estimate").onclick = estimate;
$("#depth-forget").onclick = forgetModel;
$("#depth-cancel").onclick = () => { cancelled = true; stopDepthWorker(); setStatus("ready", "Depth estimation cancelled"); };
$("#depth-remove").onclick = removeDepth;
$("#depth-overlay").onchange = draw;
$("#section").addEventListener("change", () => commit((s) => { s.section = +$("#section").value; }));
$("#levels").onchange = () => commit((s) => { s.levels = +$("#levels").value; s.thresholds = null; });
$("#plate-color").onchange = () => commit((s) => { s.plate_color = +$("#plate-color").value; });
$("#view-3d").onclick = async () => { (await import("./view3d.js")).open3d(); };
