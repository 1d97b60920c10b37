"""Unit tests for build.py's parts (the full build is exercised by the e2e tests)."""
import hashlib
import importlib.util
import json
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build", ROOT / "build.py")
build = importlib.util.module_from_spec(spec)
sys.modules["build"] = build
spec.loader.exec_module(build)


def fake_wheel(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(name.encode())
    return p


def test_lock_lists_our_wheels_and_drops_unbundled_numpy(tmp_path):
    base = {"info": {}, "packages": {"numpy": {"file_name": "numpy.whl"}, "pillow": {"file_name": "p.whl"},
                                      "micropip": {"file_name": "cdn.whl"}}, "_pyodide_version": "1"}
    wheels = [fake_wheel(tmp_path, "fpdf2-2.8.9-py3-none-any.whl"), fake_wheel(tmp_path, "legoremix-0.1.0-py3-none-any.whl"),
              fake_wheel(tmp_path, "micropip-0.11.1-py3-none-any.whl")]
    lock = build.make_lock(base, wheels, bundled={})
    assert "numpy" not in lock["packages"] and "pillow" not in lock["packages"]
    e = lock["packages"]["fpdf2"]
    assert e["file_name"] == "../wheels/fpdf2-2.8.9-py3-none-any.whl"
    assert e["sha256"] == hashlib.sha256(b"fpdf2-2.8.9-py3-none-any.whl").hexdigest()
    assert e["imports"] == ["fpdf"] and set(e["depends"]) == {"fonttools", "defusedxml"}
    assert lock["packages"]["micropip"]["file_name"].startswith("../wheels/")
    assert set(e) >= {"name", "version", "install_dir", "package_type", "tool", "unvendored_tests"}
    bundled = build.make_lock(base, wheels, bundled={"numpy": tmp_path / "numpy-2.whl"})
    assert bundled["packages"]["numpy"]["file_name"] == "../wheels/numpy-2.whl"


def test_pyodide_packages_checks_hashes(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "CACHE", tmp_path / "cache")
    src = tmp_path / "src"
    src.mkdir()
    (src / "numpy-x.whl").write_bytes(b"real numpy")
    lock = {"_pyodide_version": "1", "packages": {
        "numpy": {"file_name": "numpy-x.whl", "sha256": hashlib.sha256(b"real numpy").hexdigest()},
        "pillow": {"file_name": "pillow-x.whl", "sha256": "0" * 64}}}
    got = build.pyodide_packages(lock, src, fetch=False)
    assert set(got) == {"numpy"}
    (src / "pillow-x.whl").write_bytes(b"tampered")
    with pytest.raises(SystemExit, match="sha256 mismatch"):
        build.pyodide_packages(lock, src, fetch=False)


def test_service_worker_lists_and_version(tmp_path, monkeypatch):
    out = tmp_path / "dist"
    for rel, data in {"index.html": "a", "app.js": "b", "pyodide/pyodide.mjs": "c", "ort/ort.wasm.min.mjs": "d",
                      "wheels/fpdf2-2.8.9-py3-none-any.whl": "e", "wheels/legoremix-0.1.0-py3-none-any.whl": "f",
                      "js/some-new-module.js": "g", "models/depth.onnx": "h"}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(data)
    sw = build.service_worker(out)
    assert "pyodide/pyodide.mjs" in sw["core"] and "wheels/legoremix-0.1.0-py3-none-any.whl" in sw["core"]
    assert "js/some-new-module.js" in sw["core"]  # page modules are precached without being named
    # heavy optional parts are cached when first used, never precached
    assert set(sw["on_demand"]) == {"ort/ort.wasm.min.mjs", "wheels/fpdf2-2.8.9-py3-none-any.whl", "models/depth.onnx"}
    text = (out / "sw.js").read_text()
    assert sw["version"] in text and "__CORE__" not in text and "__VERSION__" not in text
    import base64
    sri = "sha256-" + base64.b64encode(hashlib.sha256(b"b").digest()).decode()
    assert f'"app.js": "{sri}"' in text  # every file pinned by Subresource Integrity
    v1 = sw["version"]
    (out / "app.js").write_text("changed")
    assert build.service_worker(out)["version"] != v1  # a new build gets a new cache


def test_copy_skips_unchanged(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b" / "a"
    a.write_text("x")
    assert build.copy(a, b) is True
    assert build.copy(a, b) is False


def test_server_sends_headers_and_mime_types(tmp_path):
    (tmp_path / "x.wasm").write_bytes(b"\0asm")
    (tmp_path / "y.mjs").write_text("export {}")
    handler = lambda *a, **k: build.Handler(*a, directory=str(tmp_path), **k)  # noqa: E731
    httpd = build.http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/x.wasm") as r:
            assert r.headers["Content-Type"] == "application/wasm"
            assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
            assert r.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
            assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/y.mjs") as r:
            assert r.headers["Content-Type"] == "text/javascript"
    finally:
        httpd.shutdown()


def test_wheels_are_pinned_with_hashes():
    lines = [l for l in (ROOT / "web" / "wheels.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert {l.split("==")[0] for l in lines} == {"micropip", "packaging", "fpdf2", "fonttools", "defusedxml"}
    assert all("--hash=sha256:" in l for l in lines)
    pkg = json.loads((ROOT / "package.json").read_text())
    assert all(v[0].isdigit() for v in pkg["dependencies"].values())  # exact versions
