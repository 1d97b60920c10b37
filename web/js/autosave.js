// Autosave to IndexedDB on every change and when the page is left, so a reload or a crash
// loses nothing, not even the undo and redo steps (the newest store.SAVED_STEPS of each).
// What is saved is checked by the engine before it is used again (app.js).
import { keptDepth } from "./relief.js";
import { savedHistory, state } from "./store.js";

let timer = null;
let dbPromise = null;

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("legoremix", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("autosave");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function saveNow() {
  clearTimeout(timer);
  timer = null;
  if (!state.imageBlob || !state.settings) return;
  try {
    dbPromise ??= db();
    const tx = (await dbPromise).transaction("autosave", "readwrite");
    tx.objectStore("autosave").put({ settings: state.settings, image: state.imageBlob,
      depth: keptDepth() || null, // one depth map, also while the relief is removed (its Undo needs it)
      ...savedHistory(), time: Date.now() }, "current"); // the undo steps too: undo works after a reload
    await new Promise((r) => { tx.oncomplete = r; tx.onerror = r; });
    document.body.dataset.autosaved = String(Date.now()); // read by the browser tests
  } catch (e) { console.warn("autosave failed", e); }
}

/** Save soon (changes in quick succession are written once). */
export function autosave() {
  clearTimeout(timer);
  timer = setTimeout(saveNow, 100);
}

/** The last saved session {settings, image}, or null. */
export async function loadAutosave() {
  try {
    const d = await db();
    const req = d.transaction("autosave").objectStore("autosave").get("current");
    const v = await new Promise((resolve) => { req.onsuccess = () => resolve(req.result); req.onerror = () => resolve(null); });
    return v && v.image ? v : null;
  } catch { return null; }
}

// leaving the page (reload, close, switch app): write what is pending at once
addEventListener("pagehide", () => { if (timer) saveNow(); });
document.addEventListener("visibilitychange", () => { if (document.hidden && timer) saveNow(); });
