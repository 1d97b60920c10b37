// How each piece family looks from above, drawn on a canvas: the same look as the PNG export
// (py/legoremix/export.py piece_sprite) and the PDF overview (instructions.py). Round or square
// outline; tiles smooth with a soft highlight; plates and bricks a stud lit on its upper left and
// shaded on its lower right; bricks a deeper shade on the lower and right sides (they stand
// taller). Light and shadow are mixed from the piece's own colour, so black pieces stay visible
// on the dark baseplate. One 1x1 sprite per colour and size is drawn once and its pixels copied
// for every stud: 128 x 128 studs stay fast.

/** The page's baseplate colour (behind round pieces and the gaps between parts). */
export const BASEPLATE = "#1b1b1b";

/** `hex` mixed towards white (to = 255) or black (to = 0) by `f`. */
export function mix(hex, to, f) {
  const n = parseInt(hex.slice(1), 16);
  const c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => Math.round(v + (to - v) * f));
  return `rgb(${c.join(",")})`;
}

/** {round, stud, tall} of a w x h part of a family: round families are round only as 1x1
 * (their bigger parts are square tiles or plates, as pieces.looks says). */
export function lookOf(piece, w = 1, h = 1) {
  return {
    round: piece.startsWith("round") && w === 1 && h === 1,
    stud: !piece.endsWith("tile"),
    tall: piece === "brick",
  };
}

/** A stud on top of a plate or brick at (cx, cy): its ring lit above left, shaded below right. */
function stud(ctx, cx, cy, cell, hex) {
  const r = cell * 0.3;
  ctx.lineWidth = Math.max(1, cell / 12);
  ctx.strokeStyle = mix(hex, 255, 0.45);
  ctx.beginPath(); ctx.arc(cx, cy, r, Math.PI * 0.75, Math.PI * 1.75); ctx.stroke();
  ctx.strokeStyle = mix(hex, 0, 0.5);
  ctx.beginPath(); ctx.arc(cx, cy, r, Math.PI * 1.75, Math.PI * 2.75); ctx.stroke();
}

/** A tile's smooth top: a soft highlight in its upper left corner, fading before its middle. */
function sheen(ctx, x, y, cell) {
  const g = ctx.createRadialGradient(x + cell * 0.3, y + cell * 0.3, 0, x + cell * 0.3, y + cell * 0.3, cell * 0.26);
  g.addColorStop(0, "rgba(255,255,255,0.42)");
  g.addColorStop(1, "rgba(255,255,255,0)");
  ctx.fillStyle = g;
  ctx.fillRect(x, y, cell * 0.6, cell * 0.6);
}

/** One part of `w` x `h` studs with its top-left corner at pixel (x, y), as it looks. */
export function drawPart(ctx, x, y, w, h, cell, hex, look) {
  if (look.round) {
    const c = cell / 2, r = cell * 0.46;
    ctx.fillStyle = hex;
    ctx.beginPath(); ctx.arc(x + c, y + c, r, 0, 2 * Math.PI); ctx.fill();
    if (cell >= 6) { // the rim: lit above left, shaded below right
      ctx.lineWidth = Math.max(1, cell / 14);
      ctx.strokeStyle = mix(hex, 255, 0.4);
      ctx.beginPath(); ctx.arc(x + c, y + c, r - ctx.lineWidth / 2, Math.PI * 0.75, Math.PI * 1.75); ctx.stroke();
      ctx.strokeStyle = mix(hex, 0, 0.5);
      ctx.beginPath(); ctx.arc(x + c, y + c, r - ctx.lineWidth / 2, Math.PI * 1.75, Math.PI * 2.75); ctx.stroke();
    }
    if (look.stud) stud(ctx, x + c, y + c, cell, hex); else sheen(ctx, x, y, cell);
    return;
  }
  const gap = cell >= 6 ? 1 : 0;
  const px = x + gap, py = y + gap, pw = w * cell - 2 * gap, ph = h * cell - 2 * gap;
  const bevel = Math.max(1, Math.round(cell / 12));
  const side = look.tall ? Math.max(2, Math.round(cell / 5)) : bevel; // bricks: their taller sides show
  ctx.fillStyle = hex;
  ctx.fillRect(px, py, pw, ph);
  ctx.fillStyle = mix(hex, 255, 0.4);
  ctx.fillRect(px, py, pw, bevel);
  ctx.fillRect(px, py, bevel, ph);
  ctx.fillStyle = mix(hex, 0, look.tall ? 0.55 : 0.45);
  ctx.fillRect(px, py + ph - side, pw, side);
  ctx.fillRect(px + pw - side, py, side, ph);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      if (look.stud) { if (cell >= 5) stud(ctx, x + (i + 0.5) * cell, y + (j + 0.5) * cell, cell, hex); }
      else if (i === 0 && j === 0) sheen(ctx, x, y, cell);
    }
  }
}

const sprites = new Map(); // "piece hex cell" -> the pixels of one 1x1 piece (RGBA as 32-bit words)

/** The pixels of one 1x1 piece of `piece` in `hex`, `cell` pixels square, on the baseplate. */
export function sprite(piece, hex, cell) {
  const key = `${piece} ${hex} ${cell}`;
  let px = sprites.get(key);
  if (!px) {
    if (sprites.size > 600) sprites.clear(); // colours x sizes seen lately: bounded memory when zooming
    const c = document.createElement("canvas");
    c.width = c.height = cell;
    const ctx = c.getContext("2d", { willReadFrequently: true });
    ctx.fillStyle = BASEPLATE;
    ctx.fillRect(0, 0, cell, cell);
    // a piece of 3 pixels or less shows as its colour alone: a highlight or baseplate corner the
    // size of a pixel, repeated every 3, beats with the page's downscaling into a pattern of
    // bright blotches (QA: 512 x 512 studs); zoomed in, the pieces are drawn as they look again
    if (cell <= 3) { ctx.fillStyle = hex; ctx.fillRect(0, 0, cell, cell); } else drawPart(ctx, 0, 0, 1, 1, cell, hex, lookOf(piece));
    px = new Uint32Array(ctx.getImageData(0, 0, cell, cell).data.buffer);
    sprites.set(key, px);
  }
  return px;
}

/** Every stud of `grid` (rows of hex colours) as the family's 1x1 piece: the sprites' pixel
 * rows copied into one image, put on the canvas at once (far cheaper than a draw call per
 * stud: 128 x 128 studs in a few milliseconds). */
export function drawStuds(ctx, grid, cell, piece) {
  const h = grid.length, w = h ? grid[0].length : 0, W = w * cell;
  if (!w) return;
  const img = ctx.createImageData(W, h * cell);
  const out = new Uint32Array(img.data.buffer);
  grid.forEach((row, y) => row.forEach((hex, x) => {
    const px = sprite(piece, hex, cell);
    for (let r = 0, at = y * cell * W + x * cell; r < cell; r++, at += W) out.set(px.subarray(r * cell, (r + 1) * cell), at);
  }));
  ctx.putImageData(img, 0, 0);
}
