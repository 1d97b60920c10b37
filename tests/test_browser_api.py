"""The worker's Python entry points, called as the worker calls them (in CPython here)."""
import csv
import gc
import io
import json

import pytest

from legoremix import browser, formats
from legoremix.settings import Settings


SETTINGS = {"size": [32, 32], "sets": {"31197": 1}, "metric": "ciede2000", "dither": "none"}


def load(photos, name="astronaut.png"):
    img = photos[name]
    r = json.loads(browser.set_image(img.width, img.height, bytearray(img.data)))
    assert (r["width"], r["height"]) == (img.width, img.height)


def test_info_lists_sets_and_options():
    info = json.loads(browser.info())
    assert len(info["sets"]) == 19 and "ciede2000" in info["metrics"] and "atkinson" in info["dithers"]
    assert info["backend"] in ("numpy", "pure")


def test_compute_and_every_export(photos):
    load(photos)
    r = json.loads(browser.compute(json.dumps(SETTINGS)))
    assert (r["width"], r["height"]) == (32, 32)
    assert all(n <= r["stock"][h] for h, n in r["counts"].items()) and sum(r["counts"].values()) == 1024
    assert r["grid"][0][0] in {c["hex"] for c in r["palette"]}  # the Mosaic.to_dict() format
    assert [f["name"] for f in json.loads(browser.info())["exports"]] == [f.name for f in formats.FORMATS]
    for kind in formats.BY_NAME:
        if kind == "pdf":  # the PDF worker's entry point, from the compute result
            data = bytes(browser.pdf_from_result(json.dumps(r), json.dumps({"section": 16})))
            assert data.startswith(b"%PDF")
        else:
            data = bytes(browser.export_file(kind, json.dumps({"section": 16, "only_missing": False})))
        assert len(data) > 50, kind
    rows = list(csv.DictReader(io.StringIO(bytes(browser.export_file("csv")).decode())))
    assert sum(int(x["count"]) for x in rows) == 1024


def test_errors_come_back_as_messages(photos):
    load(photos)
    r = json.loads(browser.compute(json.dumps({**SETTINGS, "sets": {"41948": 1}})))
    assert "studs are missing" in r["error"]
    assert (r["kind"], r["needed"], r["available"], r["largest_size"]) == ("inventory", 1024, 46, [6, 7])
    with pytest.raises(ValueError, match="no up-to-date mosaic"):  # the failed one is not exportable
        browser.export_file("png")
    r = json.loads(browser.compute(json.dumps({**SETTINGS, "sets": {}})))
    assert "at least one set" in r["error"] and r["fields"] == ["sets"]
    r = json.loads(browser.compute(json.dumps({**SETTINGS, "sets": {"99999": 1}, "metric": "nope", "size": [0, 9]})))
    assert r["fields"] == ["size", "metric", "sets"] and len(r["problems"]) == 3
    assert all(p[0].isupper() and p.endswith(".") for p in r["problems"])
    assert "error" in json.loads(browser.set_image(10, 10, b"123"))
    assert json.loads(browser.load_project(b"garbage"))["error"] == "This file is not a legoremix project: it could not be read."


def test_validate_and_hand_back_a_rejected_autosave(photos):
    load(photos)
    ok = json.loads(browser.validate(json.dumps({"sets": {"31197": 2}})))
    assert ok["settings"]["sets"] == {"warhol_marilyn_monroe": 2} and ok["settings"]["size"] == [48, 48]
    bad = {**SETTINGS, "sets": {"from_the_future": 1}}
    r = json.loads(browser.validate(json.dumps(bad)))
    assert "newer version" in r["error"]
    text = bytes(browser.project_file(json.dumps(bad))).decode()
    assert json.loads(text)["settings"] == bad  # handed back exactly as it was


def test_project_round_trip_through_the_worker_api(photos):
    load(photos, "coffee.png")
    settings = {**SETTINGS, "pins": [[1, 1, 11]], "dither": "atkinson"}
    first = json.loads(browser.compute(json.dumps(settings)))
    blob = bytes(browser.export_file("project"))
    load(photos, "chelsea.png")  # something else in between
    r = json.loads(browser.load_project(blob))
    assert r["settings"] == Settings.from_dict(settings).to_dict()
    again = json.loads(browser.compute(json.dumps(r["settings"])))
    assert again["grid"] == first["grid"]
    assert bytes(browser.image_png()).startswith(b"\x89PNG")


def test_the_mosaic_first_then_its_scores(photos):
    """The page asks for the mosaic without its colour differences (drawn sooner), then for
    them with the same settings: only the two score stages run, and the result is the very
    one a single full compute gives."""
    load(photos)
    full = json.loads(browser.compute(json.dumps(SETTINGS)))
    load(photos)  # a fresh photo: nothing cached
    first = json.loads(browser.compute(json.dumps(SETTINGS), None, False))
    assert first["grid"] == full["grid"] and first["counts"] == full["counts"]
    assert first["mean_delta_e"] is None and first["perceived_delta_e"] is None and first["delta_e"] is None
    assert gc.isenabled()  # off only while the pipeline runs
    runs = dict(browser._pipeline.stage_runs)
    scored = json.loads(browser.compute(json.dumps(SETTINGS)))
    assert {k for k, v in browser._pipeline.stage_runs.items() if v != runs.get(k)} == {"photo_seen", "scores"}
    assert {k: v for k, v in scored.items() if k != "timings"} == {k: v for k, v in full.items() if k != "timings"}
    pdf = bytes(browser.pdf_from_result(json.dumps(first), "{}"))  # the instructions of the unscored result too
    assert pdf.startswith(b"%PDF")
