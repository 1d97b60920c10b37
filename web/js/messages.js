// Status line, the one message box (moved next to where the person acted) and notices.
const $ = (sel) => document.querySelector(sel);
const notes = {}; // notices about the photo, shown together

let idle = []; // resolvers waiting for the status to leave "busy"

export function setStatus(name, text) {
  const el = $("#status");
  el.dataset.state = name;
  el.textContent = text;
  $("#progress").hidden = name !== "loading";
  if (name !== "busy") { for (const f of idle.splice(0)) f(); }
}

/** Resolves when the page is not busy (a mosaic and its colour differences computed, a file
 * made): a download asked for meanwhile waits for what the controls say. */
export function whenIdle() {
  return $("#status").dataset.state === "busy" ? new Promise((resolve) => idle.push(resolve)) : Promise.resolve();
}

/** The status line says ``text`` (busy) while ``work()`` runs, as for a mosaic: a look at every
 * set or auto adjust keeps the engine busy for seconds. Then it says what it said before, unless
 * something else took it meanwhile (a new mosaic says so itself). Returns what ``work`` returns. */
export async function busyWhile(text, work) {
  const el = $("#status");
  const before = [el.dataset.state, el.textContent];
  setStatus("busy", text);
  try {
    return await work();
  } finally {
    if (el.dataset.state === "busy" && el.textContent === text) {
      if (before[0] === "busy" || before[0] === "loading") setStatus("ready", "Ready");
      else setStatus(...before);
    }
  }
}

/** Buttons offered with a message: [[label, onclick, testid], ...] */
function buttons(actions) {
  return actions.map(([label, onclick, testid]) => {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: label });
    if (testid) b.dataset.testid = testid;
    b.onclick = onclick;
    return b;
  });
}

/** Show ``msg`` in the slot ``where`` ("photo", "mosaic", "downloads", "project"). */
export function showError(where, msg, actions = []) {
  const box = $("#error");
  (document.querySelector(`.error-slot[data-where=${where}]`) || document.querySelector(".error-slot")).append(box);
  box.dataset.where = where;
  $("#error-text").textContent = msg;
  $("#error-actions").replaceChildren(...buttons(actions));
  box.hidden = false;
  const r = box.getBoundingClientRect();
  if (r.top < 0 || r.bottom > innerHeight) box.scrollIntoView({ block: "center", behavior: "smooth" });
}

/** Hide the message (only if it is in ``where``, when given). */
export function clearError(where) {
  const box = $("#error");
  if (!where || box.dataset.where === where) box.hidden = true;
}
$("#error-close").onclick = () => clearError();

export function notice(msg, actions = []) {
  $("#notice-text").textContent = msg;
  $("#notice-actions").replaceChildren(...buttons(actions));
  $("#notice").hidden = !msg && !$("#notice-flash")?.textContent;
}

let flashTimer = null;
/** A short-lived note of its own above the photo notes (e.g. "Restored your last session."). */
export function flash(msg, ms = 10000) {
  let el = $("#notice-flash");
  if (!el) {
    el = Object.assign(document.createElement("p"), { id: "notice-flash" });
    el.dataset.testid = "notice-flash";
    $("#notice").prepend(el);
  }
  el.textContent = msg;
  el.hidden = !msg;
  $("#notice").hidden = !msg && !$("#notice-text").textContent;
  clearTimeout(flashTimer);
  if (msg) flashTimer = setTimeout(() => flash(""), ms);
}

/** One of the photo notes (empty text removes it); ``reset`` drops all first. */
export function setNote(key, text, { reset = false } = {}) {
  if (reset) for (const k of Object.keys(notes)) delete notes[k];
  if (text) notes[key] = text; else delete notes[key];
  notice(Object.values(notes).join(" "));
}
