// On a phone the settings are far below the mosaic: while the mosaic is scrolled out of view, a
// small copy of it stays in a corner, so the effect of a slider or a setting is seen as it is
// made, with its figure (the colour difference seen from a distance, as under the mosaic), Undo
// and Redo at hand (the header's scroll away), and Cancel while the best look is refined (its own
// Cancel is under the mosaic); a tap on the copy goes back to the mosaic. (On a laptop the
// settings scroll beside the mosaic, which stays in view: the copy is only for the one-column
// layout.)
import { state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const mosaic = $("#mosaic");
const box = $("#mini-mosaic");
const view = box.querySelector(".mini-view");
const mini = view.querySelector("canvas");
const miniUndo = box.querySelector("[data-testid=mini-undo]");
const miniRedo = box.querySelector("[data-testid=mini-redo]");
const miniCancel = box.querySelector("[data-testid=mini-cancel]");
const tuck = box.querySelector("[data-testid=mini-tuck]");
const TUCKED = "legoremix-mini-tucked"; // sessionStorage: the person tucked the copy away
const figure = box.querySelector(".mini-figure span");
const oneColumn = matchMedia("(max-width: 700px)");
const SIDE = 192; // canvas pixels of the copy's longer side (shown about 7rem wide)
let inView = true;

function update() {
  const show = oneColumn.matches && !inView && !!state.mosaic && mosaic.width > 0;
  box.hidden = !show;
  document.body.classList.toggle("mini-shown", show && !box.classList.contains("tucked"));
  if (!show) return;
  syncButtons();
  const s = SIDE / Math.max(mosaic.width, mosaic.height);
  mini.width = Math.max(1, Math.round(mosaic.width * s));
  mini.height = Math.max(1, Math.round(mosaic.height * s));
  const ctx = mini.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(mosaic, 0, 0, mini.width, mini.height);
  box.classList.toggle("stale", !!state.stale);
}

/** The small Undo and Redo do what the header's do, and are off when those are; Cancel shows
 * while the best look is refined (js/progressive.js shows its progress row then). */
function syncButtons() {
  miniUndo.disabled = $("#undo").disabled;
  miniRedo.disabled = $("#redo").disabled;
  miniCancel.hidden = $("#refine-progress").hidden;
}

new IntersectionObserver(([entry]) => { inView = entry.isIntersecting; update(); }).observe(mosaic);
mosaic.addEventListener("drawn", update); // js/mosaic-view.js: a new drawing, or marked out of date
oneColumn.addEventListener("change", update);
view.addEventListener("click", () => mosaic.scrollIntoView({ block: "center", behavior: "smooth" }));
/** It covers a corner of whatever is under it: the person can tuck it into one small button. */
function setTucked(tucked) {
  box.classList.toggle("tucked", tucked);
  tuck.setAttribute("aria-expanded", String(!tucked));
  tuck.setAttribute("aria-label", tucked ? "Show the small mosaic" : "Hide the small mosaic (it covers part of the page)");
  tuck.textContent = tucked ? "▣" : "–";
  try { sessionStorage.setItem(TUCKED, tucked ? "1" : ""); } catch { /* storage off: this visit only */ }
  update();
}
tuck.addEventListener("click", () => setTucked(!box.classList.contains("tucked")));
try { if (sessionStorage.getItem(TUCKED)) setTucked(true); } catch { /* storage off */ }
// a button that turns off (the last undo, the last redo) or hides (Cancel) hands the keyboard on
miniUndo.addEventListener("click", () => { $("#undo").click(); syncButtons(); if (miniUndo.disabled) miniRedo.focus(); });
miniRedo.addEventListener("click", () => { $("#redo").click(); syncButtons(); if (miniRedo.disabled) miniUndo.focus(); });
miniCancel.addEventListener("click", () => { $("#refine-cancel").click(); view.focus(); });
// the figure follows the one under the mosaic ("…" while it is measured after a change)
const copyFigure = () => { figure.textContent = $("#perceived-de").textContent; };
new MutationObserver(copyFigure).observe($("#perceived-de"), { childList: true, characterData: true, subtree: true });
copyFigure();
new MutationObserver(syncButtons).observe($("#refine-progress"), { attributes: true, attributeFilter: ["hidden"] });
new MutationObserver(syncButtons).observe($("header"), { subtree: true, attributes: true, attributeFilter: ["disabled"] });
