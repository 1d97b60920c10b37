// See the error (issue 12), drawn over the mosaic (mosaic-view.js overlays):
// - a heat map of the perceived error per stud (mosaic.perceived_map: CIEDE2000 between the
//   photo and the mosaic after both are blurred as the eye blurs them, legoremix/perceive.py),
//   on a scale up to this mosaic's 95th percentile (in steps of 5, at least 5), so that where it
//   is worst stands out even on a mosaic that is far off everywhere, with a legend: touch-up
//   goes where it is red;
// - a before/after wipe: the cropped photo in the mosaic's place, left of a slider's position.
import { draw, overlays } from "./mosaic-view.js";
import { state } from "./store.js";

const $ = (sel) => document.querySelector(sel);

const LEVELS = 20; // colours drawn (one path each: fast at 128 x 128)
// ColorBrewer YlOrRd (C. Brewer, colorbrewer2.org): light yellow = close, dark red = far
const STOPS = [[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]];

/** The top of the colour scale for a map (CIEDE2000): its 95th percentile rounded up to 5. */
export function scaleOf(map) {
  const v = map.flat().sort((a, b) => a - b);
  return Math.max(5, 5 * Math.ceil(v[Math.floor(0.95 * (v.length - 1))] / 5));
}

/** The heat map's colour for an error (CIEDE2000) on a scale up to ``scale`` (nearly opaque: the
 * mosaic's own colours would hide the scale; its studs still show through a little). */
export function heatColor(v, scale) {
  const t = Math.min(1, Math.max(0, v / scale));
  const f = t * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(f));
  const [a, b] = [STOPS[i], STOPS[i + 1]];
  const c = a.map((x, k) => Math.round(x + (b[k] - x) * (f - i)));
  return `rgba(${c[0]},${c[1]},${c[2]},0.85)`;
}

function drawHeat(ctx, cell, m) {
  const map = m.perceived_map;
  if (!map) return;
  const scale = scaleOf(map);
  drawLegend(scale, m.perceived_delta_e);
  const byLevel = Array.from({ length: LEVELS }, () => []);
  map.forEach((row, y) => row.forEach((v, x) => {
    byLevel[Math.min(LEVELS - 1, Math.floor(Math.max(0, v) / scale * LEVELS))].push(x, y);
  }));
  byLevel.forEach((xy, level) => {
    if (!xy.length) return;
    ctx.fillStyle = heatColor((level + 0.5) * scale / LEVELS, scale);
    ctx.beginPath();
    for (let i = 0; i < xy.length; i += 2) ctx.rect(xy[i] * cell, xy[i + 1] * cell, cell, cell);
    ctx.fill();
  });
}

let photo = { url: null, img: null };
/** The photo as an image element, once loaded (it redraws the mosaic when it arrives). */
function photoImage() {
  const url = state.image?.url;
  if (!url) return null;
  if (photo.url !== url) {
    photo = { url, img: new Image() };
    photo.img.onload = () => { if (on("#compare")) draw(); };
    photo.img.src = url;
  }
  return photo.img.complete && photo.img.naturalWidth ? photo.img : null;
}

function drawWipe(ctx, cell, m) {
  const img = photoImage();
  const crop = m.options?.crop || state.settings?.crop;
  if (!img || !crop || !state.image) return;
  const x = Math.round(ctx.canvas.width * +$("#compare-wipe").value / 100);
  // the crop box is in the engine's pixels (its working copy may be smaller than the file)
  const s = img.naturalWidth / state.image.width;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, x, ctx.canvas.height);
  ctx.clip();
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(img, crop[0] * s, crop[1] * s, crop[2] * s, crop[3] * s, 0, 0, m.width * cell, m.height * cell);
  ctx.restore();
  if (x > 0 && x < ctx.canvas.width) {
    ctx.fillStyle = "rgba(0,0,0,.6)";
    ctx.fillRect(x - 2, 0, 4, ctx.canvas.height);
    ctx.fillStyle = "#fff";
    ctx.fillRect(x - 1, 0, 2, ctx.canvas.height);
  }
}

const on = (sel) => $(sel).checked;

overlays.push((ctx, cell, m) => {
  if (on("#show-error")) drawHeat(ctx, cell, m);
  if (on("#compare")) drawWipe(ctx, cell, m);
});

function drawLegend(scale, mean) {
  const c = $("#error-legend-bar");
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#1b1b1b";
  ctx.fillRect(0, 0, c.width, c.height);
  for (let i = 0; i < LEVELS; i++) {
    ctx.fillStyle = heatColor((i + 0.5) * scale / LEVELS, scale);
    ctx.fillRect(Math.floor(i * c.width / LEVELS), 0, Math.ceil(c.width / LEVELS), c.height);
  }
  $("#error-legend-max").textContent = `far (${scale}+ CIEDE2000 after the eye's blur; this mosaic's mean ` +
    `${mean.toFixed(1)})`;
}

$("#show-error").addEventListener("change", () => {
  $("#error-legend").hidden = !on("#show-error");
  draw();
});
$("#compare").addEventListener("change", () => {
  $("#compare-row").hidden = !on("#compare");
  draw();
});
$("#compare-wipe").addEventListener("input", draw);
