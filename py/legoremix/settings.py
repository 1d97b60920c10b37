"""The settings object: every choice a user makes about one mosaic, in one place.

The page, the CLI, project files and the autosave all speak this format (a JSON object;
:meth:`Settings.to_dict` / :meth:`Settings.from_dict`)::

    size [w, h], crop [x, y, w, h] | null, background "#rrggbb",
    adjustments {hue, saturation, value, brightness, contrast, gamma},
    metric, piece, round_compensation (bool | null), dither, strength, serpentine,
    sets {set id: copies}, custom {BrickLink id: count}, unlimited (bool),
    disabled [BrickLink id, ...]       colours switched off: never used, even when owned
    pins [[x, y, BrickLink id], ...]   (studs painted by the user)
    section 8|16|32, levels 2-4, thresholds [levels-1 rising numbers in (0, 1)] | null,
    relief_pins [[x, y, height], ...], plate_sizes ["1x1", ...], plate_color (BrickLink id)
                                       (the 3D relief, used when a depth map is given)
    refine (bool)                      best look within stock (legoremix.refine)
    poster (bool)                      poster mode: lightness order dealt onto the stock (legoremix.tone)
    sizes ["1x1", "1x2", ...], part_costs {"1x2": weight, ...} | null
                                       bigger pieces (legoremix.pieces): allowed sizes, and
                                       weights for the cheapest packing (null: fewest parts)
    custom_parts {part number: {BrickLink id: count}}
                                       loose parts beyond 1x1 pieces (a 2x4 plate is "3020"):
                                       see legoremix.pieces.owned_parts

:meth:`Settings.from_dict` checks the *whole* object before anything is applied and
reports every problem in sentences for a person (:class:`SettingsError`), so a damaged
project, an autosave written by a newer version, or a typo in the CLI never leaves the
app half-configured. Keys it does not know are ignored (a newer version may add some).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field

from . import color, depth, dither as dither_mod, image, palettes, pieces, relief

#: Most copies of one set (a sanity bound: 50 copies of the World Map is 1.5 m wide).
MAX_COPIES = 50
#: Most loose pieces of one colour.
MAX_CUSTOM = 1_000_000
#: Ranges of the tonal adjustments (see :class:`legoremix.image.Adjustments`).
ADJUSTMENT_RANGES = {"hue": (-180, 180), "saturation": (-100, 100), "value": (-100, 100),
                     "brightness": (-100, 100), "contrast": (-100, 100), "gamma": (-100, 100)}


class SettingsError(ValueError):
    """Settings that cannot be used; ``problems`` lists each one as a sentence and
    ``fields`` names the setting each one is about."""

    def __init__(self, problems: list, fields: list):
        self.problems = problems
        self.fields = fields
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class Settings:
    """Every setting of one mosaic, validated (build it with :meth:`from_dict`)."""

    size: tuple = (48, 48)
    crop: tuple | None = None
    background: str = "#ffffff"
    adjustments: image.Adjustments = image.Adjustments()
    metric: str = "ciede2000"
    piece: str = "round-tile"
    round_compensation: bool | None = None
    dither: str = "none"
    strength: float = 100
    serpentine: bool = True
    sets: dict = field(default_factory=lambda: {"warhol_marilyn_monroe": 1})
    custom: dict = field(default_factory=dict)
    unlimited: bool = False
    pins: tuple = ()
    # 3D relief (issue 9): studs raised on plates, from a depth map (see legoremix.depth, relief)
    section: int = 16  # studs per instruction section: plates never cross its boundaries
    levels: int = 3  # relief levels: 0 .. levels-1 plates under a stud
    thresholds: tuple | None = None  # levels-1 rising depths in (0, 1); None = evenly spaced
    relief_pins: tuple = ()  # [[x, y, height], ...] studs raised or lowered by hand
    plate_sizes: tuple = relief.SIZES  # plate sizes allowed under the relief ("1x1" always)
    plate_color: int = relief.DEFAULT_COLOR  # BrickLink colour of the plates
    refine: bool = False  # best look within stock (issue 12, legoremix.refine)
    poster: bool = False  # poster mode (issue 12, legoremix.tone)
    sizes: tuple = pieces.DEFAULT_SIZES  # bigger pieces (issue 10): allowed part sizes, "1x1" always
    part_costs: dict | None = None  # bigger pieces: weight per size name (None: fewest parts)
    disabled: tuple = ()  # BrickLink ids of colours switched off (issue 13, the inventory editor)
    custom_parts: dict = field(default_factory=dict)  # bigger pieces owned: {part: {BrickLink id: count}}

    def to_dict(self) -> dict:
        """The JSON form (lists, string keys) that :meth:`from_dict` reads back."""
        d = asdict(self)
        d["size"] = list(self.size)
        d["crop"] = list(self.crop) if self.crop else None
        d["custom"] = {str(k): v for k, v in self.custom.items()}
        d["pins"] = [list(p) for p in self.pins]
        d["thresholds"] = list(self.thresholds) if self.thresholds is not None else None
        d["relief_pins"] = [list(p) for p in self.relief_pins]
        d["plate_sizes"] = list(self.plate_sizes)
        d["sizes"] = list(self.sizes)
        d["disabled"] = list(self.disabled)
        d["custom_parts"] = {p: {str(k): n for k, n in c.items()} for p, c in self.custom_parts.items()}
        return d

    @classmethod
    def from_dict(cls, d) -> "Settings":
        """Validated settings from the JSON form; missing keys take their defaults.

        Raises :class:`SettingsError` listing every problem found.
        """
        if not isinstance(d, dict):
            raise SettingsError(["The settings are not in the expected form."], ["settings"])
        c = _Checker(d)
        s = cls(
            size=c.size(), crop=c.crop(), background=c.hex("background", "background colour"),
            adjustments=c.adjustments(), metric=c.choice("metric", color.METRICS, "colour difference"),
            piece=c.choice("piece", palettes.PIECES, "piece"),
            round_compensation=c.optional_bool("round_compensation"),
            dither=c.choice("dither", dither_mod.DITHERS, "dithering"),
            strength=c.number("strength", 0, 100, "dithering strength"),
            serpentine=c.bool("serpentine"), sets=c.sets(), custom=c.custom(),
            unlimited=c.bool("unlimited"), pins=c.pins(),
            section=c.section(), levels=c.levels(), thresholds=c.thresholds(), relief_pins=c.relief_pins(),
            plate_sizes=c.plate_sizes(), plate_color=c.plate_color(),
            refine=c.bool("refine"), sizes=c.sizes(), part_costs=c.part_costs(), disabled=c.disabled(),
            custom_parts=c.custom_parts(), poster=c.bool("poster"))
        if c.problems:
            raise SettingsError(c.problems, c.fields)
        return s

    def inventory_problem(self) -> str | None:
        """Why there is nothing to build with, if so (no sets, no pieces, not unlimited)."""
        if self.unlimited or any(self.sets.values()) or any(self.custom.values()) or \
                any(n for c in self.custom_parts.values() for n in c.values()):
            return None
        return "Choose at least one set you own, add some pieces, or use unlimited mode."


_DEFAULT = Settings()


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_number(v) -> bool:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return False
    return isinstance(v, numbers.Integral) or math.isfinite(v)  # isfinite fails on ints > 1e308


def _shown_number(v) -> str:
    """A whole number for a message (a huge one would not even print)."""
    return str(v) if abs(v) < 10 ** 15 else "a huge number"


#: How messages name the true/false settings.
_LABELS = {"serpentine": "serpentine dithering (odd rows right to left)", "unlimited": "unlimited mode",
           "round_compensation": "round-stud compensation", "refine": "the best look within stock",
           "poster": "poster mode"}


class _Checker:
    """Reads one settings dict field by field, collecting problems instead of stopping
    at the first (a person fixes them all at once)."""

    def __init__(self, d: dict):
        self.d = d
        self.problems: list = []
        self.fields: list = []

    def bad(self, key: str, message: str):
        self.problems.append(message)
        self.fields.append(key)
        return getattr(_DEFAULT, key)

    def get(self, key):
        v = self.d.get(key)
        return getattr(_DEFAULT, key) if v is None and key != "crop" else v

    def size(self):
        v = self.get("size")
        if not (isinstance(v, (list, tuple)) and len(v) == 2 and all(_is_int(x) for x in v)):
            return self.bad("size", "The size must be two whole numbers of studs (width and height).")
        w, h = (int(x) for x in v)
        lim = image.MAX_STUDS
        if not (1 <= w <= lim and 1 <= h <= lim):
            return self.bad("size", f"The size {_shown_number(w)} x {_shown_number(h)} is not possible: "
                                    "width and height must each be "
                                    f"1 to {lim} studs.")
        return (w, h)

    def crop(self):
        v = self.d.get("crop")
        if v is None:
            return None
        if not (isinstance(v, (list, tuple)) and len(v) == 4 and all(_is_int(x) for x in v)):
            return self.bad("crop", "The crop box must be four whole numbers: left, top, width and height "
                                    "in pixels.")
        x, y, w, h = (int(n) for n in v)
        box = f" (left {x}, top {y}, width {w}, height {h})" if max(map(abs, (x, y, w, h))) < 10 ** 9 else ""
        if w < 1 or h < 1:
            return self.bad("crop", f"The crop box{box} needs a width and height of at least 1 pixel.")
        if x < 0 or y < 0:
            return self.bad("crop", f"The crop box{box} cannot start outside the photo: its left and top must "
                                    "be 0 or more pixels.")
        return (x, y, w, h)

    def hex(self, key, label):
        v = self.get(key)
        try:
            rgb = color.hex_to_rgb8(v)
        except ValueError:
            return self.bad(key, f"The {label} must be a colour like #ffffff.")
        return color.rgb8_to_hex(rgb)  # one spelling: "#FFF" and " #ffffff" are "#ffffff"

    def adjustments(self):
        v = self.get("adjustments")
        if isinstance(v, image.Adjustments):
            v = asdict(v)
        if not isinstance(v, dict):
            return self.bad("adjustments", "The adjustments are not in the expected form.")
        out = {}
        for k, x in v.items():
            if k not in ADJUSTMENT_RANGES:
                continue  # an adjustment a newer version added: ignored
            lo, hi = ADJUSTMENT_RANGES[k]
            if not _is_number(x) or not lo <= x <= hi:
                self.bad("adjustments", f"The {k} adjustment must be a number from {lo} to {hi}.")
                continue
            out[k] = x
        return image.Adjustments(**out)

    def choice(self, key, choices, label):
        v = self.get(key)
        if not isinstance(v, str) or v not in choices:
            return self.bad(key, f"The {label} {color.shown(v)} is not known to this version of legoremix "
                                 f"(it knows {color.one_of(choices)}).")
        return v

    def bool(self, key):
        v = self.get(key)
        if not isinstance(v, bool):
            return self.bad(key, f"The setting for {_LABELS[key]} must be on or off (true or false).")
        return v

    def optional_bool(self, key):
        v = self.d.get(key)
        if v is not None and not isinstance(v, bool):
            return self.bad(key, f"The setting for {_LABELS[key]} must be on, off or automatic (true, false "
                                 "or empty).")
        return v

    def number(self, key, lo, hi, label):
        v = self.get(key)
        if not _is_number(v) or not lo <= v <= hi:
            return self.bad(key, f"The {label} must be a number from {lo} to {hi}.")
        return v

    def sets(self):
        v = self.get("sets")
        if not isinstance(v, dict):
            return self.bad("sets", "The list of sets is not in the expected form.")
        out = {}
        for key, copies in v.items():
            try:
                s = palettes.find_set(str(key))
            except ValueError as e:
                if any(ls.set_number == str(key).strip() for ls in palettes.sets().values()):
                    self.bad("sets", str(e))  # a number shared by several sets: which one?
                    continue
                self.bad("sets", f"The set {color.shown(key)} is not known to this version of legoremix; the "
                                 "settings may come from a newer version.")
                continue
            total = out.get(s.id, 0) + copies if _is_int(copies) else None
            if total is None or not 0 <= copies or not total <= MAX_COPIES:  # a set named twice adds up
                self.bad("sets", f"The number of copies of {s.name} must be a whole number from 0 to "
                                 f"{MAX_COPIES}.")
                continue
            out[s.id] = int(total)
        return out

    def custom(self):
        v = self.get("custom")
        if not isinstance(v, dict):
            return self.bad("custom", "The list of extra pieces is not in the expected form.")
        out = {}
        known = palettes.colors()
        for key, n in v.items():
            text = key.strip(" ") if isinstance(key, str) else ""
            digits = text.isascii() and text.isdigit()  # "11" or " 11 ", not "1.5" or "1\x1f"
            bl = int(key) if _is_int(key) else int(text) if digits else None
            if bl not in known:
                self.bad("custom", f"The colour {color.shown(key)} of your extra pieces is not a BrickLink "
                                   "colour number this version of legoremix knows.")
                continue
            if not _is_int(n) or not 0 <= n or not out.get(bl, 0) + n <= MAX_CUSTOM:
                self.bad("custom", f"The number of extra {known[bl].name} pieces must be a whole number "
                                   f"from 0 to {MAX_CUSTOM:,}.")
                continue
            out[bl] = out.get(bl, 0) + int(n)
        return out

    def pins(self):
        v = self.get("pins")
        if not isinstance(v, (list, tuple)):
            return self.bad("pins", "The painted studs are not in the expected form.")
        known = palettes.colors()
        out = {}
        for p in v:
            if not (isinstance(p, (list, tuple)) and len(p) == 3 and all(_is_int(x) for x in p)):
                return self.bad("pins", "A painted stud is not in the expected form: its column, row and BrickLink "
                                        "colour number.")
            x, y, bl = (int(q) for q in p)
            if bl not in known:
                return self.bad("pins", f"A painted stud uses BrickLink colour {_shown_number(bl)}, which this "
                                        "version of legoremix does not know.")
            if x < 0 or y < 0:
                return self.bad("pins", "A painted stud lies outside the mosaic.")
            out[(x, y)] = bl  # the last paint of a stud wins
        return tuple((x, y, bl) for (x, y), bl in out.items())

    def custom_parts(self):
        v = self.get("custom_parts")
        if not isinstance(v, dict) or not all(isinstance(c, dict) for c in v.values()):
            return self.bad("custom_parts", "The list of your bigger parts is not in the expected form.")
        known = pieces.known_parts()
        out = {}
        for part, counts in v.items():
            name = part.strip() if isinstance(part, str) else ""
            if name not in known:
                self.bad("custom_parts", f"The part {color.shown(part)} among your bigger parts is not one legoremix "
                                         "knows: it knows the plates, tiles and bricks of its piece types by their "
                                         "BrickLink numbers, for example 3020 (a 2x4 plate).")
                continue
            colors = out.setdefault(name, {})
            for key, n in counts.items():
                text = key.strip(" ") if isinstance(key, str) else ""
                bl = int(key) if _is_int(key) else int(text) if text.isascii() and text.isdigit() else None
                if bl not in palettes.colors():
                    self.bad("custom_parts", f"The colour {color.shown(key)} of your {known[name]}s is not a "
                                             "BrickLink colour number this version of legoremix knows.")
                elif not _is_int(n) or not 0 <= n or not colors.get(bl, 0) + n <= MAX_CUSTOM:
                    self.bad("custom_parts", f"The number of {palettes.colors()[bl].name} {known[name]}s must "
                                             f"be a whole number from 0 to {MAX_CUSTOM:,}.")
                elif n:
                    colors[bl] = colors.get(bl, 0) + int(n)
            if not colors:
                del out[name]
        return out

    def disabled(self):
        v = self.get("disabled")
        if not isinstance(v, (list, tuple)):
            return self.bad("disabled", "The list of colours switched off is not in the expected form.")
        known = palettes.colors()
        bad = [x for x in v if not _is_int(x) or x not in known]
        if bad:
            return self.bad("disabled", f"The colour {color.shown(bad[0])} among the colours switched off is not a "
                                        "BrickLink colour number this version of legoremix knows.")
        return tuple(sorted({int(x) for x in v}))

    # -- 3D relief ------------------------------------------------------------------------
    def section(self):
        v = self.get("section")
        if not _is_int(v) or v not in (8, 16, 32):
            return self.bad("section", "The section size must be 8, 16 or 32 studs.")
        return int(v)

    def levels(self):
        v = self.get("levels")
        lo, hi = depth.MIN_LEVELS, depth.MAX_LEVELS
        if not _is_int(v) or not lo <= v <= hi:
            return self.bad("levels", f"The relief must have {lo} to {hi} levels.")
        return int(v)

    def thresholds(self):
        v = self.d.get("thresholds")
        if v is None:
            return None
        levels = self.d.get("levels", _DEFAULT.levels)
        if not (isinstance(v, (list, tuple)) and all(_is_number(x) for x in v)):
            return self.bad("thresholds", "The relief thresholds must be numbers between 0 and 1.")
        try:
            return depth.check_levels(levels if _is_int(levels) else _DEFAULT.levels, v)
        except depth.DepthError as e:
            return self.bad("thresholds", str(e))

    def relief_pins(self):
        v = self.get("relief_pins")
        if not isinstance(v, (list, tuple)):
            return self.bad("relief_pins", "The raised and lowered studs are not in the expected form.")
        out = {}
        for p in v:
            if not (isinstance(p, (list, tuple)) and len(p) == 3 and all(_is_int(x) for x in p)):
                return self.bad("relief_pins", "A raised or lowered stud is not in the expected form: its column, "
                                               "row and height.")
            x, y, n = (int(q) for q in p)
            if x < 0 or y < 0:
                return self.bad("relief_pins", "A raised or lowered stud lies outside the mosaic.")
            if not 0 <= n < depth.MAX_LEVELS:
                return self.bad("relief_pins", f"A stud can be raised on 0 to {depth.MAX_LEVELS - 1} plates.")
            out[(x, y)] = n  # the last choice for a stud wins
        return tuple((x, y, n) for (x, y), n in out.items())

    def plate_sizes(self):
        v = self.get("plate_sizes")
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
            return self.bad("plate_sizes", "The list of plate sizes is not in the expected form.")
        unknown = [x for x in v if x not in relief.SIZES]
        if unknown:
            return self.bad("plate_sizes", f"There is no {color.shown(unknown[0])} plate among the sizes legoremix "
                                           f"uses ({', '.join(relief.SIZES)}).")
        if "1x1" not in v:
            return self.bad("plate_sizes", "The 1 x 1 plate cannot be switched off: single raised studs need it.")
        return tuple(x for x in relief.SIZES if x in v)  # one order, no repeats

    def plate_color(self):
        v = self.get("plate_color")
        if not _is_int(v) or v not in palettes.colors():
            return self.bad("plate_color", "The colour of the relief plates must be a BrickLink colour number "
                                           "this version of legoremix knows.")
        return int(v)

    # -- bigger pieces ------------------------------------------------------------------
    def sizes(self):
        v = self.get("sizes")
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
            return self.bad("sizes", "The list of part sizes is not in the expected form.")
        try:
            return pieces.check_sizes(v)
        except ValueError as e:
            return self.bad("sizes", str(e))

    def part_costs(self):
        v = self.d.get("part_costs")
        if v is None:
            return None
        if not isinstance(v, dict):
            return self.bad("part_costs", "The part weights are not in the expected form.")
        try:
            costs = pieces.check_costs(v)
        except ValueError as e:
            return self.bad("part_costs", str(e))
        return dict(costs) if costs else None


def defaults() -> dict:
    """The default settings in JSON form (the page starts from these)."""
    return _DEFAULT.to_dict()
