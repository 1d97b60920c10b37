"""Projects: the working image plus every setting, saved as one file and loaded back to
the exact same mosaic.

A project file is JSON (``.legoremix``)::

    {"format": "legoremix-project", "version": 1,
     "settings": {...},                      # see legoremix.settings
     "image": {"width": W, "height": H, "png": "<base64 PNG, 8-bit RGBA>"}}

The image is stored losslessly (PNG, ISO/IEC 15948) so loading gives identical pixels.
:func:`loads` checks the whole file (format, version, image, every setting) before
returning anything, so a damaged file or one from a newer version never reaches the
pipeline half-applied.
"""
from __future__ import annotations

import base64
import binascii
import json
import struct
import zlib
from dataclasses import dataclass, field

from . import export, image, pieces, pipeline
from .settings import Settings, SettingsError

FORMAT = "legoremix-project"
VERSION = 1


class ProjectError(ValueError):
    """A project file that cannot be opened (the message says why, for a person)."""


DAMAGED = "The photo inside this project file is damaged"


@dataclass
class Project:
    image: image.RGBA
    settings: dict = field(default_factory=dict)


def configure(p: pipeline.Pipeline, settings) -> Settings:
    """Set a pipeline's options, palette and pins from settings (a :class:`Settings` or
    its JSON form, validated first: nothing is applied when anything is wrong)."""
    s = settings if isinstance(settings, Settings) else Settings.from_dict(settings)
    problem = s.inventory_problem()
    if problem:
        raise SettingsError([problem], ["sets"])
    sets = {k: v for k, v in s.sets.items() if v > 0}
    custom = {k: v for k, v in s.custom.items() if v > 0}
    pal, owned = pipeline.build_palette(list(sets), sets, custom, s.unlimited, s.piece)
    p.set_options(
        size=s.size, crop=s.crop, background=s.background, adjustments=s.adjustments,
        metric=s.metric, piece=s.piece, round_compensation=s.round_compensation, dither=s.dither,
        strength=float(s.strength), serpentine=s.serpentine,
        section=s.section, levels=s.levels, thresholds=s.thresholds, relief_pins=s.relief_pins,
        plate_sizes=s.plate_sizes, plate_color=s.plate_color, refine=s.refine,
        sizes=s.sizes, part_costs=pieces.check_costs(s.part_costs))
    if pal != p.palette or owned != p.owned:
        p.set_palette(pal, owned)
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
    return json.dumps({"format": FORMAT, "version": VERSION, "settings": proj.settings,
                       "image": {"width": proj.image.width, "height": proj.image.height, "png": png}})


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
    try:
        settings = Settings.from_dict(d.get("settings") if d.get("settings") is not None else {})
    except SettingsError as e:
        raise ProjectError("This project cannot be opened. " + " ".join(e.problems)) from None
    if settings.crop:
        try:
            image.check_crop(settings.crop, img.width, img.height)
        except ValueError:
            raise ProjectError("This project cannot be opened. Its crop box lies outside its photo.") from None
    return Project(img, settings.to_dict())


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
