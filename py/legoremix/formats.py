"""The table of export formats: the worker, the CLI and the page's download buttons all
loop over :data:`FORMATS`, so a new format is one entry here plus its writer.

Each writer takes the mosaic and one options dict (``cell``, ``grid``, ``section``,
``paper``, ``only_missing``, and for projects ``image`` and ``settings``) and returns bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import export


@dataclass(frozen=True)
class Format:
    name: str  # page: data-export / data-testid "download-<name>"; CLI: --<name> [FILE]
    file: str  # default file name
    mime: str
    label: str  # the download button
    help: str  # the CLI flag
    write: Callable  # (mosaic, options) -> bytes


def _png(m, o):
    return export.render_png(m, cell=int(o.get("cell", 20)), grid=bool(o.get("grid")), section=int(o.get("section", 16)))


def _pdf(m, o):
    from . import instructions  # fpdf2 is only needed here (the PDF worker loads it)
    return instructions.pdf(m, section=int(o.get("section", 16)), paper=o.get("paper", "a4"))


def _project(m, o):
    from . import project
    return project.dumps(project.Project(o["image"], o["settings"], o.get("depth"))).encode()


FORMATS = [
    Format("pdf", "instructions.pdf", "application/pdf", "Instructions (PDF)",
           "building instructions: cover with parts list, overview, one page per section", _pdf),
    Format("png", "mosaic.png", "image/png", "Picture (PNG)",
           "the mosaic as a picture (see --stud-px and --grid)", _png),
    Format("csv", "parts.csv", "text/csv", "Parts list (CSV)",
           "parts list with stock and missing counts", lambda m, o: export.parts_csv(m).encode()),
    Format("bricklink", "bricklink.xml", "application/xml", "BrickLink wanted list",
           "BrickLink wanted list (see --wanted)",
           lambda m, o: export.bricklink_xml(m, only_missing=o.get("only_missing")).encode()),
    Format("rebrickable", "rebrickable.csv", "text/csv", "Rebrickable CSV",
           "Rebrickable part list (see --wanted)",
           lambda m, o: export.rebrickable_csv(m, only_missing=o.get("only_missing")).encode()),
    Format("ldraw", "mosaic.ldr", "application/x-ldraw", "LDraw model",
           "LDraw model on 16x16 baseplates, one step per section",
           lambda m, o: export.ldraw(m, section=int(o.get("section", 16))).encode()),
    Format("project", "mosaic.legoremix", "application/json", "Save project",
           "project file (photo and every setting) that reopens to the same mosaic", _project),
]
BY_NAME = {f.name: f for f in FORMATS}


def get(name: str) -> Format:
    if name not in BY_NAME:
        raise ValueError(f"There is no export called “{name}”.")
    return BY_NAME[name]


def info() -> list:
    """What the page needs to draw a download button per format."""
    return [{"name": f.name, "file": f.file, "mime": f.mime, "label": f.label} for f in FORMATS]
