"""Run both benchmarks and rewrite docs/benchmarks.md with their output.

    python scripts/update_benchmarks.py
"""
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADER = """# Benchmarks

Figures printed by the benchmark scripts on the project's 2-core x86_64 machine, kept here
so progress is visible. Regenerate with `python scripts/update_benchmarks.py`.

## Engine (`python -m legoremix.bench`)

Targets (issue 2, numpy path): 48x48 full pipeline with CIEDE2000 and a set inventory
<= 50 ms; 128x128 <= 300 ms; pure path 48x48 <= 300 ms; CLI peak memory on a
24-megapixel JPEG <= 600 MB. "LP gap" is the solver's total cost over the LP optimum
found by scipy's HiGHS; "same grid": the numpy and pure paths made identical mosaics.
The 128x128 case uses enough copies of the World Map set (31203) to cover 16384 studs.
Stage "match" includes the cost matrix; "prepare" is the linear-light downscale from the
decoded photo.

"""

WEB = """
## Web app (`python scripts/bench_web.py`)

Targets (issue 3): cold start <= 4 s, warm start <= 2.5 s, page usable after <= 16 MB,
a 48x48 slider change shown within 150 ms on the pure-Python path (the inventory-optimal
mosaic within 600 ms: our single answer is already the optimal one), 128x128 within 3 s;
96x48 PDF in the browser <= 2 s and <= 1 MB (issue 4). Latencies are measured in the page,
from the change to the new mosaic drawn. Most of a cold or warm start is Pyodide's own
boot (about 1.6 s here).

"""


QUALITY = """
## Quality: what the eye sees (`python scripts/bench_quality.py`, issue 12)

The perceived error (`perceived_delta_e`, `legoremix/perceive.py`) is the mean CIEDE2000
between the photo and the mosaic after both are blurred by a Gaussian of sigma = 1 stud in
linear light (S-CIELAB style, Zhang & Wandell 1996), round studs seen mixed with the
baseplate (coverage pi/4). Cells: perceived / flat mean CIEDE2000 (stud by stud), 48x48,
round tiles, on ten scikit-image samples chosen for variety (portraits, an outdoor scene,
dark, low-contrast and graphic images; the offline set holds no true landscape) and two
sets: 31197 (7 colours, 629 black) and 31201 (12 colours).

- "2-phase" is **our reconstruction** of the seed app's default (every stud its nearest
  colour, then each colour over its stock keeps its best-matched studs and the others take
  their nearest colour with pieces left), matched like ours (CIEDE2000, baseplate mix).
  The seed app is not available here, so the issue's goal "at least 25 % below the seed's
  default" is measured against this reconstruction only.
- "refine" is `--refine` as the CLI runs it: to convergence, from the two best-looking of
  {optimal assignment, chosen dithering, Floyd-Steinberg within stock}.
- Against the 2-phase baseline the refined mosaic is 13-86 % lower (mean 44 %); 15 of the
  20 pairs reach the 25 % goal. The five that do not are three photos with the 7-colour
  set 31197 (rocket -19 %, hubble -13 %, colour wheel -14 %) and two graphics with 31201
  (logo -20 %, colour wheel -15 %). With 31197 the two dark photos are bounded by the
  stock: 1500 of the 2304 studs must be bright pinks, azure or yellow, so the blurred
  mosaic's mean lightness cannot fall much below L* 55 against the photo's L* of about 13;
  the colour wheel needs hues the set lacks. The refined mosaic is never worse than the
  flat optimum (9-84 % lower here).
- Times were measured while the machine was shared with other jobs (load average 4-6 on
  its 2 cores), so the wall-clock times are inflated about 3x; the CPU time of the
  benchmark process is the fairer figure. Both paths run the same scalar code for the
  refinement (identical grids), so numpy does not speed it up. In the page, refining runs
  with a time budget of 1.5 s for the whole stage and returns the best mosaic found by
  then (last column: the same budget in CPython). In headless Chromium on the pure path,
  ticking "Best look within stock" for chelsea.png at 48x48 with 31197 took 1.6-1.7 s of
  compute and lowered the perceived error from 19.35 to 8.81 (8.59 when run to the end);
  `tests/e2e/test_quality_page.py` prints that time (a figure, not a test: machines vary 2x).

"""


RELIEF = """
## 3D relief plates (`python scripts/bench_relief.py`, issue 9)

Plates under each relief layer on a real depth map (the Middlebury 2014 "Motorcycle" ground-truth
disparity with its photo, from the scikit-image wheel): greedy (largest-first, the seed app), ours
(`legoremix.relief.plates`, `packing.pack` per layer) and the exact optimum (scipy HiGHS, benchmark
only); 14 plate sizes, 16-stud sections; ours timed on the pure-Python path, cold cache.

"""


RELIEF_WEB = """
## 3D relief in the page (`python scripts/bench_relief_web.py`)

The relief's time in the real page (headless Chromium, the engine's pure-Python path in Pyodide):
from a change to the new 48x48 mosaic drawn (the page's `data-latency`), the Motorcycle depth map
uploaded as a grey picture, 3 levels. The yardstick is the same page's flat 48x48 mosaic after a
saturation step, measured at the start and at the end of the same run; the ratios are what to
compare between runs (this machine's load changes the milliseconds several-fold: the load average
was about 30 on 2 cores during the run below). Depth models: onnxruntime-web runs them in the depth
worker, WASM (SIMD, 2 threads when cross-origin isolated) by default; in headless Chromium here,
`--enable-unsafe-webgpu` (with the GPU process not disabled) offers a SwiftShader WebGPU adapter and
the WebGPU backend gives the native depth map within 1e-4 (`tests/e2e/test_relief_more.py`);
`--enable-features=Vulkan` and `--use-webgpu-adapter=swiftshader` were not needed; with
`--disable-gpu` (the other browser tests) `requestAdapter()` gives null and the WASM fallback runs.

"""


def run(args):
    r = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return "\n".join(l for l in r.stdout.splitlines() if not l.startswith("build:"))


def main():
    engine = run(["-m", "legoremix.bench"])
    web = run(["scripts/bench_web.py"])
    quality = run(["scripts/bench_quality.py"])
    relief = run(["scripts/bench_relief.py"])
    relief_web = run(["scripts/bench_relief_web.py"])
    text = (HEADER + engine + "\n" + WEB + web + "\n" + QUALITY + quality + "\n" + RELIEF + relief
            + "\n" + RELIEF_WEB + relief_web
            + f"\n\n_Updated {time.strftime('%Y-%m-%d')}._\n")
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
