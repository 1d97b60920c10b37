// The engine worker: boots Pyodide, loads the legoremix wheel, answers the page.
// The same file runs a second time as the PDF worker (new Worker(url, {name: "pdf"})), so that loading
// fpdf2 and drawing instructions never block the mosaic editor (a worker per heavy job).
//
// Protocol (page -> worker), every message {id, type, ...}:
//   {type: "image", blob}                 decode (EXIF-aware) and hand RGBA to the engine
//   {type: "interrupt-buffer", buffer}    (no id) a SharedArrayBuffer: the page writes 2 into it to
//                                         stop the running compute (Pyodide's interrupt buffer)
//   {type: "compute", settings, scores}   make the mosaic; a newer compute supersedes a queued one.
//                                         scores false: without its colour differences (null), which
//                                         the page asks for next with the same settings (then only
//                                         they are computed), so the mosaic shows sooner
//   {type: "export", kind, options}       bytes of an export of the last mosaic (not PDFs)
//   {type: "project", blob}               open a .legoremix project file (checked whole first); done with
//                                         {settings, width, height, png, depth: null | {width, height, values}}
//   {type: "inventory", op, args, blob}   the inventory editor: op "import" (blob, args.name) -> the
//                                         inventory read; "export" (args.settings) -> {name, mime, data}
//                                         of inventory.json; "buy" (args.only_missing) -> {rows}
//   {type: "validate", settings}          check settings (e.g. an autosave) without using them
//   {type: "auto-adjust", settings}       the adjustments whose mosaic looks closest to the photo
//                                         (py/legoremix/tone.py); done with {adjustments, error_after, ...}
//   {type: "rank", settings}              which set fits this photo, crop and size (py/legoremix/rank.py);
//                                         done with {candidates: [{sets, label, perceived, pieces, thumb}],
//                                         current, additions: {pieces, total, percent, sentence} | null}
//   {type: "project-file", settings}      a project file of the current photo with these settings as given
//   {type: "pdf", result, options}        PDF worker only: instructions for a compute result
//   {type: "depth-image", blob}           3D relief: a depth map picture (grey, brighter = nearer)
//   {type: "depth-map", width, height, values}  3D relief: a depth map a model estimated (Float32Array)
//                                         or a project held (Float64Array)
//   {type: "depth-clear"}                 back to a flat mosaic
//   {type: "estimate", image, model: {key, blob}, background}  depth worker only (new Worker(url,
//                                         {name: "depth"})): estimate a photo's depth with a model file
//                                         (onnxruntime-web through js/ort-runtime.js); done with
//                                         {width, height, values, label, backend}
// Worker -> page:
//   {type: "progress", label, fraction}   while booting (id 0) or working
//   {type: "ready", info}                 engine loaded (sets, colours, options, default settings)
//   {type: "fatal", message}              the engine could not start
//   {id, type: "done", result}            a request finished
//   {id, type: "error", message, details} a request failed; the page keeps its state. details: what
//                                         the engine knows (kind "inventory" + needed, available,
//                                         largest_size; fields + problems for settings)
//   {id, type: "superseded"}              a compute was replaced or interrupted by a newer one
import { loadPyodide } from "./pyodide/pyodide.mjs";
import { imageSize } from "./js/image-size.js";
import { REFINING } from "./js/progress-labels.js";

// the role comes from the worker's name (a query string would be lost when the service
// worker answers from its cache)
const ROLE = ["pdf", "depth"].includes(self.name) ? self.name : "engine";
const WORK_SIDE = 2048; // longest side of the working copy of a photo (8 pixels per stud at 256 studs)
const WORK_SHORT = 512; // ... but its short side is not reduced below this (QA: a 4000 x 20 strip became 2048 x 10)
const WORK_PIXELS = 8e6; // ... nor is the copy ever larger than this
let api = null;
let pyodide = null;
let interruptView = null; // Uint8Array over the page's SharedArrayBuffer, if it sent one
let pendingCompute = null;
const jobs = [];
let busy = false;

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const progress = (label, fraction, id = 0) => post({ id, type: "progress", label, fraction });

// While Pyodide boots, count the bytes of the files it fetches (sizes from build-info.json)
// so the page shows real download progress.
function trackDownloads(sizes, from, to, label) {
  const total = Object.values(sizes).reduce((a, b) => a + b, 0) || 1;
  let loaded = 0;
  const realFetch = self.fetch;
  self.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    const url = new URL(typeof input === "string" ? input : input.url, self.location).pathname;
    if (!res.body || !Object.keys(sizes).some((k) => url.endsWith(k))) return res;
    const reader = res.body.getReader();
    const stream = new ReadableStream({
      async pull(ctrl) {
        const { done, value } = await reader.read();
        if (done) return ctrl.close();
        loaded += value.byteLength;
        progress(`${label} (${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)`,
          from + (to - from) * Math.min(1, loaded / total));
        ctrl.enqueue(value);
      },
    });
    return new Response(stream, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return () => { self.fetch = realFetch; };
}

// Memory snapshots (issue 11): after a normal boot the engine and PDF workers save the booted
// interpreter's memory (Pyodide's experimental _makeSnapshot / makeMemorySnapshot) in Cache
// Storage, keyed by this build's lock file; later visits restore it (_loadSnapshot) instead of
// starting Python and importing the engine again. Anything wrong with a snapshot (another build,
// damaged bytes, the API failing) means a normal boot, which saves a fresh one.
const SNAPSHOT_FORMAT = 1; // bump when the boot below changes what a snapshot holds
const SNAPSHOT_CACHE = "engine-snapshots"; // not "legoremix-*": the service worker deletes those on update
const SNAPSHOT_ROLES = ["engine", "pdf"];

async function sha256(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The cache key of this role's snapshot for this build (its lock file names every wheel's hash). */
async function snapshotKey(indexURL, pkgs) {
  const lock = await (await fetch(new URL("pyodide-lock.json", indexURL))).arrayBuffer();
  return new URL(`snapshot/${ROLE}/${SNAPSHOT_FORMAT}-${pkgs.join("+")}-${(await sha256(lock)).slice(0, 16)}`,
    self.location).href;
}

/** This build's snapshot, checked against the digest stored with it; null when there is none. */
async function readSnapshot(key) {
  const res = await (await caches.open(SNAPSHOT_CACHE)).match(key);
  if (!res) return null;
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.headers.get("x-sha256") !== await sha256(bytes)) throw new Error("the saved engine snapshot is damaged");
  return bytes;
}

/** Keep ``bytes`` as this role's snapshot, replacing those of other builds. */
async function writeSnapshot(key, bytes) {
  const cache = await caches.open(SNAPSHOT_CACHE);
  for (const req of await cache.keys()) if (req.url.includes(`/snapshot/${ROLE}/`)) await cache.delete(req);
  await cache.put(key, new Response(bytes, { headers: { "content-type": "application/octet-stream",
    "x-sha256": await sha256(bytes) } }));
}

async function boot() {
  const t = [performance.now()];
  progress("Starting the engine worker", 0.02);
  const info = await (await fetch("build-info.json")).json();
  const untrack = trackDownloads(info.boot_files || {}, 0.05, 0.8, "Loading the Python runtime");
  const pkgs = ["legoremix"].concat(ROLE === "pdf" ? ["fpdf2"] : info.numpy ? ["numpy"] : []);
  const indexURL = new URL("pyodide/", self.location).href;
  const snapshots = SNAPSHOT_ROLES.includes(ROLE) && !!self.caches && !!self.crypto?.subtle;
  let key = null;
  let snapshot = snapshots ? "none" : "off"; // how this boot went, in bootMs (read by tests and bench_web.py)
  let snapshotMs = null;
  if (snapshots) {
    try {
      key = await snapshotKey(indexURL, pkgs);
      const t0 = performance.now();
      const bytes = await readSnapshot(key);
      if (bytes) {
        const t1 = performance.now();
        pyodide = await loadPyodide({ indexURL, _loadSnapshot: bytes });
        const t2 = performance.now();
        // the packages' files are not in the memory: modules imported later (and data files) need them
        await pyodide.loadPackage(pkgs, { messageCallback: () => {} });
        api = pyodide.pyimport("legoremix.browser");
        snapshot = "loaded";
        snapshotMs = { read: t1 - t0, restore: t2 - t1, packages: performance.now() - t2, mb: bytes.length / 1e6 };
      }
    } catch (e) {
      snapshot = `fallback (${e && e.message ? e.message.split("\n")[0] : e})`;
      pyodide = null;
      api = null;
      if (key) await caches.open(SNAPSHOT_CACHE).then((c) => c.delete(key)).catch(() => {});
    }
  }
  const make = snapshots && !pyodide && key !== null;
  if (!pyodide) {
    // packages load while the runtime initialises
    pyodide = await loadPyodide({ indexURL, packages: pkgs, ...(make ? { _makeSnapshot: true } : {}) });
  }
  untrack();
  t.push(performance.now());
  progress("Starting the engine", 0.9);
  if (!api) {
    api = pyodide.pyimport("legoremix.browser");
    if (ROLE === "pdf") { // import it now (about a second), not at the first PDF
      // fpdf2 warns that Pillow is missing: we draw vectors only, so the warning means nothing here
      pyodide.runPython("import warnings; warnings.filterwarnings('ignore', message='Pillow could not be imported')");
      pyodide.pyimport("fpdf");
    }
  }
  if (ROLE === "depth") self.ortRuntime = (await import("./js/ort-runtime.js")).runtimeHelper;
  const engineInfo = JSON.parse(api.info());
  t.push(performance.now());
  engineInfo.build = info;
  engineInfo.bootMs = { runtime: t[1] - t[0], engine: t[2] - t[1], snapshot, snapshotMs }; // runtime includes our packages
  if (ROLE === "engine") progress("Ready", 1);
  post({ type: "ready", info: engineInfo });
  if (make) {
    // before any request: the snapshot holds the freshly booted engine, never a person's photo
    try {
      // a snapshot may hold no JS objects but the expected ones; the loaded-packages table is
      // one (the packages are loaded again after a restore, see above)
      for (const name of Object.keys(pyodide.loadedPackages)) delete pyodide.loadedPackages[name];
      const bytes = pyodide.makeMemorySnapshot();
      writeSnapshot(key, bytes).catch((e) => console.warn("engine snapshot not saved:", e));
    } catch (e) {
      console.warn("engine snapshot not made:", e);
    }
  }
  pump();
}

const NOT_A_PHOTO = "This file could not be read as an image. Choose a photo (JPEG, PNG, WebP, GIF, AVIF...).";
const NOT_A_DEPTH_MAP = "This file could not be read as a picture. Choose a depth map (a grey picture, nearer = "
  + "brighter; PNG, JPEG, WebP...) or a depth model file (.onnx).";

/** The sentence for a picture the browser cannot open because of its size (its header says
 * how big it is), else null. */
function tooBig(head) {
  const dims = imageSize(new Uint8Array(head));
  if (!dims || dims.width * dims.height <= 100e6) return null;
  return `This picture is too large for the browser to open: ${dims.width} × ${dims.height} pixels ` +
    `(${Math.round(dims.width * dims.height / 1e6)} megapixels). Save a smaller copy (8000 pixels on ` +
    "the longest side is far more than any mosaic needs) and choose that one.";
}

/** ``unreadable``: the sentence when the file is no picture (what the person was choosing). */
async function decode(blob, maxSide = 0, unreadable = NOT_A_PHOTO) {
  let bmp;
  try {
    bmp = await createImageBitmap(blob, { imageOrientation: "from-image" });
  } catch (e) {
    throw new Error(tooBig(await blob.slice(0, 65536).arrayBuffer()) || unreadable);
  }
  let { width, height } = bmp;
  let note = null;
  // the browser reduces a big photo (high quality) to a working copy; the engine then averages
  // it exactly in linear light. A 12-megapixel phone photo is reduced about 2x: 4 pixels per stud
  // even at 512 studs, and each change is several times faster than on the full photo. A long
  // strip keeps its short side (up to WORK_SHORT): halving a 20-pixel side would lose detail.
  const s = Math.min(1, Math.max(WORK_SIDE / Math.max(width, height), WORK_SHORT / Math.min(width, height)),
    Math.sqrt(WORK_PIXELS / (width * height)));
  if (s < 1) {
    const w2 = Math.max(1, Math.round(width * s));
    const h2 = Math.max(1, Math.round(height * s));
    if (width * height > 16e6) {
      note = `Your photo has ${(width * height / 1e6).toFixed(0)} megapixels; the app works on a ` +
        `${w2} × ${h2} copy, more than enough for any mosaic.`;
    }
    width = w2;
    height = h2;
  }
  if (maxSide && Math.max(width, height) > maxSide) { // depth map pictures: finer than any mosaic needs
    const s = maxSide / Math.max(width, height);
    width = Math.max(1, Math.round(width * s));
    height = Math.max(1, Math.round(height * s));
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bmp, 0, 0, width, height);
  bmp.close();
  const data = ctx.getImageData(0, 0, width, height).data;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] < 255) {
      note = (note ? note + " " : "") + "The photo has transparent areas: they take the colour chosen " +
        "under Settings › Photo (white unless you change it).";
      break;
    }
  }
  return { width, height, data, note };
}

// An engine answer; {error, ...details} becomes an Error the page can show and act on.
class EngineError extends Error {
  constructor(r) { super(r.error); this.details = r; }
}
function parse(text) {
  const r = JSON.parse(text);
  if (r.error) throw new EngineError(r);
  return r;
}

function bytesOf(proxy) {
  // export_file returns a Uint8Array (converted in Python); copy it out of the wasm heap
  const arr = proxy instanceof Uint8Array ? proxy : proxy.toJs();
  if (proxy.destroy) proxy.destroy();
  return arr.slice().buffer;
}

async function handle(msg) {
  const { id, type } = msg;
  try {
    if (type === "image") {
      const img = await decode(msg.blob);
      parse(api.set_image(img.width, img.height, img.data));
      post({ id, type: "done", result: { width: img.width, height: img.height, note: img.note } });
    } else if (type === "compute") {
      const t0 = performance.now();
      let result;
      // the interrupt buffer is armed only while a compute runs, so nothing else is ever stopped
      if (interruptView) { interruptView[0] = 0; pyodide.setInterruptBuffer(interruptView); }
      try {
        // progress, posted while Python runs: the best look within stock (no label: the page's
        // bar) or the relief's plates (labelled: the status line)
        result = parse(api.compute(JSON.stringify(msg.settings),
          (f, label) => progress(label === undefined ? REFINING : label, f, id),
          msg.scores !== false));
      } catch (e) {
        if (e && e.type === "KeyboardInterrupt") return post({ id, type: "superseded", interrupted: true });
        throw e;
      } finally {
        if (interruptView) pyodide.setInterruptBuffer(undefined);
      }
      result.ms = performance.now() - t0;
      post({ id, type: "done", result });
    } else if (type === "pdf") {
      progress("Drawing the instructions", 0.3, id);
      const buf = bytesOf(api.pdf_from_result(JSON.stringify(msg.result), JSON.stringify(msg.options || {})));
      progress("Done", 1, id);
      post({ id, type: "done", result: { ...JSON.parse(api.export_meta("pdf")), data: buf } }, [buf]);
    } else if (type === "export") {
      progress("Preparing the file", 0.1, id);
      const meta = JSON.parse(api.export_meta(msg.kind));
      const buf = bytesOf(api.export_file(msg.kind, JSON.stringify(msg.options || {})));
      progress("Done", 1, id);
      post({ id, type: "done", result: { ...meta, data: buf } }, [buf]);
    } else if (type === "depth-image") {
      const img = await decode(msg.blob, 512, NOT_A_DEPTH_MAP);
      post({ id, type: "done", result: parse(api.set_depth_image(img.width, img.height, img.data)) });
    } else if (type === "depth-map") {
      const bytes = new Uint8Array(msg.values.buffer, msg.values.byteOffset, msg.values.byteLength);
      post({ id, type: "done", result: parse(api.set_depth_map(msg.width, msg.height, bytes)) });
    } else if (type === "depth-clear") {
      post({ id, type: "done", result: parse(api.clear_depth()) });
    } else if (type === "estimate") {
      const t0 = performance.now();
      progress("Reading the photo", 0.05, id);
      const img = await decode(msg.image);
      const loaded = self.ortRuntime.loaded(msg.model.key);
      progress(loaded ? "Estimating depth" : "Loading the depth model", 0.2, id);
      self.ortRuntime.progress = (label, f) => progress(label, f, id);
      const modelBytes = loaded ? null : new Uint8Array(await msg.model.blob.arrayBuffer());
      const pair = await api.estimate_depth(img.width, img.height, img.data, msg.model.key, modelBytes,
        msg.background || "#ffffff");
      let r, values;
      try { r = parse(pair.get(0)); values = bytesOf(pair.get(1)); } finally { pair.destroy(); }
      progress("Done", 1, id);
      post({ id, type: "done", result: { ...r, values: new Float32Array(values), ms: performance.now() - t0 } }, [values]);
    } else if (type === "inventory") { // the inventory editor: import a file, export JSON, the buying list
      const data = msg.blob ? new Uint8Array(await msg.blob.arrayBuffer()) : null;
      const out = api.inventory(msg.op, JSON.stringify(msg.args || {}), data);
      if (msg.op === "export") {
        const buf = bytesOf(out);
        post({ id, type: "done", result: { name: "inventory.json", mime: "application/json", data: buf } }, [buf]);
      } else post({ id, type: "done", result: parse(out) });
    } else if (type === "auto-adjust") {
      post({ id, type: "done", result: parse(api.auto_adjust(JSON.stringify(msg.settings))) });
    } else if (type === "rank") {
      post({ id, type: "done", result: parse(api.rank_sets(JSON.stringify(msg.settings))) });
    } else if (type === "validate") {
      post({ id, type: "done", result: parse(api.validate(JSON.stringify(msg.settings))) });
    } else if (type === "project-file") {
      const buf = bytesOf(api.project_file(JSON.stringify(msg.settings)));
      post({ id, type: "done", result: { ...JSON.parse(api.export_meta("project")), data: buf } }, [buf]);
    } else if (type === "project") {
      const text = new Uint8Array(await msg.blob.arrayBuffer());
      const r = parse(api.load_project(text));
      const png = bytesOf(api.image_png());
      if (r.depth) r.depth.values = new Float64Array(bytesOf(api.depth_values())); // the relief's depth map
      post({ id, type: "done", result: { ...r, png } }, [png, ...(r.depth ? [r.depth.values.buffer] : [])]);
    } else {
      throw new Error(`The page asked the engine for something it does not know (${type}).`);
    }
  } catch (e) {
    if (e instanceof EngineError) return post({ id, type: "error", message: e.message, details: e.details });
    let message = e && e.message ? e.message : String(e);
    if (e && e.type) { // a Python exception
      const lines = message.trim().split("\n");
      const i = lines.findLastIndex((l) => /^[A-Za-z_][\w.]*(Error|Exception)\b/.test(l));
      const line = (i >= 0 ? lines[i] : lines[lines.length - 1]).replace(/^[\w.]*(Error|Exception)\w*: /, "");
      // problems a person can fix arrive as sentences; anything else is our fault, said plainly
      message = /^[A-Z].*[.!?]$/.test(line) ? line
        : `Something went wrong in the engine (${line}). Your work is kept: undo the last change or try again.`;
    }
    post({ id, type: "error", message });
  }
}

async function pump() {
  if (busy || !api) return;
  busy = true;
  try {
    while (jobs.length || pendingCompute) {
      const msg = jobs.length ? jobs.shift() : pendingCompute;
      if (msg === pendingCompute) pendingCompute = null;
      await handle(msg);
      await new Promise((r) => setTimeout(r, 0)); // let newer messages arrive
    }
  } finally {
    busy = false;
  }
}

self.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === "interrupt-buffer") {
    interruptView = new Uint8Array(msg.buffer);
  } else if (msg.type === "compute") {
    if (pendingCompute) post({ id: pendingCompute.id, type: "superseded" });
    pendingCompute = msg;
  } else {
    jobs.push(msg);
  }
  pump();
};

boot().catch((e) => post({ type: "fatal", message: `The engine could not start: ${e.message || e}` }));
