"""The mosaic pipeline: prepare -> encode -> adjust -> space -> match -> dither -> look -> count, each stage
declared once (:data:`STAGES`: its name, the inputs it reads, its function) and cached.

:class:`Pipeline` keeps each stage's output with the key of the inputs it was made from;
a stage's key is made of its inputs' keys, an earlier stage standing for by its own key,
so a change re-runs exactly the stages downstream of it: a palette change does not redo
the downscale, a dither change does not redo the optimal assignment.

========== ==============================================================================
prepare    image, size, crop, background        area-averaged linear image
encode     prepare                              its studs in sRGB and HSV (when first adjusted)
adjust     prepare, encode, adjustments         tonal adjustments
space      adjust, metric                       pixels in the metric's colour space
match      space, palette/stock, seen colours   optimal assignment under the stock
           (piece, compensation, baseplate), pins
dither     match, dithering kind, strength...   labels per stud, within stock
look       dither, match, refine, budget        best look within stock (refine.py), when asked
count      look, palette, owned, size, piece    the :class:`Mosaic` (grid, counts, stock)
photo_seen adjust, size                         the photo blurred as seen from a distance (perceive.py)
scores     look, space, photo_seen, ...         its colour differences: per stud, mean, perceived
========== ==============================================================================
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

from . import _array, color, color_batch, depth as depth_mod, dither as dither_mod, image as image_mod, match, palettes
from . import relief as relief_mod
from . import perceive, refine as refine_mod, tone
from . import pieces as pieces_mod
from .image import Adjustments, RGBA

#: Fraction of a stud's square cell covered by a round piece (circle in a square).
ROUND_COVERAGE = math.pi / 4


@dataclass(frozen=True)
class Options:
    """Every setting that shapes a mosaic (all plain values)."""

    size: tuple = (48, 48)
    crop: tuple | None = None  # (x, y, w, h) in source pixels; None = centred
    background: str = "#ffffff"  # behind transparent pixels
    adjustments: Adjustments = Adjustments()
    metric: str = "ciede2000"
    piece: str = "round-tile"
    round_compensation: bool | None = None  # None: on for round pieces
    baseplate: str = "#212121"  # shows around round studs
    dither: str = "none"
    strength: float = 100
    serpentine: bool = True
    # 3D relief (used when the pipeline has a depth map, see set_depth)
    section: int = 16
    levels: int = depth_mod.DEFAULT_LEVELS
    thresholds: tuple | None = None
    relief_pins: tuple = ()
    plate_sizes: tuple = relief_mod.SIZES
    plate_color: int = relief_mod.DEFAULT_COLOR
    # best look within stock (refine.py); refine_work: units of work at most (the page: the same
    # mosaic on any machine), refine_budget: seconds at most; neither: until done
    refine: bool = False
    refine_budget: float | None = None
    refine_work: int | None = None
    poster: bool = False  # poster mode (tone.py): lightness order dealt onto the stock
    # bigger pieces (pieces.py): allowed sizes ("1x1" only: no packing), per-size weights (None: fewest parts)
    sizes: tuple = ("1x1",)
    part_costs: tuple | None = None  # ((size name, weight), ...)

    def validated(self) -> "Options":
        image_mod.check_size(*self.size)
        color.get_metric(self.metric)
        dither_mod.check_dither(self.dither)
        palettes.check_piece(self.piece)
        color.hex_to_rgb8(self.background)
        color.hex_to_rgb8(self.baseplate)
        depth_mod.check_levels(self.levels, self.thresholds)
        sizes = pieces_mod.check_sizes(self.sizes)
        costs = pieces_mod.check_costs(self.part_costs)
        if sizes != self.sizes or costs != self.part_costs:
            return replace(self, sizes=sizes, part_costs=costs)
        return self

    @property
    def compensate(self) -> bool:
        if self.round_compensation is None:
            return palettes.PIECES[self.piece][2]
        return bool(self.round_compensation)

    def to_dict(self):
        d = asdict(self)
        d["size"] = list(self.size)
        d["crop"] = list(self.crop) if self.crop else None
        return d


@dataclass(kw_only=True)
class Mosaic:
    """The result, as plain data. ``grid[y][x]`` is an index into ``palette``."""

    width: int
    height: int
    grid: list
    palette: list  # of palettes.Color
    counts: list  # studs used per palette colour
    stock: list | None  # per palette colour; None when unlimited
    owned: list | None  # unlimited mode: what the user owns per colour (for "missing")
    delta_e: list | None  # rows of CIEDE2000 per stud (None: not measured yet, see Pipeline.run)
    mean_delta_e: float | None
    piece: str
    options: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    heights: list | None = None  # 3D relief: rows of plates under each stud (0 = on the baseplate)
    plates: list | None = None  # 3D relief: {level, x, y, w, h, part}, level 1 = lowest layer
    plate_color: palettes.Color | None = None  # 3D relief: the plates' colour
    perceived_delta_e: float | None = None  # mean CIEDE2000 as seen from a distance (perceive.py)
    perceived_map: list | None = None  # rows of that error per stud (perceive.error_map): where to touch up;
    # mosaic.json rounds it to whole CIEDE2000 units
    parts: list | None = None  # bigger pieces: {x, y, w, h, color, part} covering every stud (pieces.py)
    part_stock: list | None = None  # bigger pieces owned: {color, size, part, count} (pieces.owned_parts)

    @property
    def missing(self) -> dict:
        """BrickLink id -> studs needed beyond what the user owns (unlimited mode)."""
        if self.owned is None:
            return {}
        return {c.bricklink_id: n - o for c, n, o in zip(self.palette, self.counts, self.owned) if n > o}

    def hex_grid(self):
        return [[self.palette[j].hex for j in row] for row in self.grid]

    def to_dict(self):
        hexes = [c.hex for c in self.palette]
        return {
            "width": self.width,
            "height": self.height,
            "grid": self.hex_grid(),
            "counts": {h: n for h, n in zip(hexes, self.counts) if n},
            "stock": None if self.stock is None else dict(zip(hexes, self.stock)),
            "owned": None if self.owned is None else dict(zip(hexes, self.owned)),
            "missing": {self._hex(k): v for k, v in self.missing.items()},
            "mean_delta_e": None if self.mean_delta_e is None else round(self.mean_delta_e, 4),
            "perceived_delta_e": None if self.perceived_delta_e is None else round(self.perceived_delta_e, 4),
            **({"parts": self.parts, "part_stock": self.part_stock or [], "part_list": pieces_mod.part_list_json(self)}
               if self.parts is not None else {}),
            "delta_e": None if self.delta_e is None else [[round(v, 3) for v in row] for row in self.delta_e],
            # whole CIEDE2000 units: enough for a heat map, and cheap to send at 128 x 128 (float text is not)
            **({"perceived_map": [[int(v + 0.5) for v in row] for row in self.perceived_map]}
               if self.perceived_map is not None else {}),
            "piece": self.piece,
            "palette": [c.to_dict() for c in self.palette],
            "options": self.options,
            "heights": self.heights,
            "plates": self.plates,
            "plate_color": self.plate_color.to_dict() if self.plate_color else None,
        }

    def _hex(self, bl_id):
        return next(c.hex for c in self.palette if c.bricklink_id == bl_id)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, d):
        pal = [palettes.Color.from_dict(c) for c in d["palette"]]
        index = {c.hex: i for i, c in enumerate(pal)}
        grid = [[index[h] for h in row] for row in d["grid"]]
        counts = [d["counts"].get(c.hex, 0) for c in pal]
        stock = None if d.get("stock") is None else [d["stock"][c.hex] for c in pal]
        owned = None if d.get("owned") is None else [d["owned"].get(c.hex, 0) for c in pal]
        return cls(width=d["width"], height=d["height"], grid=grid, palette=pal, counts=counts, stock=stock,
                   owned=owned, delta_e=d.get("delta_e", []), mean_delta_e=d.get("mean_delta_e"),
                   piece=d.get("piece", "round-tile"), options=d.get("options", {}),
                   heights=d.get("heights"), plates=d.get("plates"),
                   plate_color=palettes.Color.from_dict(d["plate_color"]) if d.get("plate_color") else None,
                   perceived_delta_e=d.get("perceived_delta_e"), perceived_map=d.get("perceived_map"),
                   parts=d.get("parts"), part_stock=d.get("part_stock"))

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))


def seen_color(hex_: str, compensate: bool, baseplate: str):
    """Linear colour the eye sees for a piece: for round studs, the piece mixed in linear
    light with the baseplate visible around it (coverage pi/4)."""
    lin = color.hex_to_linear(hex_)
    if not compensate:
        return lin
    base = color.hex_to_linear(baseplate)
    f = ROUND_COVERAGE
    return tuple(f * p + (1 - f) * b for p, b in zip(lin, base))


class Pipeline:
    """Stateful, cached mosaic maker (one per open image in the app)."""

    def __init__(self):
        self._image: RGBA | None = None
        self._image_token = 0
        self.options = Options()
        self.palette: palettes.Palette | None = None
        self.owned: dict | None = None
        self.part_stock: dict = {}  # bigger parts owned: {(BrickLink id, "WxH"): count}
        self.pins: tuple = ()  # (x, y, BrickLink id) painted by the user
        self._depth: depth_mod.DepthMap | None = None  # 3D relief: depth over the whole photo
        self._depth_token = 0
        self._cache: dict = {}  # stage name -> (key, value) of its last run
        self._kept: dict = {}  # stage name -> earlier (key, value), newest first (Stage.keep)
        self.stage_runs: dict = {}  # stage name -> how many times it ran (for tests)
        #: ``progress(fraction[, label])`` while a long stage runs: the best look (no label), the
        #: relief's plates (label RELIEF_PROGRESS) or the dithering of a big mosaic (DITHER_PROGRESS);
        #: not part of any key
        self.progress: Callable | None = None

    # -- inputs ------------------------------------------------------------------
    def set_image(self, img: RGBA):
        self._image = img
        self._image_token += 1
        if self._depth is not None:  # a depth map belongs to one photo
            self.set_depth(None)

    def set_options(self, **changes):
        opts = replace(self.options, **changes)
        if isinstance(opts.adjustments, dict):
            opts = replace(opts, adjustments=Adjustments(**opts.adjustments))
        self.options = opts.validated()

    def set_palette(self, palette: palettes.Palette, owned: dict | None = None, part_stock: dict | None = None):
        """Use ``palette``; ``owned`` (BrickLink id -> count) lets unlimited mode say
        which pieces are missing; ``part_stock`` ({(BrickLink id, "WxH"): count}) is the
        bigger parts owned (see :func:`legoremix.pieces.owned_parts`)."""
        self.palette = palette
        self.owned = owned
        self.part_stock = dict(part_stock or {})

    def set_depth(self, depth_map):
        """A :class:`legoremix.depth.DepthMap` over the whole photo (the mosaic becomes a
        relief), or None for a flat mosaic."""
        self._depth = depth_map
        self._depth_token += 1

    def set_pins(self, pins):
        """Studs painted by the user, as in the settings: ``[(x, y, BrickLink id), ...]``
        (studs outside the canvas are kept for later and ignored)."""
        self.pins = tuple((int(x), int(y), int(bl)) for x, y, bl in pins)

    # -- running the declared stages ---------------------------------------------
    def _inputs(self, o: Options):
        """Every value a stage may name, and the cache key standing for each one."""
        pal = self.palette
        pins = self._pin_indices(pal, *o.size)
        metric = color.get_metric(o.metric)
        seen = [seen_color(c.hex, o.compensate, o.baseplate) for c in pal.colors]
        values = {name: getattr(o, name) for name in Options.__dataclass_fields__}
        values.update(image=self._image, options=o, metric=metric, palette=pal, pins=pins,
                      compensate=o.compensate, seen=seen, owned=self.owned, depth_map=self._depth, part_stock=self.part_stock,
                      progress=self.progress)
        keys = dict(values)
        keys.update(image=self._image_token, options=None, metric=o.metric, pins=tuple(sorted(pins.items())),
                    progress=None,
                    palette=(tuple(c.bricklink_id for c in pal.colors), tuple(pal.stock)),
                    seen=tuple(seen),  # square pieces, or another baseplate: every colour seen anew
                    owned=None if self.owned is None else tuple(sorted(self.owned.items())),
                    depth_map=self._depth_token, part_stock=tuple(sorted(self.part_stock.items())))
        return values, keys

    def run(self, scores: bool = True) -> Mosaic:
        """The mosaic for the current photo and settings, made from the stages that changed.
        ``scores=False`` leaves out the colour differences (``delta_e``, ``mean_delta_e``,
        ``perceived_delta_e``, ``perceived_map`` are None): at 128x128 they are about 40 % of a
        slider change, and the page shows the mosaic before them (a second ``run()`` then
        computes only them)."""
        if self._image is None:
            raise ValueError("There is no photo yet: open one first.")
        if self.palette is None:
            raise ValueError(NO_INVENTORY)
        o = self.options.validated()
        match.check_feasible(o.size[0] * o.size[1], self.palette.stock)  # before any image work: fail fast
        values, keys = self._inputs(o)
        backend = _array.backend()
        t = {}
        for stage in STAGES:
            if stage.scores and not scores:
                values[stage.name] = keys[stage.name] = None
                continue
            # a stage's key: its inputs' keys (an earlier stage stands for by its own key), so a
            # change re-runs exactly the stages downstream of it
            key = (backend,) + tuple(keys[name] for name in stage.inputs)
            t0 = time.perf_counter()
            hit = self._cache.get(stage.name)
            if hit is not None and hit[0] == key:
                value = hit[1]
            else:
                older = self._kept.setdefault(stage.name, []) if stage.keep > 1 else []
                i = next((i for i, (k, _) in enumerate(older) if k == key), None)
                if i is not None:  # an earlier result of this stage (Stage.keep)
                    value = older.pop(i)[1]
                else:
                    value = stage.run(**{name: values[name] for name in stage.inputs})
                    self.stage_runs[stage.name] = self.stage_runs.get(stage.name, 0) + 1
                if hit is not None and stage.keep > 1:
                    older.insert(0, hit)
                    del older[stage.keep - 1:]
                self._cache[stage.name] = (key, value)
            t[stage.name] = time.perf_counter() - t0
            values[stage.name], keys[stage.name] = value, key
        t["backend"] = backend
        return replace(values["count"], **(values["scores"] or {}), options=o.to_dict(), timings=t,
                       parts=values["pieces"],
                       part_stock=None if values["pieces"] is None else
                       pieces_mod.stock_rows(self.part_stock, values["palette"], o.piece), **values["relief"])

    def _pin_indices(self, pal, w, h):
        """Painted studs inside the canvas as ``{stud index: palette index}``."""
        idx = {c.bricklink_id: j for j, c in enumerate(pal.colors)}
        out = {}
        absent: dict = {}  # BrickLink id -> painted studs, for colours not in the palette
        for x, y, bl in self.pins:
            if not (0 <= x < w and 0 <= y < h):
                continue  # painted outside the current canvas: ignored, kept for later
            i = y * w + x
            if bl not in idx:
                absent[bl] = absent.get(bl, 0) + 1
                continue
            out[i] = idx[bl]
        if absent:
            ids = sorted(absent)
            names = [palettes.color_name(k) for k in ids]
            painted = color.one_of((_studs(absent[k], name) for k, name in zip(ids, names)), "and")
            them = "those studs" if sum(absent.values()) > 1 else "that stud"
            if pal.unlimited:  # every colour of the piece family is offered: this one is not made
                label = palettes.PIECES[self.options.piece][1]
                raise match.InventoryError(
                    f"You painted {painted}, but {color.one_of(names, 'and')} {'is' if len(ids) == 1 else 'are'} "
                    f"not made as a {label}. Paint {them} another colour or choose another piece.")
            raise match.InventoryError(
                f"You painted {painted}, but your pieces include no {color.one_of(names)}. Paint {them} "
                "another colour, add pieces of that colour, or use unlimited mode.")
        return out

NO_INVENTORY = ("There is no inventory to build with: choose at least one set you own, add some pieces, "
                "or use unlimited mode.")


def _studs(n: int, name: str) -> str:
    """``1 stud Black``, ``3 studs Black``."""
    return f"{n} stud{'' if n == 1 else 's'} {name}"


# -- the stages ---------------------------------------------------------------------------
# Each stage is a plain function of named inputs: option fields (see Options), the pipeline's
# inputs (image, palette, pins, owned), derived values (metric, compensate, seen) or earlier
# stages by name. STAGES declares them in order; Pipeline.run caches each on its inputs.

@dataclass(frozen=True)
class Stage:
    name: str
    inputs: tuple
    run: Callable
    #: Results kept, newest first, each with its key. A stage whose result depends on more
    #: than its inputs (``look`` with a time budget: how far the refine gets depends on the
    #: machine's load) keeps several, so that undo, redo or a setting toggled back gives the
    #: very mosaic seen before instead of computing a slightly different one.
    keep: int = 1
    #: A score of the mosaic (how close it is to the photo), not the mosaic itself:
    #: ``Pipeline.run(scores=False)`` leaves these stages out, so that the page draws the
    #: mosaic first and asks for its scores next.
    scores: bool = False


def _prepare(image, size, crop, background):
    return image_mod.downscale(image, size, crop, background)


def _encode(prepare):
    """The prepared studs in sRGB and HSV (image.Encoded, worked out when first adjusted):
    kept while only the adjustments change, so a slider converts only from there on."""
    return image_mod.Encoded(prepare)


def _adjust(prepare, encode, adjustments):
    return image_mod.adjust(prepare, adjustments, encode)


def _space(adjust, metric):
    return match.to_space(adjust, metric)


def _match(space, metric, palette, seen, pins, adjust, poster, size):
    """The optimal assignment of the unpainted studs under the stock left after painting
    (poster mode: their lightness order dealt onto the stock, see tone.py)."""
    stock = palette.stock
    n = len(space)
    free = [i for i in range(n) if i not in pins] if pins else range(n)
    free_stock = list(stock)
    for j in pins.values():
        if free_stock[j] is not None:
            free_stock[j] -= 1
    over = [j for j, s in enumerate(free_stock) if s is not None and s < 0]
    if over:
        cols = palette.colors
        if len(over) == 1:
            j = over[0]
            text = (f"You painted {_studs(stock[j] - free_stock[j], cols[j].name)} but your pieces "
                    f"have only {stock[j]} of it.")
        else:
            painted = color.one_of((_studs(stock[j] - free_stock[j], cols[j].name) for j in over), "and")
            have = color.one_of((f"{stock[j]} {cols[j].name}" for j in over), "and")
            text = f"You painted {painted}, but your pieces have only {have}."
        raise match.InventoryError(text + " Unpaint some of those studs, add pieces, or use unlimited mode.")
    if poster:
        light = tone.poster_lightness(adjust, *size)
        return tone.poster_assignment([light[i] for i in free], seen, free_stock), free, free_stock
    np = _array.np()
    if np is not None:
        sub = space[np.asarray(free, dtype=np.int64)] if pins else space
    else:
        sub = [space[i] for i in free] if pins else space
    pal_sp = [metric.to_space_1(c) for c in seen]
    # on the distinct colours; a colour split between studs of the same colour is spread over them
    return (match.solve_pixels(sub, pal_sp, metric, free_stock, width=size[0], places=free),
            free, free_stock)


def _dither(match, adjust, metric, seen, pins, size, dither, strength, serpentine, poster, progress):
    """Labels per stud: the optimal assignment as it is, or dithered within the stock
    (not in poster mode: dithering by colour would undo the lightness order)."""
    assignment, free, free_stock = match
    w, h = size
    if dither == "none" or strength <= 0 or poster:
        if not pins:
            return list(assignment.labels)
        labels = [0] * (w * h)
        for i, j in pins.items():
            labels[i] = j
        for i, j in zip(free, assignment.labels):
            labels[i] = j
        return labels
    pal_sp = [metric.to_space_1(c) for c in seen]
    return dither_mod.dither(image_mod.to_list(adjust), w, h, seen, pal_sp, metric, free_stock, assignment.prices,
                             dither, strength, serpentine, pins, _labelled(progress, DITHER_PROGRESS))


def _delta_e(adjusted, space, metric, seen, labels):
    """CIEDE2000 between each prepared pixel and the colour seen at its stud. A CIELAB
    metric's ``space`` stage already holds each pixel in CIELAB (the same values: both
    paths convert the same way there), so it is not converted again."""
    np = _array.np()
    pal_lab = [color.linear_to_lab_1(s) for s in seen]
    in_lab = metric.in_cielab
    if np is not None:
        lab = space if in_lab else color.linear_to_lab(np.asarray(adjusted).reshape(-1, 3))
        q = np.asarray(pal_lab)[np.asarray(labels)]
        return color.ciede2000(lab, q).tolist()
    lab = space if in_lab else color_batch.linear_to_lab_pixels(adjusted)
    return color_batch.ciede2000_to_palette(lab, pal_lab, labels)


def _look(poster, refine, **inputs):
    """The best look within stock when asked (refine.look), but not in poster mode: it would
    trade the lightness order back for colour."""
    return refine_mod.look(refine=refine and not poster, **inputs)


def _photo_seen(adjust, size):
    """The photo as the eye sees it from a distance (blurred, CIELAB): the same for every
    mosaic of this crop and size, so kept while pieces, dithering or stock change."""
    return perceive.seen_lab(adjust, *size)


def _count(look, palette, owned, size, piece):
    """The result: grid, counts, stock or what is owned (its colour differences: ``scores``)."""
    labels = look
    w, h = size
    counts = [0] * len(palette.colors)
    for j in labels:
        counts[j] += 1
    own = None
    if palette.unlimited and owned is not None:
        own = [int(owned.get(c.bricklink_id, 0)) for c in palette.colors]
    return Mosaic(width=w, height=h, grid=[labels[y * w:(y + 1) * w] for y in range(h)],
                  palette=list(palette.colors), counts=counts,
                  stock=None if palette.unlimited else list(palette.stock), owned=own,
                  delta_e=None, mean_delta_e=None, piece=piece)


def _scores(look, adjust, space, metric, photo_seen, seen, size):
    """How close the mosaic is to the photo: CIEDE2000 per stud and its mean, and the
    perceived error (perceive.py) per stud and its mean; fields of :class:`Mosaic`."""
    labels = look
    w, h = size
    de = _delta_e(adjust, space, metric, seen, labels)
    seen_de = perceive.error_map(adjust, [seen[j] for j in labels], w, h, photo_seen)
    return dict(delta_e=[de[y * w:(y + 1) * w] for y in range(h)], mean_delta_e=sum(de) / (w * h),
                perceived_delta_e=sum(seen_de) / (w * h), perceived_map=[seen_de[y * w:(y + 1) * w] for y in range(h)])


def _depth(depth_map, image, size, crop):
    """3D relief: normalised depth per stud, under the mosaic's crop (None: no depth map)."""
    if depth_map is None:
        return None
    crop = crop or image_mod.default_crop(image.width, image.height, *size)
    return depth_mod.stud_depth(depth_map, (image.width, image.height), crop, size)


def _heights(depth, levels, thresholds, relief_pins):
    """3D relief: plates under each stud, from the levels and the person's own changes."""
    if depth is None:
        return None
    return depth_mod.heights(depth, levels, thresholds, relief_pins)


def _relief(heights, plate_sizes, section, plate_color, progress):
    """3D relief: the Mosaic fields (heights, the fewest plates under them, their colour);
    ``progress(fraction, label)`` while the plates are packed (seconds at 128x128)."""
    if heights is None:
        return {}
    return {"heights": heights, "plates": relief_mod.plates(heights, plate_sizes, section,
                                                            _labelled(progress, RELIEF_PROGRESS)),
            "plate_color": palettes.colors()[plate_color]}


def _pieces(look, size, palette, piece, sizes, section, part_costs, heights, part_stock):
    """Bigger pieces: the studs merged into the fewest parts that exist in each colour
    (on a relief, only studs at the same height; with a limited palette, no more of a
    bigger part than owned when some are)."""
    return pieces_mod.pack_mosaic(look, size, palette, piece, sizes, section, dict(part_costs or ()), heights,
                                  part_stock)


def _labelled(progress, label):
    """``progress(fraction)`` for a stage that reports with ``label`` (the page's status line),
    or None when nobody listens."""
    return None if progress is None else (lambda f: progress(f, label))


#: What the page says while the relief's plates are packed (``Pipeline.progress``'s label).
RELIEF_PROGRESS = "Packing the relief plates"
#: What the page says while a big mosaic is dithered.
DITHER_PROGRESS = "Dithering"

#: Best looks kept (Stage.keep): a refine bounded by time (``refine_budget``) can end elsewhere
#: when computed again; undo and redo reach the last ones (and a refine is never done twice).
LOOKS_KEPT = 16

#: The pipeline, in order. A new stage (relief, piece packing) is one more entry here.
STAGES = (
    Stage("prepare", ("image", "size", "crop", "background"), _prepare),
    Stage("encode", ("prepare",), _encode),
    Stage("adjust", ("prepare", "encode", "adjustments"), _adjust),
    Stage("space", ("adjust", "metric"), _space),
    Stage("match", ("space", "metric", "palette", "seen", "pins", "adjust", "poster", "size"), _match),
    Stage("dither", ("match", "adjust", "metric", "seen", "pins", "size", "dither", "strength", "serpentine",
                     "poster", "progress"), _dither),
    Stage("look", ("dither", "match", "adjust", "metric", "seen", "pins", "size", "refine", "refine_budget",
                   "refine_work", "progress", "poster"), _look, keep=LOOKS_KEPT),
    Stage("count", ("look", "palette", "owned", "size", "piece"), _count),
    Stage("photo_seen", ("adjust", "size"), _photo_seen, scores=True),
    Stage("scores", ("look", "adjust", "space", "metric", "photo_seen", "seen", "size"), _scores, scores=True),
    Stage("depth", ("depth_map", "image", "size", "crop"), _depth),
    Stage("heights", ("depth", "levels", "thresholds", "relief_pins"), _heights),
    Stage("relief", ("heights", "plate_sizes", "section", "plate_color", "progress"), _relief),
    Stage("pieces", ("look", "size", "palette", "piece", "sizes", "section", "part_costs", "heights",
                     "part_stock"), _pieces),
)


def build_palette(sets=(), copies=None, custom=None, unlimited=False, piece="round-tile"):
    """The palette for sets/custom pieces; ``unlimited`` adds every colour of the piece
    family without limits and returns what is owned for the 'missing' report."""
    owned = palettes.inventory(sets, copies, custom) if (sets or custom) else {}
    if unlimited:
        return palettes.unlimited_palette(piece, [k for k, v in owned.items() if v > 0]), owned
    if not owned:
        raise ValueError(NO_INVENTORY)
    return palettes.palette_from_inventory(owned), None


def make_mosaic(source, sets=(), copies=None, custom=None, unlimited=False, pins=None, custom_parts=None,
                **options) -> Mosaic:
    """One-shot helper: ``source`` is a file path or an :class:`RGBA` image; ``custom_parts``
    as the setting (bigger parts owned, see :func:`legoremix.pieces.with_parts`)."""
    img = source if isinstance(source, RGBA) else image_mod.load(source, max_side=8 * max(options.get("size", (48, 48))))
    p = Pipeline()
    p.set_image(img)
    p.set_options(**options)
    custom, part_stock = pieces_mod.with_parts(custom, custom_parts, p.options.piece, p.options.sizes)
    pal, owned = build_palette(sets, copies, custom, unlimited, p.options.piece)
    p.set_palette(pal, owned, part_stock)
    if pins:
        p.set_pins(pins)
    return p.run()
