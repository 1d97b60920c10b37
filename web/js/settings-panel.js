// The settings panel: controls built from the engine's info() (choices and defaults come from
// py/legoremix/settings.py), kept in step with state.settings, and every change sent through
// the store. Fields that must hold whole numbers say what is wrong next to them and block
// computing until they are fixed: never a silent correction.
import { applyView } from "./crop.js";
import { setStatus } from "./messages.js";
import { markStale } from "./mosaic-view.js";
import { commit, preview, state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const STUD_MM = 8;
const ADJUSTMENTS = [
  ["hue", "Hue", -180, 180], ["saturation", "Saturation", -100, 100], ["value", "Value", -100, 100],
  ["brightness", "Brightness", -100, 100], ["contrast", "Contrast", -100, 100],
  ["gamma", "Midtones (gamma)", -100, 100],
];

function fillSelect(sel, entries) {
  sel.replaceChildren(...entries.map(([v, label]) => new Option(label, v)));
}

/** Build the controls once the engine has said what it offers. */
export function buildControls(info) {
  fillSelect($("#set-add"), info.sets.map((s) => [s.id, `${s.name} – ${s.total} pieces`]));
  fillSelect($("#piece"), Object.entries(info.pieces));
  fillSelect($("#metric"), Object.entries(info.metrics));
  fillSelect($("#dither"), Object.entries(info.dither_labels));
  for (const id of ["width", "height"]) $(`#${id}`).max = info.max_studs;
  const fs = $("#adjustments");
  for (const [key, label, min, max] of ADJUSTMENTS) {
    const div = document.createElement("div");
    div.className = "adj";
    div.innerHTML = `<label for="adj-${key}">${label} <output id="adj-${key}-out">0</output></label>
      <input type="range" id="adj-${key}" min="${min}" max="${max}" value="0">
      <button type="button" id="adj-${key}-reset" aria-label="Reset ${label.toLowerCase()}">Reset</button>`;
    fs.append(div);
    const input = div.querySelector("input");
    input.oninput = () => preview((s) => { s.adjustments[key] = +input.value; });
    let keyed = false; // arrow keys, Page Up/Down, Home/End: each press is a change; a run of them is one undo step
    input.onkeydown = () => { keyed = true; };
    input.onchange = () => { commit(undefined, { merge: keyed ? input.id : null }); keyed = false; };
    div.querySelector("button").onclick = () => commit((s) => { s.adjustments[key] = 0; });
  }
  $(".settings").inert = false;
}

/** Show state.settings in the controls (fields being corrected keep what the person typed). */
export function syncControls() {
  const s = state.settings;
  if (!s) return;
  if (!state.invalid.has("width")) $("#width").value = s.size[0];
  if (!state.invalid.has("height")) $("#height").value = s.size[1];
  document.querySelectorAll("[data-size]").forEach((b) =>
    b.setAttribute("aria-pressed", String(+b.dataset.size === s.size[0] && +b.dataset.size === s.size[1])));
  const cm = (n) => (n * STUD_MM / 10).toFixed(1);
  const inch = (n) => (n * STUD_MM / 25.4).toFixed(1);
  $("#physical").textContent = `${cm(s.size[0])} × ${cm(s.size[1])} cm (${inch(s.size[0])} × ${inch(s.size[1])} in)`;
  sizePending();
  $("#background").value = s.background;
  $("#piece").value = s.piece;
  pieceNote(s);
  $("#metric").value = s.metric;
  $("#dither").value = s.dither;
  $("#refine").checked = Boolean(s.refine);
  $("#strength").value = s.strength;
  $("#strength-out").textContent = `${s.strength} %`;
  $("#unlimited").checked = s.unlimited;
  const ownsPieces = Object.values(s.sets).some((n) => n > 0) || Object.values(s.custom).some((n) => n > 0);
  $("#wanted-field").hidden = !(s.unlimited && ownsPieces); // with a limited inventory nothing can be missing
  for (const [key] of ADJUSTMENTS) {
    $(`#adj-${key}`).value = s.adjustments[key];
    $(`#adj-${key}-out`).textContent = s.adjustments[key];
  }
  renderSets();
  syncUndo();
}

/** Your sets come with one kind of piece (Lego Art: 1x1 round tiles); another chosen kind uses
 * their colours one for one, and the parts lists and instructions name the chosen part: say so,
 * so nobody thinks they own it (QA). */
function pieceNote(s) {
  const info = state.info;
  if (!info) return; // the engine's list of sets comes first
  const label = (p) => info.pieces[p] ?? (p.startsWith("round") ? "1x1 round piece" : p);
  const owned = [...new Set(Object.entries(s.sets).filter(([, n]) => n > 0)
    .map(([id]) => info.sets.find((x) => x.id === id)?.piece).filter(Boolean))];
  const fits = (p) => p === s.piece || (p === "round-mixed" && s.piece.startsWith("round"));
  const other = owned.filter((p) => !fits(p));
  const note = $("#piece-note");
  note.hidden = !other.length;
  note.textContent = other.length
    ? `Your sets come with ${other.map((p) => `${label(p)}s`).join(" and ")}: here each of their colours counts as a ` +
      `${label(s.piece)} instead, and the parts lists and instructions ask for ${label(s.piece)}s.`
    : "";
}

/** Undo and Redo are off when they have no step to take (also after js/photos.js drops the
 * steps that need a photo no longer held, such as those from before the first photo). */
export function syncUndo() {
  $("#undo").disabled = state.history.length === 0;
  $("#redo").disabled = state.future.length === 0;
}

function renderSets() {
  const max = state.info?.max_copies ?? 50;
  const entries = Object.entries(state.settings.sets);
  const shown = [...$("#sets").children].map((li) => li.dataset.id);
  if (shown.join() === entries.map(([id]) => id).join()) { // the same sets: their copies in place, so the
    for (const [id, copies] of entries) { // field being typed in keeps the keyboard (QA)
      const input = $(`#sets li[data-id="${id}"] input`);
      if (input.getAttribute("aria-invalid") !== "true") input.value = copies; // a marked field keeps what is typed
    }
    return;
  }
  $("#sets").replaceChildren(...entries.map(([id, copies]) => {
    // a set this version does not know is still listed, so it can be removed
    const set = state.info?.sets.find((s) => s.id === id) || { short: `Unknown set ${id}`, name: `unknown set ${id}` };
    const li = document.createElement("li");
    li.dataset.id = id;
    const label = Object.assign(document.createElement("label"), { textContent: set.short, htmlFor: `copies-${id}` });
    const input = Object.assign(document.createElement("input"),
      { type: "number", min: 0, max, step: 1, value: copies, id: `copies-${id}`, title: "copies" });
    input.setAttribute("aria-label", `Copies of ${set.name}`);
    const err = Object.assign(document.createElement("p"), { className: "field-error", id: `copies-${id}-error`, hidden: true });
    err.dataset.testid = "copies-error";
    input.setAttribute("aria-describedby", err.id);
    const check = () => checkField(input, err, `copies-${id}`, wholeNumber(input, "The number of copies", 0, max, ""));
    input.oninput = check;
    input.onchange = () => { const v = check(); if (v !== null) commit((s) => { s.sets[id] = v; }); };
    const rm = Object.assign(document.createElement("button"), { type: "button", textContent: "Remove" });
    rm.setAttribute("aria-label", `Remove ${set.name}`);
    rm.onclick = () => {
      const at = [...$("#sets").children].indexOf(li);
      state.invalid.delete(`copies-${id}`);
      commit((s) => { delete s.sets[id]; }); // the list is drawn again: the keyboard stays where it was,
      const left = $("#sets").querySelectorAll("button"); // on the next set's Remove, or on adding a set
      (left[Math.min(at, left.length - 1)] || $("#set-add")).focus();
    };
    li.append(label, input, rm, err);
    return li;
  }));
}

// ---------- fields that must hold a whole number ----------
/** {value} or {error: a sentence saying what is wrong}. */
export function wholeNumber(input, what, min, max, unit) {
  const raw = input.value.trim();
  if (input.validity.badInput) return { error: `${what} must be a whole number from ${min} to ${max}.` };
  if (raw === "") return { error: `${what} is missing: enter a whole number from ${min} to ${max}.` };
  const v = Number(raw);
  if (!Number.isFinite(v)) return { error: `${what} must be a whole number from ${min} to ${max}.` };
  if (!Number.isInteger(v)) return { error: `${what} must be a whole number, not ${raw}.` };
  if (v < min) return { error: `${what} must be at least ${min}.` };
  if (v > max) return { error: `${what} can be at most ${max}${unit ? ` ${unit}` : ""}.` };
  return { value: v };
}

const BLOCKED = "Fix the marked field to update the mosaic";
function blocked() {
  // the mosaic no longer matches what the controls show: dim it and allow no download of it
  if (state.invalid.size) { setStatus("error", BLOCKED); markStale(true); }
  else if ($("#status").textContent === BLOCKED) setStatus("ready", "Ready – press Enter or leave the field to apply it");
}

/** Show or clear the message next to a field; the value, or null while it is invalid. */
export function checkField(input, errEl, key, r) {
  errEl.textContent = r.error || "";
  errEl.hidden = !r.error;
  input.setAttribute("aria-invalid", String(Boolean(r.error)));
  if (r.error) state.invalid.add(key); else state.invalid.delete(key);
  blocked();
  return r.error ? null : r.value;
}

/** Both size fields are checked together; one message under them says what is wrong. */
function checkSize() {
  const max = state.info?.max_studs ?? 512;
  const r = { width: wholeNumber($("#width"), "The width", 1, max, "studs"),
    height: wholeNumber($("#height"), "The height", 1, max, "studs") };
  const errors = [];
  for (const id of ["width", "height"]) {
    $(`#${id}`).setAttribute("aria-invalid", String(Boolean(r[id].error)));
    if (r[id].error) { errors.push(r[id].error); state.invalid.add(id); } else state.invalid.delete(id);
  }
  $("#size-error").textContent = errors.join(" ");
  $("#size-error").hidden = !errors.length;
  blocked();
  sizePending();
  return errors.length ? null : [r.width.value, r.height.value];
}

/** A typed size applies on Enter or on leaving the field (not at every key: 1, 12, 128 would
 * each be made); until then a line under the fields says so, where the status says "Ready" (QA).
 * While a size field is marked wrong, the mosaic's size in cm is hidden: it is not the typed one (QA). */
function sizePending() {
  const s = state.settings?.size, w = +$("#width").value, h = +$("#height").value;
  const invalid = state.invalid.has("width") || state.invalid.has("height");
  $("#physical").hidden = invalid;
  const pending = Boolean(s) && !invalid && (w !== s[0] || h !== s[1]);
  $("#size-pending").hidden = !pending;
  $("#size-pending").textContent = pending ? `Press Enter, or leave the field, to make the mosaic ${w} × ${h} studs.` : "";
}

/** Undo/redo and opened projects replace every field: pending field errors go away. */
export function resetFields() {
  state.invalid.clear();
  document.querySelectorAll(".field-error").forEach((el) => { el.hidden = true; });
  document.querySelectorAll("[aria-invalid=true]").forEach((el) => el.setAttribute("aria-invalid", "false"));
}

export function setSize(w, h) {
  $("#width").value = w;
  $("#height").value = h;
  if (checkSize()) commit((s) => { s.size = [w, h]; applyView(s); });
}

document.querySelectorAll("[data-size]").forEach((b) => { b.onclick = () => setSize(+b.dataset.size, +b.dataset.size); });
for (const id of ["width", "height"]) {
  $(`#${id}`).oninput = checkSize;
  $(`#${id}`).onchange = () => { const size = checkSize(); if (size) setSize(...size); };
}
$("#background").onchange = () => commit((s) => { s.background = $("#background").value; });
$("#set-add-btn").onclick = () => commit((s) => { const id = $("#set-add").value; s.sets[id] = (s.sets[id] || 0) + 1; });
$("#unlimited").onchange = () => commit((s) => { s.unlimited = $("#unlimited").checked; });
$("#piece").onchange = () => commit((s) => { s.piece = $("#piece").value; });
$("#metric").onchange = () => commit((s) => { s.metric = $("#metric").value; });
$("#dither").onchange = () => commit((s) => { s.dither = $("#dither").value; });
$("#refine").onchange = () => commit((s) => { s.refine = $("#refine").checked; });
$("#strength").oninput = () => preview((s) => { s.strength = +$("#strength").value; });
$("#strength").onchange = () => commit();
