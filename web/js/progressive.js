// Progressive best look within stock (issue 12): with "Best look within stock" on, the page
// shows the mosaic as it is without refining at once (the engine makes it in a fraction of the
// time), then the refined one when the engine has it, with a progress bar and a Cancel button.
// Cancel keeps the first answer; a newer change supersedes both (engine-client.js interrupts
// the running compute). The engine is asked for the first answer again on cancel, so its last
// mosaic (what downloads export) is the one on screen; when the page is not cross-origin
// isolated the refine cannot be stopped midway and that request simply waits for it.
import * as engine from "./engine-client.js";
import { REFINING } from "./progress-labels.js";

const $ = (sel) => document.querySelector(sel);
let current = 0; // the refine the progress row belongs to
const oneColumn = matchMedia("(max-width: 700px)"); // a phone: the settings are far below the mosaic
let cancelCurrent = null;

function showRow(token, fraction) {
  if (token !== current) return;
  $("#refine-progress").hidden = false;
  // null (None in Python): the engine makes and judges its starting mosaics, which has no
  // measure of its own: a moving bar
  const preparing = fraction == null;
  if (preparing) $("#refine-bar").removeAttribute("value");
  else $("#refine-bar").value = fraction;
  const doing = preparing ? "Preparing the best look…" : `Refining the look… ${Math.round(100 * fraction)} %`;
  $("#refine-progress-label").textContent = doing;
  // the same beside the checkbox, where the person asked for it (the bar is under the mosaic)
  $("#refine-status").hidden = false;
  $("#refine-status").textContent = (preparing ? "Preparing… " : `Refining… ${Math.round(100 * fraction)} % `) + (oneColumn.matches
    ? "(Cancel: ✕ on the small copy of the mosaic)" // js/mini-mosaic.js, while the mosaic is out of view
    : "(progress and Cancel under the mosaic)");
}

function hideRow(token) {
  if (token !== current) return;
  hideBoth();
  cancelCurrent = null;
}

function hideBoth() {
  $("#refine-progress").hidden = true;
  $("#refine-status").hidden = true;
  $("#refine-status").textContent = "";
}

$("#refine-cancel").onclick = () => {
  const keyboardHere = document.activeElement === $("#refine-cancel");
  cancelCurrent?.();
  if (keyboardHere) $("#mosaic").focus(); // the button hides: the keyboard goes to the mosaic above it
};

/** Times of the last progressive compute, ms from its start, on <body>: data-refine-first (first
 * answer shown), data-refine-done (refined answer) or data-refine-cancelled (read by tests and
 * scripts/bench_refine_web.py). */
function mark(name, value) {
  document.body.dataset[name] = String(value);
}

/**
 * The mosaic for ``settings``; with ``settings.refine``, ``showFirst(result)`` gets the answer
 * without refining first (it returns false when the page has moved on). Resolves the final
 * result (the refined one, or the first again when cancelled), or null when superseded.
 * ``options``: engine.compute's for the final result ({scores: false}: without its scores).
 * A cancelled refine's result says the settings it was made with (``computedWith``: no refine).
 * ``onWork(m)``: the engine's other progress reports ({label, fraction}: a relief's plates).
 */
export async function computeProgressive(settings, showFirst, options = {}, onWork = null) {
  const token = ++current; // any newer compute: an older refine's row goes at once, for good
  hideBoth();
  cancelCurrent = null;
  if (!settings.refine || settings.poster) return engine.compute(settings, onWork, options); // poster mode is never refined
  const t0 = performance.now();
  const flat = { ...settings, refine: false };
  for (const k of ["refineFirst", "refineDone", "refineCancelled"]) delete document.body.dataset[k];
  const first = await engine.compute(flat, onWork);
  if (first === null || token !== current || !showFirst(first)) return null;
  mark("refineFirst", Math.round(performance.now() - t0));
  showRow(token, null); // the engine starts by preparing its starts
  return new Promise((resolve, reject) => {
    let cancelled = false;
    cancelCurrent = () => {
      cancelled = true;
      mark("refineCancelled", Math.round(performance.now() - t0));
      hideRow(token);
      // the box stays ticked: say that the mosaic on screen is not refined, until the next change
      $("#refine-status").hidden = false;
      $("#refine-status").textContent = "Cancelled: the mosaic shown is not refined (the next change refines again).";
      // stops the refine; the engine's last mosaic is the first again (its scores are the first's)
      engine.compute(flat, null, options).then((r) => resolve(r && Object.assign(r, { computedWith: flat })), reject);
    };
    const report = (m) => { if (m.label !== REFINING) onWork?.(m); else if (!cancelled) showRow(token, m.fraction); };
    engine.compute(settings, report, options).then((r) => {
      if (cancelled) return;
      hideRow(token);
      if (r !== null) mark("refineDone", Math.round(performance.now() - t0));
      resolve(r);
    }, (e) => {
      if (cancelled) return;
      hideRow(token);
      reject(e);
    });
  });
}
