"""Projects: the working image plus every setting, saved as one file and loaded back to
the exact same mosaic.

A project file is JSON (``.legoremix``)::

    {"format": "legoremix-project", "version": 1,
     "settings": {...},                      # see legoremix.settings
     "image": {"width": W, "height": H, "png": "<base64 PNG, 8-bit RGBA>"},
     "depth": {"width": w, "height": h, "values": "<base64 zlib float64 LE>"}}  # 3D relief only

The image is stored losslessly (PNG, ISO/IEC 15948) so loading gives identical pixels; a
relief's depth map (over the whole photo, see :class:`legoremix.depth.DepthMap`) as the
engine holds it, little-endian IEEE 754 doubles deflated (RFC 1950), so the reopened
project gives the same heights. Files without ``depth`` are flat mosaics.
:func:`loads` checks the whole file (format, version, image, every setting) before
returning anything, so a damaged file or one from a newer version never reaches the
pipeline half-applied.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import struct
import zlib
from dataclasses import dataclass, field

from . import depth as depth_mod, export, image, palettes, pieces, pipeline
from .settings import Settings, SettingsError

FORMAT = "legoremix-project"
VERSION = 1


class ProjectError(ValueError):
    """A project file that cannot be opened (the message says why, for a person)."""


DAMAGED = "The photo inside this project file is damaged"
DEPTH_DAMAGED = "The 3D relief's depth map inside this project file is damaged"
#: Largest depth map a project may hold (a model's output or a picture reduced to
#: depth.MAX_MAP_SIDE is far smaller): refused before anything is inflated.
MAX_DEPTH_VALUES = 2048 * 2048


@dataclass
class Project:
    image: image.RGBA
    settings: dict = field(default_factory=dict)
    depth: depth_mod.DepthMap | None = None  # the 3D relief's depth map, if any


def configure(p: pipeline.Pipeline, settings) -> Settings:
    """Set a pipeline's options, palette and pins from settings (a :class:`Settings` or
    its JSON form, validated first: nothing is applied when anything is wrong)."""
    s = settings if isinstance(settings, Settings) else Settings.from_dict(settings)
    problem = s.inventory_problem()
    if problem:
        raise SettingsError([problem], ["sets"])
    sets = {k: v for k, v in s.sets.items() if v > 0}
    custom = {k: v for k, v in s.custom.items() if v > 0}
    custom, part_stock = pieces.with_parts(custom, s.custom_parts, s.piece, s.sizes)  # bigger parts owned
    pal, owned = pipeline.build_palette(list(sets), sets, custom, s.unlimited, s.piece)
    pal = palettes.switch_off(pal, s.disabled)  # colours switched off in the inventory editor
    p.set_options(
        size=s.size, crop=s.crop, background=s.background, adjustments=s.adjustments,
        metric=s.metric, piece=s.piece, round_compensation=s.round_compensation, dither=s.dither,
        strength=float(s.strength), serpentine=s.serpentine,
        section=s.section, levels=s.levels, thresholds=s.thresholds, relief_pins=s.relief_pins,
        plate_sizes=s.plate_sizes, plate_color=s.plate_color, refine=s.refine, poster=s.poster,
        sizes=s.sizes, part_costs=pieces.check_costs(s.part_costs))
    if pal != p.palette or owned != p.owned or part_stock != p.part_stock:
        p.set_palette(pal, owned, part_stock)
    p.set_pins(s.pins)
    return s


def encode_png_rgba(img: image.RGBA) -> bytes:
    """The image as an 8-bit RGBA PNG (see :func:`legoremix.export.encode_png`)."""
    stride = img.width * 4
    rows = (img.data[y * stride:(y + 1) * stride] for y in range(img.height))
    return export.encode_png(img.width, img.height, rows, alpha=True)


def decode_png_rgba(png: bytes) -> image.RGBA:
    """Read a PNG written by :func:`encode_png_rgba` (8-bit RGBA, unfiltered rows); raises
    :class:`ProjectError` when it is not one.

    The pixel count is checked before anything is decompressed, so a crafted file cannot
    make the app allocate gigabytes.
    """
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ProjectError(DAMAGED + ": it is not a PNG picture.")
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(png):
        (n,) = struct.unpack(">I", png[pos:pos + 4])
        tag, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        pos += 12 + n
        if tag == b"IHDR" and len(body) == 13:
            hdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat.append(body)
        elif tag == b"IEND":
            break
    if hdr is None or hdr[2:] != (8, 6, 0, 0, 0):
        raise ProjectError(DAMAGED + ": it is not a PNG picture of the kind legoremix saves.")
    w, h = hdr[0], hdr[1]
    if w < 1 or h < 1 or w * h > image.MAX_SOURCE_PIXELS:
        raise ProjectError(f"{DAMAGED}: its size, {w} x {h} pixels, is not possible.")
    stride = w * 4 + 1
    raw = zlib.decompressobj().decompress(b"".join(idat), stride * h + 1)
    if len(raw) < stride * h:
        raise ProjectError(DAMAGED + ": part of it is missing.")
    if len(raw) > stride * h:  # (inflating stops one byte past the size the header promises)
        raise ProjectError(DAMAGED + ": it holds more than its size allows.")
    if any(raw[y * stride] != 0 for y in range(h)):
        raise ProjectError(DAMAGED + ": it is not a PNG picture of the kind legoremix saves.")
    return image.RGBA(w, h, b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(h)))


def dumps(proj: Project) -> str:
    png = base64.b64encode(encode_png_rgba(proj.image)).decode("ascii")
    d = {"format": FORMAT, "version": VERSION, "settings": proj.settings,
         "image": {"width": proj.image.width, "height": proj.image.height, "png": png}}
    if proj.depth is not None:
        d["depth"] = encode_depth(proj.depth)
    return json.dumps(d)


def encode_depth(dm: depth_mod.DepthMap) -> dict:
    """A depth map's JSON form: its size and its values as base64 of deflated
    little-endian doubles (exact: the reopened relief has the same heights)."""
    raw = struct.pack(f"<{len(dm.values)}d", *dm.values)
    return {"width": dm.width, "height": dm.height,
            "values": base64.b64encode(zlib.compress(raw, 6)).decode("ascii")}


def decode_depth(d) -> depth_mod.DepthMap:
    """The depth map of :func:`encode_depth`, checked whole (size before inflating, every
    value a finite number); raises :class:`ProjectError`."""
    if not isinstance(d, dict) or not isinstance(d.get("values"), str):
        raise ProjectError(DEPTH_DAMAGED + ".")
    w, h = d.get("width"), d.get("height")
    if not (_is_int(w) and _is_int(h)) or w < 1 or h < 1 or w * h > MAX_DEPTH_VALUES:
        raise ProjectError(f"{DEPTH_DAMAGED}: its size is not possible.")
    n = w * h * 8
    try:
        raw = zlib.decompressobj().decompress(base64.b64decode(d["values"], validate=True), n + 1)
    except (ValueError, binascii.Error, zlib.error):
        raise ProjectError(DEPTH_DAMAGED + ".") from None
    if len(raw) != n:
        raise ProjectError(DEPTH_DAMAGED + (": part of it is missing." if len(raw) < n
                                            else ": it holds more than its size allows."))
    values = struct.unpack(f"<{w * h}d", raw)
    if not all(math.isfinite(v) for v in values):
        raise ProjectError(DEPTH_DAMAGED + ": some of its values are not numbers.")
    return depth_mod.DepthMap(w, h, values)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def loads(text: str) -> Project:
    """Read a project file; raises :class:`ProjectError` with a message for a person."""
    try:
        d = json.loads(text)
    except (ValueError, RecursionError, TypeError):  # ValueError: bad JSON, bad UTF-8, huge numbers
        raise ProjectError("This file is not a legoremix project: it could not be read.") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ProjectError("This file is not a legoremix project.")
    version = d.get("version")
    if not _is_int(version) or version < 1:
        raise ProjectError("This project file has no valid version number; it may be damaged.")
    if version > VERSION:
        raise ProjectError(f"This project was saved by a newer version of legoremix (format {version}; this "
                           f"copy reads format {VERSION}). Reload the page to update it, then open the project "
                           "again.")
    img = _image(d.get("image"))
    dm = decode_depth(d["depth"]) if d.get("depth") is not None else None
    try:
        settings = Settings.from_dict(d.get("settings") if d.get("settings") is not None else {})
    except SettingsError as e:
        raise ProjectError("This project cannot be opened. " + " ".join(e.problems)) from None
    if settings.crop:
        try:
            image.check_crop(settings.crop, img.width, img.height)
        except ValueError:
            raise ProjectError("This project cannot be opened. Its crop box lies outside its photo.") from None
    return Project(img, settings.to_dict(), dm)


def _image(d) -> image.RGBA:
    if not isinstance(d, dict) or not isinstance(d.get("png"), str):
        raise ProjectError(DAMAGED + ".")
    try:
        img = decode_png_rgba(base64.b64decode(d["png"], validate=True))
    except ProjectError:
        raise
    except (ValueError, binascii.Error, zlib.error, struct.error):  # bad base64 or compressed data
        raise ProjectError(DAMAGED + ".") from None
    if (d.get("width"), d.get("height")) != (img.width, img.height):
        raise ProjectError(DAMAGED + ": its size does not match.")
    return img
