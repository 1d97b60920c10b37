"""What drawing each piece family as it looks costs (issue 10): ``python scripts/bench_looks.py [--dist DIR]``.

- The page: the studs of a 128x128 mosaic drawn as they look (web/js/looks.js: one sprite per
  colour, its pixels copied for every stud) against the plain drawing the page had before (one
  path of circles or squares per colour), both timed in the same page, median of 7.
- The PDF: the 48x48 instructions with the overview drawn as the pieces look against the same
  document with plain studs (``instructions.LOOK_MM`` raised out of reach), same run.

Both print ratios against their yardstick (measured in the same run), so they compare across
machines.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_web import ARGS, READY, SERVER  # noqa: E402

DRAW = """async () => {
  const looks = await import('./js/looks.js');
  const m = (await import('./js/store.js')).state.mosaic;
  const c = document.querySelector('#mosaic'), ctx = c.getContext('2d'), cell = c.width / m.width;
  const plain = () => {  // the page's drawing before: one path per colour, plain circles or squares
    ctx.fillStyle = '#1b1b1b'; ctx.fillRect(0, 0, c.width, c.height);
    const round = m.piece.startsWith('round'), r = cell * 0.46, byHex = new Map();
    m.grid.forEach((row, y) => row.forEach((hex, x) => {
      if (!byHex.has(hex)) byHex.set(hex, []);
      byHex.get(hex).push(x, y);
    }));
    for (const [hex, xy] of byHex) {
      ctx.fillStyle = hex; ctx.beginPath();
      for (let i = 0; i < xy.length; i += 2) {
        const cx = xy[i] * cell + cell / 2, cy = xy[i + 1] * cell + cell / 2;
        if (round) { ctx.moveTo(cx + r, cy); ctx.arc(cx, cy, r, 0, 2 * Math.PI); }
        else ctx.rect(xy[i] * cell + .5, xy[i + 1] * cell + .5, cell - 1, cell - 1);
      }
      ctx.fill();
    }
  };
  const looked = () => looks.drawStuds(ctx, m.grid, cell, m.piece);
  const time = (f) => {
    const t = [];
    for (let i = 0; i < 7; i++) {
      const s = performance.now(); f(); ctx.getImageData(0, 0, 1, 1); t.push(performance.now() - s);
    }
    return t.sort((a, b) => a - b)[3];
  };
  looked(); plain();
  return { plain: time(plain), looks: time(looked), piece: m.piece, size: m.width, cell };
}"""


def page(dist: Path):
    from playwright.sync_api import sync_playwright

    from helpers import photo_path
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(root=str(ROOT), dist=str(dist))],
                            stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{proc.stdout.readline().split()[1]}/"
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            pg = b.new_page(viewport={"width": 1400, "height": 1000})
            pg.goto(url)
            pg.wait_for_selector(READY, timeout=60_000)
            pg.set_input_files("[data-testid=image-input]", photo_path("coffee.png"))
            pg.wait_for_selector("#dims:has-text('48 × 48')", timeout=60_000)
            pg.check("#unlimited")
            pg.click("[data-size='128']")
            pg.wait_for_selector("#dims:has-text('128 × 128')", timeout=120_000)
            for piece in ("round-tile", "round-plate", "square-tile", "square-plate", "brick"):
                pg.select_option("#piece", piece)
                pg.wait_for_timeout(300)
                pg.wait_for_selector(READY, timeout=120_000)
                r = pg.evaluate(DRAW)
                print(f"| page {r['size']}x{r['size']} ({r['cell']:.0f} px a stud) | {r['piece']} | "
                      f"{r['looks']:.1f} ms | {r['plain']:.1f} ms | {r['looks'] / r['plain']:.2f} |")
            b.close()
    finally:
        proc.terminate()


def pdf():
    from helpers import photo_path
    from legoremix import image, instructions, pipeline
    img = image.load(photo_path("coffee.png"))
    for piece in ("round-plate", "square-tile", "brick"):
        m = pipeline.make_mosaic(img, unlimited=True, size=(48, 48), piece=piece)
        looks, plain = [], []
        for _ in range(3):
            t = time.perf_counter()
            a = instructions.pdf(m)
            looks.append(time.perf_counter() - t)
            keep, instructions.LOOK_MM = instructions.LOOK_MM, float("inf")
            try:
                t = time.perf_counter()
                b = instructions.pdf(m)
                plain.append(time.perf_counter() - t)
            finally:
                instructions.LOOK_MM = keep
        lo, pl = statistics.median(looks), statistics.median(plain)
        print(f"| PDF 48x48 ({len(a) // 1000} kB, plain {len(b) // 1000} kB) | {piece} | {lo * 1000:.0f} ms | "
              f"{pl * 1000:.0f} ms | {lo / pl:.2f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", default=None, help="build the site here (default: a temporary folder)")
    args = ap.parse_args()
    print("| what | piece | as it looks | plain (yardstick) | ratio |")
    print("|---|---|---|---|---|")
    pdf()
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(args.dist or tmp)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(dist)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        page(dist)


if __name__ == "__main__":
    main()
