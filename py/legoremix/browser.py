"""The worker's entry points: the only module that knows it runs under Pyodide.

The web worker (web/worker.js) calls these functions with plain values (strings, numbers,
byte buffers) and gets JSON strings or bytes back. Page settings arrive as one JSON
object (see :func:`compute`); errors the user can fix come back as ``{"error": ...}``
instead of exceptions, so the page can show the message and keep its state.
"""
from __future__ import annotations

import gc
import json
from dataclasses import asdict

from . import _array, color, depth, dither, formats, image, palettes, pieces, pipeline, project, settings as settings_mod
from .match import InventoryError
from .settings import SettingsError

_pipeline = pipeline.Pipeline()
#: Work the best look within stock may do in the page (units of refine._Limit: studs visited by
#: the search), not seconds: the same settings give the same mosaic on any machine and at any
#: load, so a reload or a project opened again shows the mosaic the person saw (and printed).
#: About 0.4-0.6 s of CPython at 48x48 (often to convergence), 1-1.5 s in the page here
#: (docs/benchmarks.md, "Progressive best look in the page").
REFINE_WORK = 200_000
_pipeline.set_options(refine_work=REFINE_WORK)
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
             "canvas": s.canvas, "piece": s.piece, "total": s.total, "colors": len(s.studs),
             "studs": {str(k): n for k, n in s.studs.items()}}
            for s in palettes.sets().values()]
    colors = [c.to_dict() for c in palettes.colors().values()]
    return _ok(sets=sets, colors=colors, pieces={k: v[1] for k, v in palettes.PIECES.items()},
               metrics={k: m.label for k, m in color.METRICS.items()}, dithers=list(dither.DITHERS),
               dither_labels={k: dither.LABELS[k] for k in dither.DITHERS},
               backend=_array.backend(), max_studs=image.MAX_STUDS, max_copies=settings_mod.MAX_COPIES,
               defaults=settings_mod.defaults(), exports=formats.info(),
               part_sizes={k: pieces.sizes_of(k) for k in palettes.PIECES}, all_sizes=pieces.all_sizes(),
               part_catalogue=pieces.catalogue_json(), part_labels=pieces.known_parts())


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


def compute(settings_json: str, progress=None, scores: bool = True) -> str:
    """Make the mosaic for the page's settings; returns the result or ``{"error"}``.
    ``progress(fraction[, label])``: called while the best look within stock is refined (no
    label: the page's bar) and while a relief's plates are packed (label: the status line).
    ``scores=False``: without its colour differences (None), which the page asks for next
    with the same settings (then only they are computed): the mosaic shows sooner.

    Python's cycle collector is off while the pipeline runs: the stages allocate tuples by the
    ten thousand and keep big results, so its passes grew with the heap (in CPython the tonal
    adjustment at 128x128 took 25 ms with it, 14 ms without; 1.9 ms at 48x48 either way).
    What the stages make is freed by reference counting; the collector runs again after."""
    _state["mosaic"] = None  # a failure below must not leave an older mosaic exportable
    _pipeline.progress = progress
    was_enabled = gc.isenabled()
    try:
        s = project.configure(_pipeline, json.loads(settings_json))
        gc.disable()
        m = _pipeline.run(scores=scores)
    except SettingsError as e:
        return _settings_error(e)
    except InventoryError as e:
        return _ok(error=str(e), kind="inventory", **_inventory_fixes(e))
    except ValueError as e:  # image.ImageError and other problems a person can fix
        return _ok(error=str(e))
    finally:
        _pipeline.progress = None  # a JS function proxy: not kept beyond this call
        if was_enabled:
            gc.enable()
    _state["mosaic"], _state["settings"] = m, s.to_dict()
    d = m.to_dict()  # the one result format (also mosaic.json and the PDF worker's input)
    d["timings"] = {k: v for k, v in m.timings.items() if k != "backend"}
    d["backend"] = m.timings.get("backend")
    return _ok(**d)


#: Seconds auto adjust may take in the page (it returns the best adjustments found by then).
AUTO_ADJUST_BUDGET = 3.0


def _look_settings(settings_json: str):
    """The settings and photo for auto adjust and the set ranking (tone.py, rank.py)."""
    if _pipeline._image is None:
        raise ValueError("There is no photo yet: open one first.")
    return settings_mod.Settings.from_dict(json.loads(settings_json)), _pipeline._image


def auto_adjust(settings_json: str) -> str:
    """Auto adjust (legoremix.tone) for the current photo and the page's settings:
    ``{adjustments, error, start_error, default_error, evaluations, seconds}`` or ``{error}``."""
    from . import tone
    try:
        s, img = _look_settings(settings_json)
        r = tone.auto_adjust_for(img, s, AUTO_ADJUST_BUDGET)
    except SettingsError as e:
        return _settings_error(e)
    except ValueError as e:  # an inventory that cannot cover the mosaic, no photo
        return _ok(error=str(e))
    return _ok(adjustments=asdict(r.adjustments), error_after=r.error, start_error=r.start_error,
               default_error=r.default_error, evaluations=r.evaluations, seconds=r.seconds,
               description=tone.describe(r.adjustments))


def rank_sets(settings_json: str) -> str:
    """Which set fits this picture (legoremix.rank): the ranking for the current photo, crop
    and size, with thumbnails, and the cheapest additions to the person's pieces."""
    from . import rank
    try:
        s, img = _look_settings(settings_json)
        r = rank.rank(img, s)
    except SettingsError as e:
        return _settings_error(e)
    except ValueError as e:
        return _ok(error=str(e))
    return _ok(**r)


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
    o.update(image=_pipeline._image, settings=_state["settings"] or {}, depth=_pipeline._depth)
    return _to_js(fmt.write(m, o))


def pdf_from_result(result_json: str, options_json: str = "{}"):
    """The instructions PDF from a :func:`compute` result (used by the PDF worker, which
    has no pipeline of its own)."""
    m = pipeline.Mosaic.from_dict(json.loads(result_json))
    return _to_js(formats.get("pdf").write(m, json.loads(options_json or "{}")))


def inventory(op: str, args_json: str = "{}", data=None):
    """The inventory editor (legoremix.inventory_io): ``import`` a file's bytes (args: name)
    -> the inventory or ``{"error"}``; ``export`` the inventory of settings (args: settings)
    -> bytes of our inventory JSON; ``buy`` -> the last mosaic's shopping list (args:
    only_missing) as rows ``{id, name, hex, part, quantity}``."""
    from . import export, inventory_io
    args = json.loads(args_json or "{}")
    if op == "import":
        try:
            return _ok(**inventory_io.parse(_bytes(data), args.get("name", "")).to_dict())
        except inventory_io.InventoryFileError as e:
            return _ok(error=str(e))
    if op == "export":
        try:
            s = settings_mod.Settings.from_dict(args.get("settings"))
        except SettingsError as e:
            raise ValueError(str(e)) from None
        return _to_js(inventory_io.dumps(s.sets, s.custom, s.disabled, getattr(s, "custom_parts", {})).encode())
    if op == "buy":
        m = _state["mosaic"]
        if m is None:  # a newer compute is under way: the page asks again when it is done
            return _ok(rows=[], stale=True)
        try:
            rows = export.wanted_parts(m, args.get("only_missing")) + export.plate_rows(m)
        except export.ExportError:  # nothing is missing
            rows = export.plate_rows(m)
        labels = pieces.known_parts()
        return _ok(rows=[{"id": c.bricklink_id, "name": c.name, "hex": c.hex, "part": p,
                          "part_name": labels.get(p, p), "quantity": n} for c, p, n in rows])
    raise ValueError(f"There is no inventory operation called “{op}”.")


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
    _pipeline.set_depth(proj.depth)  # the relief's depth map, if the project has one
    _state["mosaic"] = None
    dm = proj.depth
    return _ok(settings=proj.settings, width=proj.image.width, height=proj.image.height,
               depth={"width": dm.width, "height": dm.height} if dm else None)


def project_file(settings_json: str):
    """A project file of the current image with ``settings`` exactly as given (not
    validated): how the page hands back an autosave it could not restore."""
    proj = project.Project(_pipeline._image, json.loads(settings_json), _pipeline._depth)
    return _to_js(project.dumps(proj).encode())


def depth_values():
    """The engine's depth map as float64 bytes (after opening a project with a relief: the
    page keeps it for the autosave and hands it back with ``set_depth_map``)."""
    from array import array
    dm = _pipeline._depth
    return _to_js(array("d", dm.values if dm else ()).tobytes())


def image_png():
    """The working image as PNG (for the page's preview after loading a project)."""
    img = _pipeline._image
    return _to_js(project.encode_png_rgba(img))


# -- 3D relief: depth maps (engine worker) and depth models (depth worker) -----------------

def set_depth_image(width: int, height: int, data) -> str:
    """Use a depth map picture (decoded RGBA, grey = depth, brighter = nearer) for the
    relief of the current photo."""
    try:
        dm = depth.from_image(image.RGBA(int(width), int(height), _bytes(data)))
    except (image.ImageError, depth.DepthError) as e:
        return _ok(error=str(e))
    img = _pipeline._image
    note = depth.shape_note(dm, (img.width, img.height)) if img is not None else None
    _pipeline.set_depth(dm)
    _state["mosaic"] = None
    return _ok(width=dm.width, height=dm.height, note=note)


def set_depth_map(width: int, height: int, data) -> str:
    """Use a depth map a model estimated (``width * height`` float32 values, from
    :func:`estimate_depth` in the depth worker), or float64 values (:func:`depth_values`)."""
    from array import array
    raw = _bytes(data)
    values = array("d" if len(raw) == 8 * int(width) * int(height) else "f")
    values.frombytes(raw[:len(raw) - len(raw) % values.itemsize])
    if len(values) != int(width) * int(height) or not len(values):
        return _ok(error="The depth map is incomplete. Estimate the depth again.")
    _pipeline.set_depth(depth.DepthMap(int(width), int(height), tuple(values)))
    _state["mosaic"] = None
    return _ok(width=int(width), height=int(height))


def clear_depth() -> str:
    """Back to a flat mosaic."""
    _pipeline.set_depth(None)
    _state["mosaic"] = None
    return _ok(cleared=True)


_models: dict = {}  # model key -> depth.Model (the session lives in the JS helper, one per model)


async def estimate_depth(width: int, height: int, data, key: str, model_data, background: str = "#ffffff"):
    """Depth worker: estimate the depth of a photo (RGBA) with a model file. The engine
    decides everything (which model, its names, the input tensor, the output's meaning);
    the thin JS helper ``self.ortRuntime`` (web/js/ort-runtime.js) only creates the
    onnxruntime-web session (once per model) and runs it. Returns ``(JSON, values)``:
    ``{width, height, label, model, backend}`` and the depth map's float32 values, or
    ``({"error"}, None)``."""
    from array import array

    import js
    from pyodide.ffi import to_js
    try:
        img = image.RGBA(int(width), int(height), _bytes(data))
        spec = _models.get(key)
        if spec is None:
            spec = depth.inspect(_bytes(model_data))
            try:
                names = await js.ortRuntime.load(key, model_data)
            except Exception as e:  # noqa: BLE001 - onnxruntime-web's own message, in a sentence
                raise depth.DepthError(f"The depth model could not be loaded: {_js_message(e)}") from None
            spec = depth.with_names(spec, list(names.inputs), list(names.outputs))
            _models.clear()  # the helper keeps one session at a time
            _models[key] = spec
        x = depth.preprocess(img, spec, color.hex_to_rgb8(background))
        tensor = js.Float32Array.new(to_js(x.tobytes()).buffer)
        try:
            out = await js.ortRuntime.run(key, spec.input, spec.output, tensor, to_js([1, 3, spec.height, spec.width]))
        except Exception as e:  # noqa: BLE001
            raise depth.DepthError(f"The depth model could not run: {_js_message(e)}") from None
        values = array("f")
        values.frombytes(js.Uint8Array.new(out.buffer, out.byteOffset, out.byteLength).to_bytes())
        dm = depth.postprocess(values, spec)
    except (image.ImageError, depth.DepthError) as e:
        return _ok(error=str(e)), None
    return _ok(width=dm.width, height=dm.height, label=spec.label, model=spec.to_dict(),
               backend=str(js.ortRuntime.backend)), _to_js(array("f", dm.values).tobytes())


def _js_message(e) -> str:
    text = str(e).strip().splitlines()[-1] if str(e).strip() else e.__class__.__name__
    return text if text.endswith(".") else text + "."
