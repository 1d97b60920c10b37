// Downloads: one button per export format in the engine's table (info().exports, see
// py/legoremix/export.py FORMATS), the project file, and saving bytes as a file.
import { pdfWorker, request } from "./engine-client.js";
import { clearError, setStatus, showError, whenIdle } from "./messages.js";
import { engineSettings, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);

export function saveBlob(data, name, mime) {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function progress(m) {
  if (!m.id) return;
  $("#export-progress").hidden = false;
  $("#export-progress").value = m.fraction;
}

/** What goes into the shopping lists: null lets the engine decide (everything when nothing
 * can be missing), true = only what is missing, false = everything. */
function onlyMissing() {
  if ($("#wanted-field").hidden) return null;
  return $("#wanted").value === "missing";
}

export async function exportFile(kind) {
  // a click during a change: the file of the new mosaic, with its colour difference, not the old one
  await whenIdle();
  if (!state.mosaic || state.stale) return;
  const where = kind === "project" ? "project" : "downloads";
  clearError();
  setStatus("busy", kind === "pdf" ? "Drawing the building instructions…" : "Preparing the file…");
  const options = { section: +$("#section").value, paper: $("#paper").value, grid: $("#show-grid").checked,
    cell: +$("#png-cell").value, only_missing: onlyMissing() };
  try {
    const r = kind === "pdf"
      ? await pdfWorker(progress).request({ type: "pdf", result: state.mosaic, options })
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

/** A button per format the engine offers (the project file has its own button at the top). */
export function buildDownloads(info) {
  $("#download-buttons").replaceChildren(...info.exports.filter((f) => f.name !== "project").map((f) => {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: f.label, disabled: true });
    b.dataset.export = f.name;
    b.dataset.testid = `download-${f.name}`;
    b.onclick = () => exportFile(f.name);
    return b;
  }));
}
// A project holds the photo and the settings as they are in the controls, even when the last
// compute failed (the person's work, not the last good mosaic).
$("#save-project").onclick = async () => {
  if (!state.image) return;
  clearError();
  try {
    const r = await request({ type: "project-file", settings: engineSettings() });
    saveBlob(r.data, r.name, r.mime);
    setStatus(state.stale ? "error" : "ready", `Saved ${r.name}`);
  } catch (e) {
    showError("project", e.message);
  }
};
