// The thin onnxruntime-web helper of the depth worker (worker.js, role "depth"). The engine
// (legoremix.browser.estimate_depth, Python) decides everything about a depth model; this only
// creates a session once per model and runs it. Exposed to Python as self.ortRuntime.
//
// Backend: WebGPU when the browser offers a GPU adapter (ort.webgpu build), else WASM with
// SIMD, multi-threaded when the page is cross-origin isolated (SharedArrayBuffer), else one thread.
const ORT_DIR = new URL("../ort/", import.meta.url).href;
const sessions = new Map(); // model key -> InferenceSession
let ort = null;
let backend = null; // "webgpu" | "wasm"

async function runtime() {
  if (ort) return ort;
  let gpu = false;
  try { gpu = Boolean(self.navigator.gpu && await self.navigator.gpu.requestAdapter()); } catch { gpu = false; }
  ort = await import(gpu ? "../ort/ort.webgpu.min.mjs" : "../ort/ort.wasm.min.mjs");
  ort.env.wasm.wasmPaths = ORT_DIR;
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  ort.env.wasm.proxy = false; // already in a worker
  backend = gpu ? "webgpu" : "wasm";
  runtimeHelper.backend = backend;
  return ort;
}

export const runtimeHelper = {
  backend: null,
  progress: null, // (label, fraction): set by the worker for the running request
  /** Create (once) the session of model `key` from its bytes (Uint8Array); its input/output names. */
  async load(key, bytes) {
    const rt = await runtime();
    if (!sessions.has(key)) {
      runtimeHelper.progress?.(`Loading the depth model (${backend === "webgpu" ? "WebGPU" : "WASM"})`, 0.3);
      for (const old of sessions.values()) await old.release?.(); // one model at a time: free the memory
      sessions.clear();
      const eps = backend === "webgpu" ? ["webgpu", "wasm"] : ["wasm"];
      sessions.set(key, await rt.InferenceSession.create(bytes, { executionProviders: eps, graphOptimizationLevel: "all" }));
    }
    const s = sessions.get(key);
    return { inputs: [...s.inputNames], outputs: [...s.outputNames] };
  },
  /** Run model `key` on one float32 tensor; the output tensor's data (Float32Array). */
  async run(key, inputName, outputName, data, dims) {
    const s = sessions.get(key);
    if (!s) throw new Error("The depth model is not loaded.");
    runtimeHelper.progress?.(`Estimating depth (${backend === "webgpu" ? "WebGPU" : "WASM"})`, 0.6);
    const shape = Array.from(dims);
    const feeds = { [inputName]: new ort.Tensor("float32", data, shape) };
    const res = await s.run(feeds);
    const out = res[outputName];
    if (!out) throw new Error(`The depth model gave no output called ${outputName}.`);
    return out.data;
  },
  loaded: (key) => sessions.has(key),
};
