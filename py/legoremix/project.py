"""Projects: the working image plus every setting, saved as one file and loaded back to
the exact same mosaic.

A project file is JSON (``.legoremix``)::

    {"format": "legoremix-project", "version": 1,
     "settings": {...},                      # the settings object below
     "image": {"width": W, "height": H, "png": "<base64 PNG, 8-bit RGBA>"}}

The settings object is the one the page, the CLI and :func:`configure` share::

    size [w, h], crop [x, y, w, h] | null, background "#rrggbb",
    adjustments {hue, saturation, value, brightness, contrast},
    metric, piece, round_compensation (bool | null), dither, strength, serpentine,
    sets {set id or number: copies}, custom {BrickLink id: count}, unlimited (bool),
    pins [[x, y, BrickLink id], ...]   (studs painted by the user)

The image is stored losslessly (PNG, ISO/IEC 15948) so loading gives identical pixels.
"""
from __future__ import annotations

import base64
import json
import struct
import zlib
from dataclasses import dataclass, field

from . import export, image, pipeline

FORMAT = "legoremix-project"
VERSION = 1


@dataclass
class Project:
    image: image.RGBA
    settings: dict = field(default_factory=dict)


def pins_to_indices(pins, w: int, h: int) -> dict:
    """``[[x, y, id], ...]`` -> ``{y*w + x: id}`` for the studs inside a ``w x h`` canvas."""
    out = {}
    for p in pins:
        x, y, bl = (int(v) for v in p)
        if 0 <= x < w and 0 <= y < h:
            out[y * w + x] = bl
    return out


def configure(p: pipeline.Pipeline, settings: dict) -> None:
    """Set a pipeline's options, palette and pins from a settings object."""
    s = settings
    size = tuple(int(v) for v in s.get("size", (48, 48)))
    adj = {k: float(v) for k, v in (s.get("adjustments") or {}).items()}
    p.set_options(
        size=size, crop=tuple(int(v) for v in s["crop"]) if s.get("crop") else None,
        background=s.get("background", "#ffffff"), adjustments=image.Adjustments(**adj),
        metric=s.get("metric", "ciede2000"), piece=s.get("piece", "round-tile"),
        round_compensation=s.get("round_compensation"), dither=s.get("dither", "none"),
        strength=float(s.get("strength", 100)), serpentine=bool(s.get("serpentine", True)))
    sets = {str(k): int(v) for k, v in (s.get("sets") or {}).items() if int(v) > 0}
    custom = {int(k): int(v) for k, v in (s.get("custom") or {}).items()}
    pal, owned = pipeline.build_palette(list(sets), sets, custom, bool(s.get("unlimited")), p.options.piece)
    if pal != p.palette or owned != p.owned:
        p.set_palette(pal, owned)
    p.set_pins(pins_to_indices(s.get("pins") or [], size[0], size[1]))


def make_mosaic(proj: Project) -> pipeline.Mosaic:
    p = pipeline.Pipeline()
    p.set_image(proj.image)
    configure(p, proj.settings)
    return p.run()


def encode_png_rgba(img: image.RGBA) -> bytes:
    """The image as an 8-bit RGBA PNG (see :func:`legoremix.export.encode_png`)."""
    stride = img.width * 4
    rows = (img.data[y * stride:(y + 1) * stride] for y in range(img.height))
    return export.encode_png(img.width, img.height, rows, alpha=True)


def decode_png_rgba(png: bytes) -> image.RGBA:
    """Read a PNG written by :func:`encode_png_rgba` (8-bit RGBA, unfiltered rows)."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("the embedded image is not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos:pos + 4])
        tag, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        pos += 12 + n
        if tag == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat.append(body)
        elif tag == b"IEND":
            break
    if hdr is None or hdr[2:] != (8, 6, 0, 0, 0):
        raise ValueError("the embedded image must be an 8-bit RGBA PNG")
    w, h = hdr[0], hdr[1]
    raw = zlib.decompress(b"".join(idat))
    stride = w * 4 + 1
    if len(raw) != stride * h:
        raise ValueError("the embedded image is truncated")
    if any(raw[y * stride] != 0 for y in range(h)):
        raise ValueError("the embedded image uses PNG filters this reader does not support")
    return image.RGBA(w, h, b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(h)))


def dumps(proj: Project) -> str:
    png = base64.b64encode(encode_png_rgba(proj.image)).decode("ascii")
    return json.dumps({"format": FORMAT, "version": VERSION, "settings": proj.settings,
                       "image": {"width": proj.image.width, "height": proj.image.height, "png": png}})


def loads(text: str) -> Project:
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {e}") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError("not a legoremix project file")
    if int(d.get("version", 0)) > VERSION:
        raise ValueError(f"project version {d['version']} is newer than this app understands")
    try:
        img = decode_png_rgba(base64.b64decode(d["image"]["png"]))
    except (KeyError, TypeError, ValueError, zlib.error) as e:  # binascii.Error is a ValueError
        raise ValueError(f"the project's image is damaged ({e})") from None
    return Project(img, d.get("settings") or {})
