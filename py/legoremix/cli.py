"""Command line: ``legoremix IMAGE [options]`` writes a mosaic and its parts list.

Always writes ``DIR/mosaic.png``, ``DIR/parts.csv`` and ``DIR/mosaic.json``; the
export flags add more files. ``--wanted missing|all`` chooses what the BrickLink and
Rebrickable lists hold: by default only what is missing when you own pieces and something
is missing, else everything. Errors are one line on stderr with exit status 2.
"""
from __future__ import annotations

import argparse
import collections
import errno
import os
import re
import sys
from dataclasses import asdict
from pathlib import Path

from . import depth, dither as dither_mod, export, formats, image, inventory_io, palettes, pieces, pipeline, project
from . import rank, tone
from .color import METRICS
from .match import InventoryError
from .settings import ADJUSTMENT_RANGES, Settings

#: choices and defaults come from the settings module (one source for page, CLI and projects)
DEFAULT = Settings()


def _parser():
    p = argparse.ArgumentParser(
        prog="legoremix",
        description="Turn a photo into a Lego mosaic that your own pieces can build. "
                    "LEGO is a trademark of the LEGO Group, which does not sponsor this tool.")
    p.add_argument("image", nargs="?", help="photo to turn into a mosaic (JPEG, PNG, WebP, ...), "
                                          "or a .legoremix project file")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="SET",
                   help="a set you own (number or id, see --list-sets); repeat for more sets "
                        "or for several copies of one")
    p.add_argument("--custom", action="append", default=[], metavar="ID=N",
                   help="extra pieces you own: BrickLink colour id = count (repeatable)")
    p.add_argument("--custom-part", dest="custom_parts", action="append", default=[], metavar="PART:ID=N",
                   help="bigger parts you own: BrickLink part number : colour id = count, for example "
                        "3020:5=20 for 20 red 2x4 plates (repeatable; used with --sizes)")
    p.add_argument("--inventory", action="append", default=[], metavar="FILE",
                   help="pieces you own from a file: a legoremix inventory (.json), a BrickLink XML list or a "
                        "Rebrickable parts list (.csv); its mosaic pieces are added to --set/--custom/--custom-part (repeatable)")
    p.add_argument("--size", default=None, help="canvas in studs, WxH (default: the set's canvas, else 48x48)")
    p.add_argument("--dither", default=DEFAULT.dither, choices=dither_mod.DITHERS)
    p.add_argument("--strength", type=float, default=DEFAULT.strength,
                   help=f"dithering strength, 0-100 (default {DEFAULT.strength})")
    p.add_argument("--metric", default=DEFAULT.metric, choices=list(METRICS))
    p.add_argument("--piece", default=None, choices=list(palettes.PIECES),
                   help=f"piece type (default: the set's, else {DEFAULT.piece})")
    p.add_argument("--unlimited", action="store_true",
                   help="use every colour of the piece type; report what you are missing")
    p.add_argument("--crop", default=None, metavar="X,Y,W,H", help="crop box in image pixels (default: centred)")
    p.add_argument("--background", default=DEFAULT.background, help="colour behind transparent pixels")
    p.add_argument("--no-compensation", action="store_true",
                   help="match round pieces by their own colour, ignoring the baseplate between them")
    for name, (lo, hi) in ADJUSTMENT_RANGES.items():
        p.add_argument(f"--{name}", type=float, default=0, help=f"{name} adjustment, {lo} to {hi} (0 = none)")
    p.add_argument("--out", default="legoremix-out", metavar="DIR", help="output folder")
    for f in formats.FORMATS:  # one flag per export format: --pdf [FILE], --png [FILE], ...
        p.add_argument(f"--{f.name}", nargs="?", const=f.file, metavar="FILE", help=f"{f.help} (default file {f.file})")
    p.add_argument("--stud-px", type=int, default=20, help="pixels per stud in PNGs (default 20)")
    p.add_argument("--grid", action="store_true", help="draw section lines in the PNG")
    p.add_argument("--section", type=int, default=16, choices=(8, 16, 32), help="section size in studs")
    p.add_argument("--paper", default="a4", choices=("a4", "letter"))
    p.add_argument("--wanted", default=None, choices=("missing", "all"),
                   help="what the BrickLink and Rebrickable lists hold: only the pieces you are "
                        "missing, or all pieces used (default: missing if you own pieces and "
                        "something is missing, else all)")
    p.add_argument("--depth", metavar="FILE",
                   help="make a 3D relief: a depth model (.onnx: MiDaS v2.1 small or Depth Anything V2 Small, "
                        "needs the onnxruntime package) or a depth map picture (grey, brighter = nearer)")
    p.add_argument("--levels", type=int, default=DEFAULT.levels,
                   help=f"relief levels, 2-4 (default {DEFAULT.levels}): studs raised on 0 to LEVELS-1 plates")
    p.add_argument("--thresholds", default=None, metavar="A,B,...",
                   help="LEVELS-1 rising depths between 0 (far) and 1 (near) where the next level starts "
                        "(default: evenly spaced)")
    p.add_argument("--plate-sizes", default=None, metavar="1x1,1x2,...",
                   help=f"plate sizes allowed under the relief (default: all of {','.join(DEFAULT.plate_sizes)})")
    p.add_argument("--plate-color", type=int, default=DEFAULT.plate_color, metavar="ID",
                   help=f"BrickLink colour of the relief plates (default {DEFAULT.plate_color}, Black)")
    p.add_argument("--auto-adjust", action="store_true",
                   help="choose brightness, contrast, saturation, hue and gamma so the mosaic your pieces can make "
                        "looks closest to the photo (replaces the adjustment flags; prints what it chose)")
    p.add_argument("--poster", action="store_true",
                   help="poster mode: the photo's lightness order dealt onto your colours, dark to light, each in "
                        "proportion to its stock (as on the Lego Art box art)")
    p.add_argument("--rank-sets", action="store_true",
                   help="print which sets (and pairs, and copies) fit this photo, crop and size best, and the "
                        "cheapest additions to your pieces; writes no files")
    p.add_argument("--refine", action="store_true",
                   help="best look within stock: rearrange the pieces so the mosaic looks closest to the photo "
                        "from a distance (slower: about a second for 48x48)")
    p.add_argument("--sizes", default=None, metavar="1x1,1x2,...",
                   help="part sizes allowed: same-colour studs merge into the fewest such parts "
                        f"(default 1x1 only; known: {','.join(pieces.all_sizes())})")
    p.add_argument("--part-costs", default=None, metavar="SIZE=W,...",
                   help="weight of each part size, e.g. 1x1=1,1x2=1.4: the packing then has the lowest total "
                        "weight instead of the fewest parts (unlisted sizes weigh 1)")
    p.add_argument("--list-sets", action="store_true", help="list the known sets and exit")
    return p


def format_ranking(r: dict) -> str:
    """The set ranking (:func:`legoremix.rank.rank`) as lines of text, best first."""
    w, h = r["proxy"]
    lines = [f"Which set fits this picture (perceived error of the best flat mosaic, judged at {w}x{h} studs; "
             "lower is better):"]
    for i, c in enumerate(r["candidates"], 1):
        lines.append(f"{i:3}. {c['perceived']:6.2f}  {c['label']}  ({c['pieces']} pieces)")
    if r["current"] is not None:
        lines.append(f"Your pieces: {r['current']:.2f}")
    if r["additions"]:
        lines.append(r["additions"]["sentence"])
    return "\n".join(lines)


def list_sets() -> str:
    lines = []
    for s in palettes.sets().values():
        canvas = "x".join(map(str, s.canvas)) if s.canvas else "-"
        lines.append(f"{s.id:32} {s.set_number:6} {canvas:>7} {len(s.studs):3} colours {s.total:6} studs  {s.name}")
    return "\n".join(lines)


def _sizes_arg(text):
    """``--sizes 1x1,1x2,2x2`` as a list of size names (checked with the settings)."""
    return [v.strip() for v in text.split(",") if v.strip()] if text else list(DEFAULT.sizes)


def _costs_arg(text):
    """``--part-costs 1x1=1,1x2=1.4`` as {size: weight} (checked with the settings)."""
    if not text:
        return None
    out = {}
    for item in text.split(","):
        try:
            k, v = item.split("=")
            out[k.strip()] = float(v)
        except ValueError:
            raise ValueError(f"The part weight “{item}” is not understood: write SIZE=WEIGHT, for example "
                             "1x2=1.4.") from None
    return out


#: Why the system refused a file, in words (others: the system's own words).
_REASONS = {errno.EACCES: "you do not have permission", errno.EPERM: "you do not have permission",
            errno.EROFS: "the disk is read-only", errno.ENOSPC: "the disk is full",
            errno.ENAMETOOLONG: "the name is too long", errno.ENOENT: "the system does not allow it there"}


def _reason(e: OSError) -> str:
    return _REASONS.get(e.errno) or (e.strerror or e.__class__.__name__).lower()


def _file_in_the_way(folder) -> Path | None:
    """The nearest of ``folder`` and its parents that is a file, not a folder, if any."""
    for p in (Path(folder), *Path(folder).parents):
        if os.path.exists(p):
            return None if os.path.isdir(p) else p
    return None


def _read_problem(e: OSError, path, what: str) -> str:
    """A sentence for an input file (``what`` it is for) that could not be read."""
    name = image.file_name(path)
    if isinstance(e, (FileNotFoundError, NotADirectoryError)):
        return f"There is no such file as {name} ({what})."
    if isinstance(e, IsADirectoryError):
        return f"{name} ({what}) is a folder, not a file."
    if isinstance(e, PermissionError):
        return f"{name} ({what}) cannot be opened: you do not have permission to read it."
    return f"{name} ({what}) cannot be read: {_reason(e)}."


def _read_bytes(path, what: str) -> bytes:
    """The bytes of an input file, or a ValueError naming it and ``what`` it is for."""
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ValueError(_read_problem(e, path, what)) from None


def _check_readable(path, what: str) -> None:
    """A ValueError naming the file unless it can be opened (for readers that take a path)."""
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        raise ValueError(_read_problem(e, path, what)) from None


def _make_folder(out: Path) -> None:
    """The ``--out`` folder, made if needed, or a ValueError saying why it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        in_the_way = _file_in_the_way(out)
        if in_the_way is not None:
            raise ValueError(f"{image.file_name(in_the_way)} is a file, not a folder: choose another --out "
                             "folder.") from None
        raise ValueError(f"Cannot make the folder {image.file_name(out)}: {_reason(e)}. Choose another --out "
                         "folder.") from None


def _write_bytes(path: Path, data: bytes, flag: str) -> None:
    """Write an output file, or raise a ValueError naming it and saying what is wrong
    (``flag``: the option that chose its name)."""
    try:
        path.write_bytes(data)
    except OSError as e:
        name, folder = image.file_name(path), path.parent
        if isinstance(e, IsADirectoryError):
            raise ValueError(f"Cannot write {name}: it is a folder. Choose a file name for {flag}.") from None
        if isinstance(e, (FileNotFoundError, NotADirectoryError)):
            in_the_way = _file_in_the_way(folder)
            if in_the_way is not None:
                raise ValueError(f"Cannot write {name}: {image.file_name(in_the_way)} is a file, not a folder.") from None
            if not os.path.isdir(folder):
                raise ValueError(f"Cannot write {name}: the folder {image.file_name(folder)} does not exist.") from None
        raise ValueError(f"Cannot write {name}: {_reason(e)}. Choose another file for {flag}.") from None


def _dash_values(p, argv: list) -> list:
    """``--size -5x10`` as ``--size=-5x10``. argparse reads a value that starts with "-" as an
    option unless it is a plain negative number, so an impossible size or crop box got a usage
    dump instead of its sentence. No option starts with "-" and a digit, so nothing else changes."""
    takes_one = {s for a in p._actions if a.nargs is None for s in a.option_strings}
    out: list = []
    for arg in argv:
        if out and out[-1] in takes_one and re.match(r"-\d", arg):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def piece_note(settings: dict) -> str | None:
    """The page's piece note (web/js/settings-panel.js ``pieceNote``): the sets come with one kind
    of piece and another is chosen, so their colours count as the chosen piece one for one and the
    parts lists and instructions name it; said so nobody thinks they own those pieces."""
    def label(p):
        return palettes.PIECES[p][1] if p in palettes.PIECES else "1x1 round piece"  # round-mixed
    piece = settings["piece"]
    owned = list(dict.fromkeys(palettes.find_set(k).piece for k, n in settings["sets"].items() if n > 0))
    other = [p for p in owned if p and p != piece and not (p == "round-mixed" and piece.startswith("round"))]
    if not other:
        return None
    return (f"Your sets come with {' and '.join(label(p) + 's' for p in other)}: here each of their colours counts "
            f"as a {label(piece)} instead, and the parts lists and instructions ask for {label(piece)}s.")


def settings_from_args(args) -> dict:
    """The shared settings object (see :mod:`legoremix.settings`) from CLI arguments,
    checked whole: every problem is reported at once."""
    set_counts = collections.Counter(args.sets)
    imported = [inventory_io.parse(_read_bytes(f, "the inventory"), Path(f).name) for f in args.inventory]
    for inv in imported:
        for note in inv.notes:
            print(f"legoremix: {note}", file=sys.stderr)
        set_counts.update(inv.sets or {})
    set_objs = [palettes.find_set(k) for k in set_counts]
    first = set_objs[0] if set_objs else None
    piece = args.piece or (first.piece if first and first.piece in palettes.PIECES else DEFAULT.piece)
    if args.size:
        size = image.parse_size(args.size)
    else:
        size = tuple(first.canvas) if first and first.canvas else DEFAULT.size
    custom = {}
    for inv in imported:
        for k, v in inv.custom.items():
            custom[k] = custom.get(k, 0) + v
    for item in args.custom:
        try:
            k, v = item.split("=")
            custom[int(k)] = custom.get(int(k), 0) + int(v)
        except ValueError:
            raise ValueError(f"The extra pieces “{item}” are not understood: write them as "
                             "BRICKLINK_COLOR_ID=COUNT, for example 11=50.") from None
    custom_parts: dict = {}
    for inv in imported:  # bigger parts from --inventory files
        for part, counts in inv.parts.items():
            for k, v in counts.items():
                custom_parts.setdefault(part, {})[k] = custom_parts.get(part, {}).get(k, 0) + v
    for item in args.custom_parts:
        try:
            part, rest = item.split(":")
            k, v = rest.split("=")
            colors = custom_parts.setdefault(part.strip(), {})
            colors[int(k)] = colors.get(int(k), 0) + int(v)
        except ValueError:
            raise ValueError(f"The bigger parts “{item}” are not understood: write them as "
                             "PART:BRICKLINK_COLOR_ID=COUNT, for example 3020:5=20.") from None
    crop = None
    if args.crop:
        try:
            crop = [int(v) for v in args.crop.split(",")]
            assert len(crop) == 4
        except (ValueError, AssertionError):
            raise ValueError(f"The crop box “{args.crop}” is not understood: write it as X,Y,W,H in "
                             "pixels, for example 0,0,400,400.") from None
    thresholds = None
    if args.thresholds:
        try:
            thresholds = [float(v) for v in args.thresholds.split(",")]
        except ValueError:
            raise ValueError(f"The thresholds “{args.thresholds}” are not understood: write {args.levels - 1} "
                             "rising numbers between 0 and 1, for example 0.33,0.67.") from None
    plate_sizes = [v.strip() for v in args.plate_sizes.split(",")] if args.plate_sizes else list(DEFAULT.plate_sizes)
    s = Settings.from_dict({
        "size": list(size), "crop": crop, "background": args.background,
        "adjustments": {k: getattr(args, k) for k in ADJUSTMENT_RANGES},
        "metric": args.metric, "piece": piece, "round_compensation": False if args.no_compensation else None,
        "dither": args.dither, "strength": args.strength,
        "sets": dict(set_counts), "custom": custom, "custom_parts": custom_parts,
        "unlimited": args.unlimited, "pins": [],
        "section": args.section, "levels": args.levels, "thresholds": thresholds, "plate_sizes": plate_sizes,
        "plate_color": args.plate_color, "refine": args.refine, "poster": args.poster,
        "sizes": _sizes_arg(args.sizes), "part_costs": _costs_arg(args.part_costs),
        "disabled": sorted({k for inv in imported for k in inv.disabled or ()})})
    problem = s.inventory_problem()
    if problem and not args.rank_sets:  # the ranking needs no pieces of your own
        raise ValueError(f"There is no inventory. {problem} Use --set, --custom or --unlimited.")
    return s.to_dict()


def run(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(_dash_values(parser, sys.argv[1:] if argv is None else list(argv)))
    if args.list_sets:
        print(list_sets())
        return 0
    if not args.image:
        raise ValueError("No photo given: name one, for example: legoremix photo.jpg --set 31197")
    if str(args.image).endswith(".legoremix"):
        proj = project.loads(_read_bytes(args.image, "the project"))
        img, settings = proj.image, proj.settings
    else:
        settings = settings_from_args(args)
        img = image.load(args.image, max_side=8 * max(settings["size"]))
    if args.rank_sets:
        print(format_ranking(rank.rank(img, Settings.from_dict(settings), thumbnails=False)))
        return 0
    if args.auto_adjust:
        r = tone.auto_adjust_for(img, settings)
        settings = {**settings, "adjustments": asdict(r.adjustments)}
        print(f"auto adjust: {tone.describe(r.adjustments)} (perceived error on a {r.evaluations}-candidate search: "
              f"{r.default_error:.2f} without adjustments, {r.error:.2f} with these)")
    note = piece_note(settings)
    if note:
        print(f"note: {note}", file=sys.stderr)
    p = pipeline.Pipeline()
    p.set_image(img)
    project.configure(p, settings)
    if args.depth:
        _check_readable(args.depth, "the depth model or map")
        dm = depth.load(args.depth, img)
        note = depth.shape_note(dm, (img.width, img.height))
        if note:
            print(f"note: {note}", file=sys.stderr)
        p.set_depth(dm)
    elif str(args.image).endswith(".legoremix"):
        p.set_depth(proj.depth)  # a project's relief, if it has one
    mosaic = p.run()
    out = Path(args.out)
    _make_folder(out)
    _write_bytes(out / "mosaic.png", export.render_png(mosaic, cell=args.stud_px, grid=args.grid,
                                                       section=args.section), "--out")
    _write_bytes(out / "parts.csv", export.parts_csv(mosaic).encode(), "--out")
    _write_bytes(out / "mosaic.json", mosaic.to_json().encode(), "--out")
    written = ["mosaic.png", "parts.csv", "mosaic.json"]

    def target(name):
        path = Path(name)
        return path if path.is_absolute() or path.parent != Path(".") else out / path

    options = {"cell": args.stud_px, "grid": args.grid, "section": args.section, "paper": args.paper,
               "only_missing": {"missing": True, "all": False}.get(args.wanted),  # None: the default
               "image": img, "settings": settings, "depth": p._depth}
    for f in formats.FORMATS:
        name = getattr(args, f.name)
        if name and name not in written:
            _write_bytes(target(name), f.write(mosaic, options), f"--{f.name}")
            written.append(name)
    used = sum(mosaic.counts)
    print(f"{mosaic.width}x{mosaic.height} studs, {sum(1 for n in mosaic.counts if n)} colours, "
          f"{used} pieces, mean CIEDE2000 {mosaic.mean_delta_e:.2f}, perceived {mosaic.perceived_delta_e:.2f}; "
          f"wrote {', '.join(written)} to {out}")
    if mosaic.parts:
        s = pieces.summary(mosaic)
        print(f"bigger pieces: {s['parts']} parts instead of {s['studs']} 1x1 pieces ({s['saving']:.1f} % fewer)")
    if mosaic.plates:
        layers = max(p["level"] for p in mosaic.plates)
        print(f"relief: {len(mosaic.plates)} {mosaic.plate_color.name} plates in {layers} "
              f"layer{'s' if layers > 1 else ''} under the raised studs")
    if mosaic.parts and any(r[5] for r in pieces.part_list(mosaic)):
        miss = ", ".join(f"{n} x {c.name} {size} ({part})" for c, part, size, _, _, n in pieces.part_list(mosaic) if n)
        print(f"missing from your pieces: {miss}")
    elif mosaic.missing and not mosaic.parts:
        miss = ", ".join(f"{n} x {palettes.colors()[k].name}" for k, n in sorted(mosaic.missing.items()))
        print(f"missing from your pieces: {miss}")
    return 0


def main(argv=None) -> int:
    try:
        return run(argv)
    except (ValueError, InventoryError) as e:
        msg = str(e).splitlines()[0] if str(e) else e.__class__.__name__
        print(f"legoremix: error: {msg}", file=sys.stderr)
        return 2
    except OSError as e:  # a file not caught where it is read or written: still a sentence
        what = f" {image.file_name(e.filename)}" if e.filename else ""
        print(f"legoremix: error: Cannot use the file{what}: {_reason(e)}.", file=sys.stderr)
        return 2
    except MemoryError:
        print("legoremix: error: not enough memory for this image", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
