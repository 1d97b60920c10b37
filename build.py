#!/usr/bin/env python3
"""Assemble the deployable static site into dist/, and serve it.

    python3 build.py                 # build dist/
    python3 build.py serve           # build, then serve on http://127.0.0.1:8000
    python3 build.py --pyodide-packages DIR   # bundle numpy/Pillow wheels found in DIR
    python3 build.py --fetch-pyodide-packages # download them (needs the Pyodide CDN)
    python3 build.py --depth-model model-small.onnx   # bundle a depth model (see models/README.md)

What goes in (all pinned):
- Pyodide core and onnxruntime-web from npm (package.json + package-lock.json, npm ci);
- three.js from npm (the 3D view of a relief);
- a depth model when given with --depth-model FILE (sha256-checked against models/models.json);
- pure-Python wheels from PyPI (web/wheels.txt, sha256-pinned) and our own legoremix
  wheel built from py/;
- numpy and Pillow built for Pyodide, when available: file names and sha256 come from
  the pinned pyodide-lock.json; without them the site runs the engine's pure path;
- a pyodide-lock.json listing our wheels, so the worker loads everything from our origin;
- web/ (page, worker, styles), icons, and a service worker whose precache list and
  version are derived from the files' hashes (a new build replaces the old cache).

Re-running with nothing changed does almost no work (copies are skipped when size and
mtime match; wheels are cached in .cache/).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
WEB = ROOT / "web"
CACHE = ROOT / ".cache"
NODE = ROOT / "node_modules"
PYODIDE_CORE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
ORT_FILES = ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm",
             # WebGPU (used when the browser has it): the JSEP/asyncify build
             "ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm"]
#: three.js for the 3D view of a relief (precached: the view works offline; imported only when opened).
#: OrbitControls imports the bare name 'three': rewritten to the local file (no import map under the CSP).
THREE_FILES = {"build/three.module.js": "three.module.js", "build/three.core.js": "three.core.js",
               "examples/jsm/controls/OrbitControls.js": "OrbitControls.js"}
#: the depth models build.py --depth-model accepts (name, size, sha256; see models/README.md)
MODELS = ROOT / "models" / "models.json"
PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
#: name -> (imports, depends) for wheels we add to the lock file
WHEEL_META = {
    "micropip": (["micropip"], ["packaging"]),
    "packaging": (["packaging"], []),
    "fpdf2": (["fpdf"], ["fonttools", "defusedxml"]),
    "fonttools": (["fontTools"], []),
    "defusedxml": (["defusedxml"], []),
    "legoremix": (["legoremix"], []),
}
#: heavy optional parts: cached by the service worker when first used (then offline),
#: never precached; everything else (page modules included) is precached at install
ON_DEMAND_PREFIXES = ("ort/", "models/", "wheels/fpdf2-", "wheels/fonttools-", "wheels/defusedxml-",
                      "wheels/micropip-", "wheels/packaging-")
MIME = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
        ".whl": "application/zip", ".zip": "application/zip", ".json": "application/json",
        ".webmanifest": "application/manifest+json", ".onnx": "application/octet-stream",
        ".svg": "image/svg+xml", ".css": "text/css", ".html": "text/html"}
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
       "img-src 'self' blob: data:; style-src 'self'; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def log(msg):
    print(f"build: {msg}", flush=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def copy(src: Path, dst: Path) -> bool:
    """Copy unless ``dst`` already has the same size and mtime. True if copied."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        a, b = src.stat(), dst.stat()
        if a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime):
            return False
    shutil.copy2(src, dst)
    return True


def npm_install():
    """``npm ci`` when node_modules does not match package-lock.json."""
    lock = ROOT / "package-lock.json"
    stamp = NODE / ".legoremix-lock-sha256"
    want = sha256(lock)
    if stamp.exists() and stamp.read_text() == want and (NODE / "pyodide" / "pyodide.mjs").exists():
        return
    log("npm ci (Pyodide, onnxruntime-web)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ROOT, check=True)
    stamp.write_text(want)


def download_wheels() -> list[Path]:
    """The pinned pure-Python wheels (cached in .cache/wheels, hashes checked by pip)."""
    dest = CACHE / "wheels"
    reqs = WEB / "wheels.txt"
    stamp = dest / ".sha256"
    names = [l.split("==")[0] for l in reqs.read_text().splitlines() if l and not l.startswith("#")]
    have = sorted(dest.glob("*.whl")) if dest.exists() else []
    if not (stamp.exists() and stamp.read_text() == sha256(reqs) and len(have) == len(names)):
        log("downloading browser wheels from PyPI (hash-checked)")
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--platform", "any", "--python-version", "3.14", "--implementation", "py",
                        "--require-hashes", "-r", str(reqs), "-d", str(dest)], check=True)
        stamp.write_text(sha256(reqs))
        have = sorted(dest.glob("*.whl"))
    return have


def own_wheel() -> Path:
    """Our engine as a wheel, rebuilt only when py/ or pyproject.toml change."""
    h = hashlib.sha256()
    files = sorted(p for p in (ROOT / "py").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for p in files + [ROOT / "pyproject.toml"]:
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    dest = CACHE / "own" / h.hexdigest()[:16]
    found = list(dest.glob("legoremix-*.whl")) if dest.exists() else []
    if found:
        return found[0]
    log("building the legoremix wheel")
    shutil.rmtree(CACHE / "own", ignore_errors=True)
    dest.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dest), str(ROOT)],
                   check=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    return next(dest.glob("legoremix-*.whl"))


def pyodide_packages(lock: dict, src_dir: Path | None, fetch: bool, names=("numpy", "pillow")) -> dict:
    """numpy/Pillow wheels for Pyodide: name -> path, each checked against the lock's sha256.

    From ``src_dir`` if given, else downloaded when ``fetch``; missing ones are reported.
    """
    out = {}
    dest = CACHE / "pyodide-packages"
    dest.mkdir(parents=True, exist_ok=True)
    version = lock["_pyodide_version"]
    for name in names:
        entry = lock["packages"][name]
        fname, want = entry["file_name"], entry["sha256"]
        target = dest / fname
        if src_dir is not None and (src_dir / fname).exists():
            shutil.copy2(src_dir / fname, target)
        elif fetch and not target.exists():
            url = PYODIDE_CDN.format(version=version) + fname
            try:
                with urllib.request.urlopen(url, timeout=20) as r, open(target, "wb") as f:
                    shutil.copyfileobj(r, f)
            except OSError as e:
                target.unlink(missing_ok=True)
                log(f"{name}: could not download {fname} ({e.__class__.__name__}: {e})")
        if target.exists():
            if sha256(target) != want:
                target.unlink()
                raise SystemExit(f"build: {fname}: sha256 mismatch with pyodide-lock.json; refusing it")
            out[name] = target
    return out


def lock_entry(name: str, version: str, wheel: Path) -> dict:
    imports, depends = WHEEL_META.get(name, ([name], []))
    return {"name": name, "version": version, "file_name": f"../wheels/{wheel.name}",
            "install_dir": "site", "sha256": sha256(wheel), "package_type": "package",
            "imports": imports, "depends": depends, "tool": {}, "unvendored_tests": False}


def wheel_name_version(wheel: Path):
    parts = wheel.name.split("-")
    return parts[0].lower().replace("_", "-"), parts[1]


def make_lock(base: dict, wheels: list[Path], bundled: dict) -> dict:
    """Pyodide's lock file plus our wheels (served from ../wheels/ relative to pyodide/).

    numpy/Pillow keep their entries (pointing at our copies) only when bundled; without
    them the entries are dropped so nothing ever asks another origin for them."""
    lock = json.loads(json.dumps(base))
    lock.pop("_pyodide_version", None)
    for w in wheels:
        name, version = wheel_name_version(w)
        lock["packages"][name] = lock_entry(name, version, w)
    for name in ("numpy", "pillow"):
        if name in bundled:
            lock["packages"][name]["file_name"] = f"../wheels/{bundled[name].name}"
        else:
            lock["packages"].pop(name, None)
    return lock


def make_icons(out: Path):
    """App icons: a little mosaic drawn by the engine's own PNG renderer."""
    sys.path.insert(0, str(ROOT / "py"))
    from legoremix import export, palettes
    from legoremix.pipeline import Mosaic
    cols = palettes.colors()
    pal = [cols[11], cols[3], cols[5], cols[7], cols[1]]
    pattern = ["0000000000000000", "0111110022222220", "0111110022222220", "0111110022222220",
               "0111110333333330", "0000000333333330", "0444440333333330", "0444440333333330",
               "0444440000000000", "0444440111111110", "0444440111111110", "0000000111111110",
               "0222222111111110", "0222222111111110", "0222222000000000", "0000000000000000"]
    grid = [[int(c) for c in row] for row in pattern]
    m = Mosaic(width=16, height=16, grid=grid, palette=pal, counts=[0] * 5, stock=None, owned=None,
               delta_e=[], mean_delta_e=0.0, piece="round-plate")
    for px, cell in ((192, 12), (512, 32)):
        data = export.render_png(m, cell=cell)
        (out / "icons").mkdir(parents=True, exist_ok=True)
        path = out / "icons" / f"icon-{px}.png"
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def write_if_changed(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def service_worker(out: Path) -> dict:
    """Fill web/sw.js with the precache lists and a version derived from file hashes."""
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name not in ("sw.js", "_headers"))
    core, on_demand, integrity = [], [], {}
    h = hashlib.sha256()
    for p in files:
        rel = p.relative_to(out).as_posix()
        digest = sha256(p)
        h.update(rel.encode() + digest.encode())
        integrity[rel] = "sha256-" + base64.b64encode(bytes.fromhex(digest)).decode()
        (on_demand if rel.startswith(ON_DEMAND_PREFIXES) else core).append(rel)
    integrity["./"] = integrity.get("index.html", "")
    version = h.hexdigest()[:12]
    sw = (WEB / "sw.js").read_text()
    sw = sw.replace("__VERSION__", version).replace('"__CORE__"', json.dumps(["./"] + core)) \
           .replace('"__ON_DEMAND__"', json.dumps(on_demand)).replace('"__INTEGRITY__"', json.dumps(integrity))
    write_if_changed(out / "sw.js", sw)
    return {"version": version, "core": core, "on_demand": on_demand}


def check_depth_model(path: Path, known: list) -> dict:
    """The entry of ``known`` (models/models.json) whose sha256 the file has, or SystemExit
    saying why the file is refused."""
    if not path.is_file():
        raise SystemExit(f"build: --depth-model {path}: there is no such file.")
    digest = sha256(path)
    for entry in known:
        if entry["sha256"] == digest:
            return entry
    names = ", ".join(f"{e['label']} ({e['file']}, {e['size']:,} bytes)" for e in known)
    raise SystemExit(f"build: --depth-model {path}: its sha256 {digest} is not that of a supported depth "
                     f"model ({names}); see models/README.md. Refusing it.")


def bundle_depth_model(out: Path, path: Path | None) -> dict | None:
    """Copy a supported depth model into dist/models/ (hash-checked); its build-info entry."""
    folder = out / "models"
    if path is None:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    entry = check_depth_model(Path(path), json.loads(MODELS.read_text())["models"])
    for old in folder.glob("*") if folder.exists() else []:
        if old.name != entry["file"]:
            old.unlink()
    copy(Path(path), folder / entry["file"])
    log(f"depth model bundled: {entry['label']} (models/{entry['file']}, sha256 checked)")
    return {"file": f"models/{entry['file']}", "label": entry["label"], "sha256": entry["sha256"],
            "size": entry["size"]}


def build(out: Path, pyodide_dir: Path | None = None, fetch: bool = False, depth_model: Path | None = None) -> dict:
    t0 = time.perf_counter()
    npm_install()
    out.mkdir(parents=True, exist_ok=True)
    pyo = NODE / "pyodide"
    base_lock = json.loads((pyo / "pyodide-lock.json").read_text())
    base_lock["_pyodide_version"] = json.loads((pyo / "package.json").read_text())["version"]
    for f in PYODIDE_CORE:
        copy(pyo / f, out / "pyodide" / f)
    for f in ORT_FILES:
        copy(NODE / "onnxruntime-web" / "dist" / f, out / "ort" / f)
    for src, name in THREE_FILES.items():
        text = (NODE / "three" / src).read_text(encoding="utf-8")
        write_if_changed(out / "three" / name, text.replace("from 'three';", "from './three.module.js';"))
    model = bundle_depth_model(out, depth_model)
    wheels = download_wheels() + [own_wheel()]
    bundled = pyodide_packages(base_lock, pyodide_dir, fetch)
    wheel_dir = out / "wheels"
    keep = {w.name for w in wheels} | {p.name for p in bundled.values()}
    if wheel_dir.exists():
        for old in wheel_dir.glob("*.whl"):
            if old.name not in keep:
                old.unlink()
    for w in wheels + list(bundled.values()):
        copy(w, wheel_dir / w.name)
    lock = make_lock(base_lock, wheels, bundled)
    write_if_changed(out / "pyodide" / "pyodide-lock.json", json.dumps(lock, indent=1, sort_keys=True))
    for src in WEB.rglob("*"):
        if src.is_file() and src.name not in ("sw.js", "wheels.txt"):
            copy(src, out / src.relative_to(WEB))
    make_icons(out)
    boot = {f"pyodide/{f}": (out / "pyodide" / f).stat().st_size for f in ("pyodide.asm.wasm", "python_stdlib.zip")}
    info = {"numpy": "numpy" in bundled, "pillow": "pillow" in bundled, "boot_files": boot, "depth_model": model,
            "pyodide": base_lock["_pyodide_version"],
            "legoremix": wheel_name_version(wheels[-1])[1]}
    write_if_changed(out / "build-info.json", json.dumps(info, indent=1, sort_keys=True))
    write_if_changed(out / "_headers", "/*\n" + "".join(f"  {k}: {v}\n" for k, v in HEADERS.items()))
    sw = service_worker(out)
    missing = [n for n in ("numpy", "Pillow") if n.lower() not in bundled]
    if missing:
        log(f"{' and '.join(missing)} for Pyodide: not bundled (they come only from the Pyodide CDN; "
            "use --fetch-pyodide-packages online or --pyodide-packages DIR). The site uses the "
            "engine's pure-Python path.")
    else:
        log("numpy and Pillow for Pyodide bundled (sha256 checked): the site uses the numpy path")
    log(f"dist ready in {time.perf_counter() - t0:.1f} s: {out} (service worker {sw['version']}, "
        f"{len(sw['core'])} core files, {len(sw['on_demand'])} cached when first used)")
    return info


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the site's security headers and correct MIME types."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def end_headers(self):
        for k, v in HEADERS.items():
            self.send_header(k, v)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("LEGOREMIX_SERVE_LOG"):
            super().log_message(fmt, *args)


def serve(directory: Path, host: str, port: int):
    handler = lambda *a, **k: Handler(*a, directory=str(directory), **k)  # noqa: E731
    with http.server.ThreadingHTTPServer((host, port), handler) as httpd:
        print(f"serving {directory} on http://{host}:{httpd.server_address[1]}/ (Ctrl+C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", nargs="?", default="build", choices=("build", "serve"))
    ap.add_argument("--out", default=str(ROOT / "dist"))
    ap.add_argument("--pyodide-packages", metavar="DIR", help="folder holding numpy/Pillow Pyodide wheels")
    ap.add_argument("--fetch-pyodide-packages", action="store_true",
                    help="download numpy/Pillow for Pyodide from the Pyodide CDN (hash-checked)")
    ap.add_argument("--depth-model", metavar="FILE",
                    help="bundle a supported depth model (.onnx, sha256-checked against models/models.json)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    out = Path(args.out).resolve()
    build(out, Path(args.pyodide_packages) if args.pyodide_packages else None, args.fetch_pyodide_packages,
          Path(args.depth_model) if args.depth_model else None)
    if args.command == "serve":
        serve(out, args.host, args.port)


if __name__ == "__main__":
    main()
