"""What a user owns, read from where they already keep it, and written back out.

Three formats come in; each becomes an :class:`Imported` inventory (loose pieces per
BrickLink colour id, plus sets and switched-off colours for our own JSON):

- our inventory JSON (:func:`dumps`): ``{"format": "legoremix-inventory", "version": 1,
  "sets": {set id: copies}, "custom": {BrickLink id: count}, "disabled": [BrickLink id],
  "custom_parts": {part number: {BrickLink id: count}}}``;
- a BrickLink XML list: the wanted-list / inventory upload format (``INVENTORY`` of ``ITEM``
  with ``ITEMTYPE``, ``ITEMID``, ``COLOR`` and ``MINQTY`` or ``QTY``), as
  :func:`legoremix.export.bricklink_xml` writes it;
- a Rebrickable CSV part list (``Part,Color,Quantity``, Rebrickable colour ids; the
  ``part_num,color_id,quantity`` spelling of Rebrickable's own exports too), as
  :func:`legoremix.export.rebrickable_csv` writes it.

The 1x1 mosaic pieces (every piece family's 1x1 part) become loose pieces per colour, one
per stud; the bigger plates, tiles and bricks legoremix packs with (:func:`legoremix.pieces.known_parts`)
become bigger parts owned (settings ``custom_parts``); other parts (minifigures, sets, slopes)
are left out with a note. Colour ids legoremix does not know are left out with a note naming them. Files that
cannot be a parts list raise :class:`InventoryFileError`, a sentence for a person.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from . import palettes, pieces
from .color import one_of

#: Largest file read (bytes): a parts list of every Lego part ever made in every colour is
#: far smaller; anything bigger is not an inventory.
MAX_BYTES = 5_000_000
#: Most rows (parts list lines or XML items) read.
MAX_ROWS = 100_000
FORMAT = "legoremix-inventory"
VERSION = 1
#: Older or alternative numbers of the 1x1 pieces (BrickLink / Rebrickable spellings).
ALIASES = {"3070": "3070b", "6141": "4073", "30039": "3070b", "3024a": "3024", "3005a": "3005"}
KINDS = {"json": "legoremix inventory", "bricklink": "BrickLink XML list", "rebrickable": "Rebrickable CSV"}


class InventoryFileError(ValueError):
    """A file that cannot be read as an inventory; the message is a sentence for a person."""


@dataclass
class Imported:
    """An inventory read from a file: ``custom`` BrickLink id -> count of loose 1x1 pieces,
    ``parts`` part number -> {BrickLink id: count} of bigger parts; ``sets`` and ``disabled``
    only from our own JSON (None: the file does not say); ``notes`` are sentences about what
    was left out."""

    kind: str
    custom: dict
    sets: dict | None = None
    disabled: list | None = None
    notes: list = field(default_factory=list)
    parts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": KINDS[self.kind], "custom": {str(k): v for k, v in self.custom.items()},
                "custom_parts": {p: {str(k): n for k, n in c.items()} for p, c in self.parts.items()},
                "sets": self.sets, "disabled": self.disabled, "notes": self.notes,
                "pieces": sum(self.custom.values()), "bigger": sum(n for c in self.parts.values() for n in c.values())}


def one_by_one_parts() -> dict:
    """Part number -> piece family of every family's 1x1 part (98138, 4073, 3070b, ...)."""
    out = {palettes.PIECES[f][0]: f for f in palettes.PIECES}
    for fam, sizes in pieces.catalogue().items():
        if "1x1" in sizes:
            out.setdefault(sizes["1x1"]["part"], fam)
    return out


def dumps(sets: dict, custom: dict, disabled=(), custom_parts=None) -> str:
    """Our inventory JSON (what :func:`parse` reads back as the same inventory)."""
    def by_id(d):
        return {str(k): int(v) for k, v in sorted(d.items(), key=lambda kv: int(kv[0]))}
    return json.dumps({"format": FORMAT, "version": VERSION,
                       "sets": {str(k): int(v) for k, v in sorted(sets.items())},
                       "custom": by_id(custom), "disabled": sorted(int(k) for k in disabled),
                       "custom_parts": {p: by_id(c) for p, c in sorted((custom_parts or {}).items())}},
                      indent=1) + "\n"


def parse(data, name: str = "") -> Imported:
    """Read an inventory file (bytes or text) in any of the three formats."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    what = f"“{name}”" if name else "This file"
    if len(data) > MAX_BYTES:
        raise InventoryFileError(f"{what} is {len(data) / 1e6:.1f} MB: a parts list larger than "
                                 f"{MAX_BYTES // 1_000_000} MB is not an inventory legoremix can read.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InventoryFileError(f"{what} is not a parts list: it is not text. {_FORMATS}") from None
    head = text.lstrip()
    if not head:
        raise InventoryFileError(f"{what} is empty. {_FORMATS}")
    if head[0] in "{[":
        return _json(head, what)
    if head[0] == "<":
        return _xml(head, what)
    return _csv(text, what)


_FORMATS = ("legoremix reads its own inventory file (.json), a BrickLink XML list (wanted list or inventory "
            "upload) and a Rebrickable parts list (.csv with Part, Color and Quantity columns).")


def _json(text: str, what: str) -> Imported:
    from .settings import Settings, SettingsError
    try:
        d = json.loads(text)
    except ValueError:
        raise InventoryFileError(f"{what} is not valid JSON, so it is not a legoremix inventory. {_FORMATS}") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise InventoryFileError(f"{what} is JSON but not a legoremix inventory (it has no "
                                 f"\"format\": \"{FORMAT}\"). {_FORMATS}")
    v = d.get("version")
    if not isinstance(v, int) or isinstance(v, bool) or v > VERSION:
        raise InventoryFileError(f"{what} was written by a newer version of legoremix (inventory version "
                                 f"{v!r}); update legoremix to read it.")
    try:  # the same checks (and sentences) as settings
        s = Settings.from_dict({"sets": d.get("sets", {}), "custom": d.get("custom", {}),
                                "disabled": d.get("disabled", []), "custom_parts": d.get("custom_parts", {})})
    except SettingsError as e:
        raise InventoryFileError(f"{what} cannot be used: {e}") from None
    return Imported("json", dict(s.custom), dict(s.sets), list(s.disabled),
                    parts={p: dict(c) for p, c in getattr(s, "custom_parts", {}).items()})


def _xml(text: str, what: str) -> Imported:
    import xml.etree.ElementTree as ET
    if "<!DOCTYPE" in text[:2000].upper() or "<!ENTITY" in text.upper():  # no entity tricks
        raise InventoryFileError(f"{what} is XML with a document type, which a BrickLink list never has. {_FORMATS}")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise InventoryFileError(f"{what} is not well-formed XML ({e}), so it is not a BrickLink list. "
                                 f"{_FORMATS}") from None
    if root.tag.upper() != "INVENTORY":
        raise InventoryFileError(f"{what} is XML but not a BrickLink list (it starts with <{root.tag}>, not "
                                 f"<INVENTORY>). {_FORMATS}")
    items = [el for el in root if el.tag.upper() == "ITEM"]
    if len(items) > MAX_ROWS:
        raise InventoryFileError(f"{what} lists {len(items):,} items; legoremix reads at most {MAX_ROWS:,}.")
    rows = []
    for n, item in enumerate(items, 1):
        f = {el.tag.upper(): (el.text or "").strip() for el in item}
        qty = f.get("MINQTY") or f.get("QTY") or f.get("QUANTITY") or "1"
        rows.append((n, f.get("ITEMTYPE", "P").upper(), f.get("ITEMID", ""), f.get("COLOR", ""), qty))
    return _collect("bricklink", rows, what, "item")


#: Column names of a Rebrickable parts list (lower case, spaces and underscores dropped).
_COLUMNS = {"part": ("part", "partnum", "partno", "partnumber", "elementid_part"),
            "color": ("color", "colour", "colorid", "colourid"),
            "quantity": ("quantity", "qty", "count", "quantityowned")}


def _csv(text: str, what: str) -> Imported:
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + 1:
        raise InventoryFileError(f"{what} has {len(lines):,} lines; legoremix reads at most {MAX_ROWS:,}.")
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InventoryFileError(f"{what} is not a parts list. {_FORMATS}") from None
    keys = [h.strip().lower().replace(" ", "").replace("_", "") for h in header]
    col = {}
    for name, spellings in _COLUMNS.items():
        for i, k in enumerate(keys):
            if k in spellings and name not in col:
                col[name] = i
    if len(col) < 3:
        lacking = [n.capitalize() for n in _COLUMNS if n not in col]
        raise InventoryFileError(f"{what} is not a Rebrickable parts list: its first line has no "
                                 f"{one_of(lacking, 'or')} column. {_FORMATS}")
    rows = []
    try:
        for n, r in enumerate(reader, 2):
            if not any(x.strip() for x in r):
                continue
            get = lambda k: r[col[k]].strip() if col[k] < len(r) else ""  # noqa: E731
            rows.append((n, "P", get("part"), get("color"), get("quantity")))
    except csv.Error as e:
        raise InventoryFileError(f"{what} could not be read as CSV ({e}).") from None
    return _collect("rebrickable", rows, what, "line")


def _collect(kind: str, rows, what: str, unit: str) -> Imported:
    """Rows ``(number, item type, part, colour id, quantity)`` -> loose pieces per colour."""
    from .settings import MAX_CUSTOM
    known = palettes.colors()
    by_rebrickable = {c.rebrickable_id: c.bricklink_id for c in known.values() if c.rebrickable_id is not None}
    one_by_one = one_by_one_parts()
    bigger_known = {p: label for p, label in pieces.known_parts().items() if p not in one_by_one}
    custom: dict = {}
    parts: dict = {}  # bigger parts: part -> {BrickLink id: count}
    other_parts: dict = {}  # part -> quantity left out
    unknown: dict = {}  # colour id -> quantity left out
    families = set()
    colour_word = "BrickLink" if kind == "bricklink" else "Rebrickable"
    for n, itemtype, part, colour, qty in rows:
        try:
            q = int(qty)
        except ValueError:
            raise InventoryFileError(f"{what} cannot be used: the quantity on {unit} {n} is "
                                     f"“{qty[:20]}”, not a whole number.") from None
        if q < 0:
            raise InventoryFileError(f"{what} cannot be used: the quantity on {unit} {n} is negative ({q}).")
        part = ALIASES.get(part.lower(), part.lower())
        if itemtype != "P" or (part not in one_by_one and part not in bigger_known):
            label = part or "(no part number)"
            if itemtype != "P":
                label = f"{label} (item type {itemtype})"
            other_parts[label] = other_parts.get(label, 0) + q
            continue
        try:
            cid = int(colour)
        except ValueError:
            raise InventoryFileError(f"{what} cannot be used: the colour on {unit} {n} is “{colour[:20]}”, not a "
                                     f"{colour_word} colour number.") from None
        bl = cid if kind == "bricklink" else by_rebrickable.get(cid)
        if bl not in known:
            unknown[cid] = unknown.get(cid, 0) + q
            continue
        if part in bigger_known:
            here = parts.setdefault(part, {})
            here[bl] = here.get(bl, 0) + q
            if here[bl] > MAX_CUSTOM:
                raise InventoryFileError(f"{what} has more than {MAX_CUSTOM:,} {known[bl].name} "
                                         f"{bigger_known[part]}s, more than legoremix can use.")
            continue
        families.add(one_by_one[part])
        custom[bl] = custom.get(bl, 0) + q
        if custom[bl] > MAX_CUSTOM:
            raise InventoryFileError(f"{what} has more than {MAX_CUSTOM:,} {known[bl].name} pieces, more than "
                                     "legoremix can use.")
    notes = []
    if other_parts:
        names = sorted(other_parts, key=lambda p: -other_parts[p])
        shown = one_of(names[:5], "and") + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        total = sum(other_parts.values())
        what_left = ("part that is not a mosaic piece was" if total == 1 else
                     "parts that are not mosaic pieces (1x1 pieces, plates, tiles or bricks) were")
        notes.append(f"{total:,} {what_left} left out ({shown}).")
    if unknown:
        ids = sorted(unknown)
        notes.append(f"{sum(unknown.values()):,} pieces in {colour_word} colour"
                     f"{'s' if len(ids) > 1 else ''} {one_of([str(i) for i in ids[:8]], 'and')}"
                     f"{' and more' if len(ids) > 8 else ''} were left out: legoremix does not know "
                     f"{'these colours' if len(ids) > 1 else 'this colour'}.")
    if len(families) > 1:
        labels = [palettes.PIECES[f][1] for f in palettes.PIECES if f in families]
        notes.append(f"Pieces of several kinds ({one_of(labels, 'and')}) were counted together per colour.")
    if not custom and not parts:
        reason = " ".join(notes) or f"{what} lists no parts."
        raise InventoryFileError(f"{what} holds no mosaic pieces legoremix can use. {reason}")
    return Imported(kind, custom, notes=notes, parts=parts)
