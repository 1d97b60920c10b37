"""The worker's entry points: the only module that knows it runs under Pyodide.

The web worker (web/worker.js) calls these functions with plain values (strings, numbers,
byte buffers) and gets JSON strings or bytes back. Page settings arrive as one JSON
object (see :func:`compute`); errors the user can fix come back as ``{"error": ...}``
instead of exceptions, so the page can show the message and keep its state.
"""
from __future__ import annotations

import json

from . import _array, color, dither, formats, image, palettes, pipeline, project, settings as settings_mod
from .match import InventoryError
from .settings import SettingsError

_pipeline = pipeline.Pipeline()
_state = {"mosaic": None, "settings": None}


def _bytes(data) -> bytes:
    if hasattr(data, "to_py"):  # a JS typed array proxy
        data = data.to_py()
    return bytes(data)


def _to_js(data: bytes):
    try:
        from pyodide.ffi import to_js
    except ImportError:  # CPython (tests)
        return data
    return to_js(memoryview(data))


def _ok(**payload) -> str:
    return json.dumps(payload, separators=(",", ":"))


def info() -> str:
    """What the page needs to build its controls."""
    sets = [{"id": s.id, "number": s.set_number, "name": s.name, "short": s.short_name,
             "canvas": s.canvas, "piece": s.piece, "total": s.total, "colors": len(s.studs)}
            for s in palettes.sets().values()]
    colors = [c.to_dict() for c in palettes.colors().values()]
    return _ok(sets=sets, colors=colors, pieces={k: v[1] for k, v in palettes.PIECES.items()},
               metrics={k: m.label for k, m in color.METRICS.items()}, dithers=list(dither.DITHERS),
               backend=_array.backend(), max_studs=image.MAX_STUDS, max_copies=settings_mod.MAX_COPIES,
               defaults=settings_mod.defaults(), exports=formats.info())


def _settings_error(e: SettingsError) -> str:
    return _ok(error=str(e), problems=e.problems, fields=e.fields)


def validate(settings_json: str) -> str:
    """Check a settings object (e.g. an autosave) without applying it: returns
    ``{"settings": normalised}`` or ``{"error", "problems", "fields"}``."""
    try:
        s = settings_mod.Settings.from_dict(json.loads(settings_json))
    except SettingsError as e:
        return _settings_error(e)
    except ValueError:
        return _ok(error="The settings could not be read.", problems=[], fields=[])
    return _ok(settings=s.to_dict())


def set_image(width: int, height: int, data) -> str:
    try:
        _pipeline.set_image(image.RGBA(int(width), int(height), _bytes(data)))
    except image.ImageError as e:
        return _ok(error=str(e))
    _state["mosaic"] = None
    return _ok(width=int(width), height=int(height))


def compute(settings_json: str) -> str:
    """Make the mosaic for the page's settings; returns the result or ``{"error"}``."""
    _state["mosaic"] = None  # a failure below must not leave an older mosaic exportable
    try:
        s = project.configure(_pipeline, json.loads(settings_json))
        m = _pipeline.run()
    except SettingsError as e:
        return _settings_error(e)
    except InventoryError as e:
        return _ok(error=str(e), kind="inventory", **_inventory_fixes(e))
    except ValueError as e:  # image.ImageError and other problems a person can fix
        return _ok(error=str(e))
    _state["mosaic"], _state["settings"] = m, s.to_dict()
    d = m.to_dict()  # the one result format (also mosaic.json and the PDF worker's input)
    d["timings"] = {k: v for k, v in m.timings.items() if k != "backend"}
    d["backend"] = m.timings.get("backend")
    return _ok(**d)


def _inventory_fixes(e: InventoryError) -> dict:
    """Ways out of a too-small inventory, for the page's one-click buttons."""
    d = dict(e.details)
    w, h = _pipeline.options.size
    if "available" in d:
        d["largest_size"] = image.largest_size(w, h, d["available"])
    return d


def export_file(kind: str, options_json: str = "{}"):
    """Bytes of an export of the last mosaic (see :mod:`legoremix.formats`); ``options``:
    cell, grid, section, only_missing. PDFs come from :func:`pdf_from_result` in the PDF
    worker (fpdf2 is loaded there only)."""
    m = _state["mosaic"]
    if m is None:
        raise ValueError("There is no up-to-date mosaic to save yet: make one first.")
    fmt = formats.get(kind)
    o = json.loads(options_json or "{}")
    o.update(image=_pipeline._image, settings=_state["settings"] or {})
    return _to_js(fmt.write(m, o))


def pdf_from_result(result_json: str, options_json: str = "{}"):
    """The instructions PDF from a :func:`compute` result (used by the PDF worker, which
    has no pipeline of its own)."""
    m = pipeline.Mosaic.from_dict(json.loads(result_json))
    return _to_js(formats.get("pdf").write(m, json.loads(options_json or "{}")))


def export_meta(kind: str) -> str:
    fmt = formats.get(kind)
    return _ok(name=fmt.file, mime=fmt.mime)


def load_project(data) -> str:
    """Open a project file: sets the image and returns the settings and the image as PNG."""
    try:
        proj = project.loads(_bytes(data).decode("utf-8"))
    except UnicodeDecodeError:
        return _ok(error="This file is not a legoremix project: it is not text.")
    except project.ProjectError as e:
        return _ok(error=str(e))
    _pipeline.set_image(proj.image)
    _state["mosaic"] = None
    return _ok(settings=proj.settings, width=proj.image.width, height=proj.image.height)


def project_file(settings_json: str):
    """A project file of the current image with ``settings`` exactly as given (not
    validated): how the page hands back an autosave it could not restore."""
    proj = project.Project(_pipeline._image, json.loads(settings_json))
    return _to_js(project.dumps(proj).encode())


def image_png():
    """The working image as PNG (for the page's preview after loading a project)."""
    img = _pipeline._image
    return _to_js(project.encode_png_rgba(img))
