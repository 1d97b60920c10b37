// The only code that talks to the workers (see the protocol at the top of web/worker.js).
// The engine worker makes mosaics, exports and projects; the PDF worker (same file, booted in
// the background) draws instructions so that the editor never waits for fpdf2.
//
// Interrupting: when the page is cross-origin isolated, a SharedArrayBuffer is Pyodide's
// interrupt buffer; a newer compute() writes SIGINT (2) into it, so the running one stops
// (KeyboardInterrupt in Python) instead of finishing work nobody will see.

/** A worker plus its request/response bookkeeping. */
function connect(url, name, { progress, ready, fatal } = {}) {
  const w = new Worker(url, { type: "module", name });
  const pending = new Map();
  let next = 1;
  const failAll = (message) => { for (const job of pending.values()) job.reject(new Error(message)); pending.clear(); };
  w.onmessage = (e) => {
    const m = e.data;
    if (m.type === "progress") return (pending.get(m.id)?.progress || progress)?.(m); // a request's own, else the worker's
    if (m.type === "ready") return ready?.(m.info);
    if (m.type === "fatal") { failAll(m.message); return fatal?.(m.message); }
    const job = pending.get(m.id);
    if (!job) return;
    pending.delete(m.id);
    if (m.type === "done") job.resolve(m.result);
    else if (m.type === "superseded") { if (m.interrupted) stats.stopped++; job.resolve(null); }
    else job.reject(Object.assign(new Error(m.message), { details: m.details || {} }));
  };
  w.onerror = (e) => {
    const message = `The engine stopped unexpectedly (${e.message}). Reload the page; your work is saved.`;
    failAll(message);
    fatal?.(message);
  };
  return {
    terminate(message) { w.terminate(); failAll(message); },
    post: (msg, transfer = []) => w.postMessage(msg, transfer),
    /** onProgress(m): this request's {label, fraction} reports (else the worker's progress handler). */
    request(msg, transfer = [], onProgress = null) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, progress: onProgress });
        w.postMessage({ ...msg, id }, transfer);
      });
    },
  };
}

const WORKER_URL = new URL("../worker.js", import.meta.url);
let engine = null;
let pdf = null;
let interrupt = null;   // Uint8Array over a SharedArrayBuffer, when isolated
let computing = 0;      // computes sent and not answered yet
let running = null;     // {key, epoch, promise} of the latest compute while it is unanswered
let epoch = 0;          // other requests sent (a new photo, a depth map...): the engine's state moved on
// interrupted: stop requests sent; stopped: computes that really stopped midway (KeyboardInterrupt)
// joined: computes that asked for what the running one makes, and got its answer
export const stats = { interrupted: 0, stopped: 0, superseded: 0, completed: 0, joined: 0 }; // read by tests, bench_web.py

/** Start the engine worker; handlers: progress(m), ready(info), fatal(message). */
export function startEngine(handlers) {
  engine = connect(WORKER_URL, "engine", handlers);
  if (self.crossOriginIsolated) {
    interrupt = new Uint8Array(new SharedArrayBuffer(1));
    engine.post({ type: "interrupt-buffer", buffer: interrupt.buffer });
  }
}

/** Any engine request but compute: image, export, project, validate, project-file. */
export const request = (msg, transfer) => { epoch++; return engine.request(msg, transfer); };

/** Make a mosaic; a newer call stops an older one (resolves null for the older).
 * onProgress(m): the engine's {label, fraction} while it refines the look (js/progressive.js).
 * scores false: the mosaic without its colour differences (mean_delta_e... null), sooner; the
 * same call with scores true then computes only them. */
export function compute(settings, onProgress = null, { scores = true } = {}) {
  // a slider's click is an input event, then a change event with the same value: the second
  // compute joins the first instead of stopping it and starting over
  const key = JSON.stringify([settings, scores]);
  if (running && running.key === key && running.epoch === epoch) { stats.joined++; return running.promise; }
  if (computing > 0 && interrupt) { interrupt[0] = 2; stats.interrupted++; }
  computing++;
  const promise = (async () => {
    try {
      const r = await engine.request({ type: "compute", settings, scores }, [], onProgress || (() => {}));
      if (r === null) stats.superseded++; else stats.completed++;
      return r;
    } finally {
      computing--;
      if (running?.promise === promise) running = null;
    }
  })();
  running = { key, epoch, promise };
  return promise;
}

/** The PDF worker, booted on first use (the page warms it up after the first mosaic). */
export function pdfWorker(progress) {
  pdf ??= connect(WORKER_URL, "pdf", { progress });
  return pdf;
}
export const pdfStarted = () => pdf !== null;

/** The depth worker (3D relief: onnxruntime-web), booted on first use; stop() ends it at once
 * (a running estimate is cancelled) and the next use boots a new one. */
let depth = null;
export function depthWorker(progress) {
  depth ??= connect(WORKER_URL, "depth", { progress, fatal: () => { depth = null; } });
  return depth;
}
export function stopDepthWorker() {
  depth?.terminate("Depth estimation was cancelled.");
  depth = null;
}
