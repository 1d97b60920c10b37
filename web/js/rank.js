// What the eye sees, tone and sets (issue 12): the "Auto adjust" button (the engine chooses the
// adjustments whose mosaic looks closest to the photo: py/legoremix/tone.py; they land in the
// sliders as one undo step), the Poster checkbox (a setting), and "Which set fits this picture?"
// (py/legoremix/rank.py: every set, pairs and copies ranked for this photo, crop and size, with a
// thumbnail each; a click uses that set; and the cheapest additions to the pieces you have).
import { cropFromView } from "./crop.js";
import * as engine from "./engine-client.js";
import { busyWhile, clearError, showError } from "./messages.js";
import { commit, engineSettings, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);

/** The settings the engine would compute with now (the crop box, not the page's crop view). */
function current() {
  const s = engineSettings();
  if (!s.crop && state.image) s.crop = cropFromView(state.settings.cropView, s.size[0], s.size[1]);
  return s;
}

const NEEDS_PHOTO = "Choose a photo first: auto adjust and the set ranking look at your photo.";

async function autoAdjust() {
  const button = $("#auto-adjust");
  clearError("adjust");
  if (!state.image) { showError("adjust", NEEDS_PHOTO); return; }
  button.disabled = true;
  $("#auto-adjust-status").textContent = "Trying adjustments on a small preview of your mosaic…";
  try {
    // what it works from: when the person changes a setting or the photo meanwhile, its answer
    // is for something no longer on screen, and it must not undo their change
    const settings = current(), asked = JSON.stringify(settings), image = state.image;
    const r = await busyWhile("Auto adjust is trying adjustments…", async () => {
      const r = await engine.request({ type: "auto-adjust", settings });
      r.moved = state.image !== image || JSON.stringify(current()) !== asked;
      if (!r.moved) commit((s) => { s.adjustments = { ...s.adjustments, ...r.adjustments }; }); // a new mosaic: it takes the status line
      return r;
    });
    $("#auto-adjust-status").dataset.seconds = r.seconds; // the engine's time (read by the browser test)
    $("#auto-adjust-status").dataset.for = JSON.stringify(state.settings.adjustments); // what it speaks of
    if (r.moved) {
      $("#auto-adjust-status").textContent = "You changed your settings while auto adjust was working, so its " +
        "choice was not applied. Click Auto adjust again to start from them.";
      return;
    }
    const before = Math.min(r.default_error, r.start_error);
    $("#auto-adjust-status").textContent = r.error_after < before
      ? `Auto adjust chose ${r.description}: against your photo as it is, without adjustments, the error seen ` +
        `from a distance falls from ${before.toFixed(1)} to ${r.error_after.toFixed(1)} on a small preview (the ` +
        "figure under the mosaic compares it with the adjusted photo). Undo brings your settings back."
      : "Your adjustments already look best with these pieces: nothing changed.";
  } catch (e) {
    $("#auto-adjust-status").textContent = "";
    showError("adjust", e.message);
  } finally {
    button.disabled = false;
  }
}

function useSets(sets) {
  commit((s) => { s.sets = { ...sets }; s.unlimited = false; });
}

function renderRanking(r) {
  const list = $("#rank-list");
  list.replaceChildren(...r.candidates.map((c, i) => {
    const li = document.createElement("li");
    const b = Object.assign(document.createElement("button"), { type: "button", className: "rank-item" });
    b.dataset.testid = "rank-item";
    b.dataset.sets = JSON.stringify(c.sets);
    b.title = `Use ${c.label} (${c.pieces} pieces)`;
    const img = Object.assign(document.createElement("img"), { src: c.thumb, alt: "", width: 48, height: 48 });
    const text = document.createElement("span");
    text.textContent = `${i + 1}. ${c.label} – error ${c.perceived.toFixed(1)}`;
    b.append(img, text);
    b.onclick = () => useSets(c.sets);
    li.append(b);
    return li;
  }));
  const yours = r.current === null ? "" : ` Your pieces now: ${r.current.toFixed(1)}.`;
  $("#rank-status").textContent = `${r.candidates.length} choices, best first (error seen from a distance of ` +
    `the best mosaic each can make, judged on a ${r.proxy[0]} × ${r.proxy[1]} preview; click one to use it).${yours}`;
  $("#rank-additions").textContent = r.additions ? r.additions.sentence : "";
  const add = $("#rank-add");
  add.hidden = !r.additions;
  add.onclick = () => commit((s) => { // the suggested pieces join your loose pieces (one undo step)
    for (const [id, n] of Object.entries(r.additions.pieces)) s.custom[id] = (s.custom[id] || 0) + n;
  });
  $("#rank-panel").dataset.seconds = r.seconds; // the engine's time (read by the browser test)
}

async function rankSets() {
  const button = $("#rank-sets");
  clearError("rank");
  if (!state.image) { showError("rank", NEEDS_PHOTO); return; }
  button.disabled = true;
  $("#rank-panel").hidden = false;
  $("#rank-status").textContent = "Trying every set on your photo…";
  $("#rank-list").replaceChildren();
  $("#rank-additions").textContent = "";
  try {
    renderRanking(await busyWhile("Trying every set on your photo…", () => engine.request({ type: "rank", settings: current() })));
  } catch (e) {
    $("#rank-status").textContent = "";
    showError("rank", e.message);
  } finally {
    button.disabled = false;
  }
}

/** Wire the controls (once the engine is ready). */
export function initLook() {
  $("#auto-adjust").onclick = autoAdjust;
  $("#rank-sets").onclick = rankSets;
  $("#poster").onchange = () => commit((s) => { s.poster = $("#poster").checked; });
}

/** Show the settings in the controls. */
export function renderLook() {
  if (!state.settings) return;
  const poster = Boolean(state.settings.poster);
  $("#poster").checked = poster;
  // the auto adjust sentence speaks of the sliders it set: once they change (Undo, a drag) it goes
  const said = $("#auto-adjust-status");
  if (said.dataset.for && said.dataset.for !== JSON.stringify(state.settings.adjustments)) {
    said.textContent = "";
    delete said.dataset.for;
  }
  // controls that would change nothing rest (pipeline._dither, _look): poster mode neither
  // dithers nor refines, and without dithering there is no strength to set
  const unused = { "#dither": poster, "#refine": poster, "#strength": poster || state.settings.dither === "none" };
  for (const [id, off] of Object.entries(unused)) {
    $(id).disabled = off;
    $(id).title = !off ? "" : poster ? "Not used in poster mode" : "Used only with dithering";
  }
}
