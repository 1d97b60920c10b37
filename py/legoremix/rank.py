"""Which set fits this picture (issue 12, item 3): every set, some pairs of sets and extra
copies, ranked by the perceived error their pieces can reach for the current photo, crop
and size; and the cheapest additions to the pieces the person has.

Each candidate inventory is judged as auto adjust judges adjustments (:mod:`legoremix.tone`):
the flat optimal assignment under its stock (:func:`legoremix.match.solve`) of a small proxy
of the mosaic (at most :data:`RANK_STUDS` studs, same crop and aspect, stock scaled in
proportion), scored by the perceived error (:mod:`legoremix.perceive`) against the photo with
the person's adjustments. The colour differences of the proxy's studs to every colour are
computed once and shared by all candidates, so a candidate costs one transportation problem
and one blur.

Candidates, pruned so the ranking takes a few seconds on the pure-Python path:

- every known set, with the fewest copies that cover the mosaic (at most
  :data:`legoremix.settings.MAX_COPIES`);
- one more copy of each of the :data:`TOP` best sets (more pieces of the colours that matter);
- every pair of the :data:`TOP` best sets, as many copies of each as it takes together to
  cover the mosaic (one each for a 48 x 48).

*Cheapest additions*: to the person's own pieces, ``step`` more pieces of one colour of the
piece family (``step`` about a twentieth of the mosaic's studs, a round number). A cheap
screen (the flat cost those pieces would save at the studs they suit best) picks the
:data:`SCREEN` most promising colours; each is judged in full, and the best are then added
together while each still helps (greedy), giving "adding these 300 pieces would cut the
error by 20 %".
"""
from __future__ import annotations

import base64
import itertools
import math
import time

from . import _array, color, image, match, palettes, pipeline, project, tone
from .settings import MAX_COPIES, Settings

#: Largest proxy for the ranking, in studs.
RANK_STUDS = 400
#: Colours whose extra pieces are judged in full for the additions (after a cheap screening).
SCREEN = 6
#: Extra copies and pairs are tried for this many of the best single sets.
TOP = 4
#: Colours whose extra step is combined into the suggested additions.
ADD_COLOURS = 3


class Ranker:
    """Judges inventories for one photo, crop, size and piece (see the module doc)."""

    def __init__(self, img: image.RGBA, s: Settings, limit: int = RANK_STUDS, extra=()):
        o = pipeline.Options(piece=s.piece, round_compensation=s.round_compensation)
        self.proxy = tone.make_proxy(img, s.size, s.crop, s.background, s.metric, limit,
                                     None if s.adjustments.is_identity() else s.adjustments)
        ids = {int(k) for ls in palettes.sets().values() for k in ls.studs}  # every colour a set,
        ids.update(c.bricklink_id for c in palettes.family_colors(s.piece))  # an addition
        ids.update(extra)  # or the person's own pieces may bring
        self.ids = sorted(ids)
        self.col = {bl: j for j, bl in enumerate(self.ids)}
        hexes = [palettes.colors()[bl].hex for bl in self.ids]
        self.seen = [pipeline.seen_color(hx, o.compensate, o.baseplate) for hx in hexes]
        self.rgb = [color.hex_to_rgb8(hx) for hx in hexes]
        m = self.proxy.metric
        self.costs = match.cost_matrix(match.to_space(self.proxy.photo, m), [m.to_space_1(c) for c in self.seen], m)
        self.evaluations = 0
        self._rows = None  # the cost matrix as lists (the screening reads it row by row)

    def judge(self, inventory: dict):
        """``(perceived error, labels as BrickLink ids)`` of an inventory (BrickLink id ->
        count), or None when it cannot cover the mosaic."""
        ids = sorted(bl for bl, n in inventory.items() if n > 0)
        stock = [int(inventory[bl]) for bl in ids]
        if sum(stock) < self.proxy.n_full:
            return None
        idx = [self.col[bl] for bl in ids]
        np = _array.np()
        if np is not None:
            sub = self.costs[:, np.asarray(idx, dtype=np.int64)]
        else:
            sub = [[r[j] for j in idx] for r in self.costs]
        labels = match.solve(sub, self.proxy.stock_for(stock)).labels
        self.evaluations += 1
        err = tone.seen_error(self.proxy, [self.seen[j] for j in idx], labels)
        return err, [ids[j] for j in labels]

    def screen_gain(self, labels, bl: int, step: int) -> int:
        """A cheap estimate of what ``step`` more pieces of colour ``bl`` are worth: the flat
        cost saved if they went to the proxy studs they suit best (cost units; ignores the
        reshuffle the solver would make, so only used to choose which colours to judge)."""
        j = self.col[bl]
        if self._rows is None:
            self._rows = self.costs.tolist() if hasattr(self.costs, "tolist") else self.costs
        rows = self._rows
        saved = sorted((r[self.col[cur]] - r[j] for r, cur in zip(rows, labels)), reverse=True)
        return sum(v for v in saved[:step] if v > 0)

    def thumbnail(self, labels) -> str:
        """A PNG data URL of the proxy mosaic, one pixel per stud (the page scales it up)."""
        px = bytearray()
        for bl in labels:
            px += bytes(self.rgb[self.col[bl]]) + b"\xff"
        png = project.encode_png_rgba(image.RGBA(self.proxy.width, self.proxy.height, bytes(px)))
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def copies_needed(total: int, studs: int) -> int:
    """The fewest copies of a set of ``total`` pieces that cover ``studs`` studs."""
    return max(1, -(-studs // total)) if total else MAX_COPIES + 1


def label(sets: dict) -> str:
    """``Batman (31205) + 2 x Elvis (31204)``."""
    return " + ".join((f"{n} x " if n > 1 else "") + palettes.find_set(k).short_name for k, n in sets.items())


def _candidate(r: Ranker, sets: dict):
    res = r.judge(palettes.inventory(list(sets), sets))
    if res is None:
        return None
    return {"sets": dict(sets), "label": label(sets), "perceived": res[0], "_labels": res[1],
            "pieces": sum(palettes.find_set(k).total * n for k, n in sets.items())}


def candidates(r: Ranker) -> list:
    """Every candidate's ``{sets, label, perceived, pieces}``, best first (ties by label)."""
    n = r.proxy.n_full
    out = []
    for s in palettes.sets().values():
        c = copies_needed(s.total, n)
        if c <= MAX_COPIES:
            cand = _candidate(r, {s.id: c})
            if cand:
                out.append(cand)
    out.sort(key=lambda c: (c["perceived"], c["label"]))
    top = out[:TOP]
    for c in top:
        (k, copies), = c["sets"].items()
        if copies < MAX_COPIES:
            more = _candidate(r, {k: copies + 1})
            if more:
                out.append(more)
    for a, b in itertools.combinations(top, 2):
        (ka, _), (kb, _) = next(iter(a["sets"].items())), next(iter(b["sets"].items()))
        c = copies_needed(palettes.find_set(ka).total + palettes.find_set(kb).total, n)  # as many of each
        pair = _candidate(r, dict(sorted({ka: c, kb: c}.items()))) if c <= MAX_COPIES else None
        if pair:
            out.append(pair)
    seen_keys, unique = set(), []
    for c in sorted(out, key=lambda c: (c["perceived"], c["label"])):
        key = tuple(sorted(c["sets"].items()))
        if key not in seen_keys:
            seen_keys.add(key)
            unique.append(c)
    return unique


def nice_step(studs: int) -> int:
    """About a twentieth of ``studs``, as a round number of pieces (10, 25, 50, 100, 200 ...)."""
    target = max(10, studs / 20)
    steps = [m * 10 ** e for e in range(1, 7) for m in (1, 2, 2.5, 5)]
    return int(min(steps, key=lambda v: (abs(math.log(v / target)), v)))


def additions(r: Ranker, owned: dict, piece: str, disabled=()) -> dict | None:
    """The cheapest additions to ``owned`` (BrickLink id -> count): ``{pieces: {id: n},
    total, before, after, percent, sentence}``, or None when nothing helps or the pieces do
    not cover the mosaic yet."""
    base = r.judge(owned)
    if base is None:
        return None
    before, labels = base
    step = nice_step(r.proxy.n_full)
    pstep = -(-step * r.proxy.n // r.proxy.n_full)
    family = [c.bricklink_id for c in palettes.family_colors(piece) if c.bricklink_id not in disabled
              and c.bricklink_id in r.col]
    screened = sorted(family, key=lambda bl: (-r.screen_gain(labels, bl, pstep), bl))[:SCREEN]
    gains = []
    for bl in screened:
        res = r.judge(palettes.combine(owned, {bl: step}))
        if res and res[0] < before:
            gains.append((res[0], bl))
    if not gains:
        return None
    gains.sort()
    bundle, after = {gains[0][1]: step}, gains[0][0]
    for _, bl in gains[1:ADD_COLOURS]:
        res = r.judge(palettes.combine(owned, bundle, {bl: step}))
        if res and res[0] < after:
            bundle[bl], after = step, res[0]
    total = sum(bundle.values())
    percent = tone.rel_gain(before, after)
    names = color.one_of([f"{n} {palettes.color_name(bl)}" for bl, n in bundle.items()], "and")
    sentence = (f"Adding these {total} pieces would cut the error seen from a distance by {percent:.0f} % "
                f"({before:.1f} to {after:.1f}): {names}.")
    return {"pieces": {str(bl): n for bl, n in bundle.items()}, "total": total, "before": before, "after": after,
            "percent": percent, "sentence": sentence}


def rank(img: image.RGBA, s: Settings, limit: int = RANK_STUDS, thumbnails: bool = True) -> dict:
    """The ranking for a photo and settings: ``{candidates: [{sets, label, perceived,
    pieces, thumb}], current, additions, proxy: [w, h], evaluations, seconds}``.
    ``current``: the perceived error the person's own pieces reach on the same proxy (None
    in unlimited mode or when they do not cover the mosaic)."""
    t0 = time.perf_counter()
    owned = {}
    if not s.unlimited and not s.inventory_problem():  # the person's pieces, as the pipeline has them
        p = pipeline.Pipeline()
        project.configure(p, s)
        owned = {c.bricklink_id: n for c, n in zip(p.palette.colors, p.palette.stock) if n}
    r = Ranker(img, s, limit, owned)
    cands = candidates(r)
    for c in cands:
        labels = c.pop("_labels")
        if thumbnails:
            c["thumb"] = r.thumbnail(labels)
    current = r.judge(owned) if owned else None
    adds = additions(r, owned, s.piece, set(getattr(s, "disabled", ()))) if owned else None
    return {"candidates": cands, "current": current[0] if current else None, "additions": adds,
            "proxy": [r.proxy.width, r.proxy.height], "evaluations": r.evaluations,
            "seconds": time.perf_counter() - t0}
