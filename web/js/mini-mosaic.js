// On a phone the settings are far below the mosaic: while the mosaic is scrolled out of view, a
// small copy of it stays in a corner, so the effect of a slider or a setting is seen as it is
// made; a tap on it goes back to the mosaic. (On a laptop the settings scroll beside the mosaic,
// which stays in view: the copy is only for the one-column layout.)
import { state } from "./store.js";

const $ = (sel) => document.querySelector(sel);
const mosaic = $("#mosaic");
const button = $("#mini-mosaic");
const mini = button.querySelector("canvas");
const oneColumn = matchMedia("(max-width: 700px)");
const SIDE = 192; // canvas pixels of the copy's longer side (shown about 7rem wide)
let inView = true;

function update() {
  const show = oneColumn.matches && !inView && !!state.mosaic && mosaic.width > 0;
  button.hidden = !show;
  if (!show) return;
  const s = SIDE / Math.max(mosaic.width, mosaic.height);
  mini.width = Math.max(1, Math.round(mosaic.width * s));
  mini.height = Math.max(1, Math.round(mosaic.height * s));
  const ctx = mini.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(mosaic, 0, 0, mini.width, mini.height);
  button.classList.toggle("stale", !!state.stale);
}

new IntersectionObserver(([entry]) => { inView = entry.isIntersecting; update(); }).observe(mosaic);
mosaic.addEventListener("drawn", update); // js/mosaic-view.js: a new drawing, or marked out of date
oneColumn.addEventListener("change", update);
button.addEventListener("click", () => mosaic.scrollIntoView({ block: "center", behavior: "smooth" }));
