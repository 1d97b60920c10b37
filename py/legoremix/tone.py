"""Tone for small palettes: *auto adjust* and *poster mode* (issue 12, item 2).

A set with seven colours cannot copy a photo's colours; it can only choose which parts of
the photo get which pieces. Two ways to make that choice well:

**Auto adjust** searches the ordinary tonal adjustments (:class:`legoremix.image.Adjustments`:
brightness, contrast, saturation, hue and the lightness curve ``gamma``) for the ones whose
mosaic *looks* closest to the photo. The mosaic of a candidate is the optimal assignment
under the stock (:func:`legoremix.match.solve`) of the photo *with* those adjustments; its
error is the perceived error (:mod:`legoremix.perceive`) against the photo *without* them,
so the adjustments act as a pre-distortion of what the matcher aims at (as gamut mapping
does for a printer) and can never "win" by changing the reference. The search is a
pattern search (coordinate steps of + and - a step per adjustment, the step halved when no
move helps; R. Hooke and T. A. Jeeves, "'Direct search' solution of numerical and
statistical problems", J. ACM 8, 1961) on a *proxy*: the mosaic at its own size, or, for
large mosaics, a smaller one of the same aspect and crop with the stock scaled in
proportion (:class:`Proxy`). It starts from the better of no adjustments and the person's
own, and only ever moves to a better point, so its result is never worse than either. The
result is ordinary settings the person can change further.

**Poster mode** maps the photo's *lightness order* onto the stock, as the Lego Art box art
does: the studs sorted from dark to light (CIELAB L*) are dealt out to the colours sorted
from dark to light (as seen, round studs mixed with the baseplate), each colour taking a
share of the studs in proportion to its stock (quantiles weighted by stock; equal shares in
unlimited mode). A face stays a face in Warhol pink and yellow, because what the eye reads
as shape is lightness. It never uses more pieces of a colour than the stock holds:
colour ``j`` gets ``floor(n C_j / S) - floor(n C_{j-1} / S) <= ceil(n s_j / S) <= s_j``
studs for cumulative stock ``C`` and total ``S >= n``.

Both run the same scalar code on both engine paths where it decides anything (the costs
are integers, the lightness order is computed by the same scalar function).
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace

from . import color, dither as dither_mod, image, match, perceive

#: Largest proxy, in studs: auto adjust judges a mosaic on at most this many (a 48 x 48 mosaic
#: as it is: smaller proxies chose adjustments that did not carry over, see docs/benchmarks.md) ...
PROXY_STUDS = 2304
#: ... after taking its big steps on one of at most this many.
COARSE_STUDS = 576
#: The adjustments auto adjust searches: name -> (first step, smallest step, lowest, highest).
SEARCH = {
    "brightness": (16, 4, -60, 60),
    "contrast": (16, 4, -60, 80),
    "gamma": (32, 8, -100, 100),
    "saturation": (32, 8, -100, 100),
    "hue": (40, 10, -180, 180),
}
#: Auto adjust evaluates at most this many candidates (both proxies together).
MAX_EVALS = 72
#: A candidate must lower the error by this fraction to be taken (so both engine paths,
#: whose errors may differ in the last bits, walk the same way).
REL_TOL = 1e-6


# -- the proxy: a small mosaic that stands for the real one ---------------------------------

def proxy_size(width: int, height: int, limit: int = PROXY_STUDS) -> tuple:
    """The mosaic's own size when it has at most ``limit`` studs, else the largest size of
    about the same aspect with at most ``limit`` studs."""
    if width * height <= limit:
        return width, height
    return image.largest_size(width, height, limit)


def scale_stock(stock, n_full: int, n_proxy: int) -> list:
    """Stock for a proxy of ``n_proxy`` studs standing for ``n_full``: each count scaled in
    proportion and rounded up (so a stock that covers the mosaic covers the proxy)."""
    return [None if s is None else -(-s * n_proxy // n_full) for s in stock]


@dataclass
class Proxy:
    """A small stand-in for one photo, crop and size: the photo's studs (linear light,
    *before* adjustments), their blurred CIELAB (the reference of the perceived error), and
    how studs are matched (metric, the colour seen of each piece)."""

    width: int
    height: int
    n_full: int  # studs of the real mosaic
    photo: list  # w*h linear triples, before adjustments
    photo_seen: object  # perceive.seen_lab(photo)
    metric: color.Metric

    @property
    def n(self) -> int:
        return self.width * self.height

    def stock_for(self, stock) -> list:
        return scale_stock(stock, self.n_full, self.n) if self.n != self.n_full else list(stock)


def make_proxy(img: image.RGBA, size, crop=None, background="#ffffff", metric="ciede2000",
               limit: int = PROXY_STUDS, adjustments: image.Adjustments | None = None) -> Proxy:
    """The proxy of a photo for a mosaic of ``size`` studs cut from ``crop`` (None: the
    centred crop of that size's aspect); ``adjustments``: the photo as adjusted (the set
    ranking judges mosaics against the photo as the person sees it)."""
    w, h = size
    crop = crop or image.default_crop(img.width, img.height, w, h)
    pw, ph = proxy_size(w, h, limit)
    photo = image.downscale(img, (pw, ph), crop, background)
    photo = image.to_list(image.adjust(photo, adjustments) if adjustments else photo)
    return Proxy(pw, ph, w * h, photo, perceive.seen_lab(photo, pw, ph), color.get_metric(metric))


def flat_labels(proxy: Proxy, target, seen_sp, stock):
    """The optimal assignment (:func:`legoremix.match.solve`) of ``target`` (linear
    triples) to the colours whose metric-space values are ``seen_sp``; ``stock`` as given."""
    costs = match.cost_matrix(match.to_space(target, proxy.metric), seen_sp, proxy.metric)
    return match.solve(costs, stock)


@dataclass(frozen=True)
class Look:
    """How the person's settings turn a target into studs (auto adjust judges that mosaic):
    the flat optimum, dithering within stock, poster mode; ``refine``: the best look within
    stock is checked at the end (too slow to run for every candidate)."""

    dither: str = "none"
    strength: float = 100
    serpentine: bool = True
    poster: bool = False
    refine: bool = False


FLAT = Look()


def look_labels(proxy: Proxy, target, seen, seen_sp, stock, look: Look = FLAT) -> list:
    """Palette index per proxy stud for ``target`` (linear triples) as ``look`` makes it
    (with ``refine``, the Floyd-Steinberg start stands for it unless another dithering is on)."""
    if look.poster:
        return poster_labels(poster_lightness(target, proxy.width, proxy.height), [lightness_1(c) for c in seen],
                             stock)
    a = flat_labels(proxy, target, seen_sp, stock)
    kind = look.dither if look.dither != "none" and look.strength > 0 else "floyd-steinberg" if look.refine else None
    if kind is None:
        return a.labels
    return dither_mod.dither(target, proxy.width, proxy.height, seen, seen_sp, proxy.metric, stock, a.prices,
                             kind, look.strength if look.dither != "none" else 100, look.serpentine, {})


def seen_error(proxy: Proxy, seen, labels) -> float:
    """Perceived error of a labelling of the proxy against the photo (before adjustments)."""
    return perceive.perceived_delta_e(proxy.photo, [seen[j] for j in labels], proxy.width, proxy.height,
                                      proxy.photo_seen)


def reachable(proxy: Proxy, seen, stock, adjustments: image.Adjustments | None = None) -> tuple:
    """``(perceived error, labels)`` of the flat optimal mosaic of the proxy, matched to the
    photo with ``adjustments`` and judged against the photo without them. ``seen``: linear
    colour seen per palette colour; ``stock``: per colour, for the proxy (``None``: unlimited)."""
    target = proxy.photo if adjustments is None else image.to_list(image.adjust(proxy.photo, adjustments))
    labels = flat_labels(proxy, target, [proxy.metric.to_space_1(s) for s in seen], stock).labels
    return seen_error(proxy, seen, labels), labels


# -- auto adjust -----------------------------------------------------------------------------

@dataclass
class AutoResult:
    adjustments: image.Adjustments
    error: float  # perceived error on the proxy with these adjustments
    start_error: float  # ... with the person's adjustments
    default_error: float  # ... with no adjustments
    evaluations: int
    seconds: float
    refined: bool = False  # the errors are of the best look within stock (Look.refine)


def _key(adj: image.Adjustments) -> tuple:
    return tuple(sorted(asdict(adj).items()))


def auto_adjust(proxy: Proxy, seen, stock, start: image.Adjustments | None = None, budget: float | None = None,
                max_evals: int = MAX_EVALS, coarse: Proxy | None = None, look: Look = FLAT) -> AutoResult:
    """The adjustments whose mosaic looks closest to the photo on ``proxy``.

    ``stock``: the real mosaic's stock per colour (scaled to each proxy); ``start``: the
    person's adjustments (their ``value`` is kept: brightness does its job); ``budget``:
    seconds at most (the page), else at most ``max_evals`` candidates. With a ``coarse``
    proxy (fewer studs) the big steps are taken there and only the small ones on ``proxy``,
    which judges the result: it is never worse there than no adjustments or ``start``.
    ``look``: how the person's settings make the mosaic (flat, dithered, poster); with
    ``look.refine`` the winner and the better of no adjustments and ``start`` are each
    refined (:func:`legoremix.refine.refine_labels`) and the better kept, so the promise holds
    for the best look within stock too.
    """
    t0 = time.perf_counter()
    deadline = None if budget is None else t0 + budget
    steps = {k: v[0] for k, v in SEARCH.items()}
    guesses, evals = [], 0
    if coarse is not None:
        rough = _search(coarse, seen, stock, start, [], steps,
                        None if budget is None else t0 + budget * (0.25 if look.refine else 0.5),
                        max_evals * 2 // 3, look)
        guesses, evals = [rough[0]], rough[4]
        steps = {k: 2 * v[1] for k, v in SEARCH.items()}
    if look.refine and budget is not None:
        deadline = t0 + budget / 2  # the other half refines the two finalists
    best, best_e, start_error, default_error, n = _search(proxy, seen, stock, start, guesses, steps, deadline,
                                                          max_evals - evals, look)
    if not look.refine:
        return AutoResult(best, best_e, start_error, default_error, evals + n, time.perf_counter() - t0)
    zero = image.Adjustments()
    start = start or zero
    base = start if start_error < default_error else zero
    # the last two only when not judged already
    finalists = list({_key(a): a for a in (base, best, start, zero)}.values())
    refined = {}
    for i, a in enumerate(finalists):  # the time left shared among those still to refine
        left = None if budget is None else max(0.2, (budget - (time.perf_counter() - t0)) / (len(finalists) - i))
        refined[_key(a)] = _refined_error(proxy, seen, stock, a, look, left)
    if refined[_key(best)] >= refined[_key(base)] * (1 - REL_TOL):
        best = base
    return AutoResult(best, refined[_key(best)], refined[_key(start)], refined[_key(zero)],
                      evals + n + len(refined), time.perf_counter() - t0, True)


def _refined_error(proxy: Proxy, seen, stock, adj, look: Look, budget) -> float:
    """Perceived error (against the photo) of the best look within stock that starts from
    ``look``'s mosaic of the photo with ``adj`` and aims at it."""
    from . import refine  # (it imports this module's neighbours; kept out of import time)
    stock = proxy.stock_for(stock)
    target = proxy.photo if adj.is_identity() else image.to_list(image.adjust(proxy.photo, adj))
    seen_sp = [proxy.metric.to_space_1(c) for c in seen]
    labels = look_labels(proxy, target, seen, seen_sp, stock, look)
    r = refine.refine_labels(target, seen, labels, proxy.width, proxy.height, stock, None, budget)
    return seen_error(proxy, seen, r.labels)


def _search(proxy: Proxy, seen, stock, start, guesses, steps, deadline, max_evals, look: Look = FLAT) -> tuple:
    """Pattern search on one proxy from the best of no adjustments, ``start`` and
    ``guesses``: ``(best, its error, start's error, no adjustments' error, evaluations)``."""
    stock = proxy.stock_for(stock)
    match.check_feasible(proxy.n, stock)
    seen_sp = [proxy.metric.to_space_1(s) for s in seen]
    cache: dict = {}

    took = [0.0]  # seconds of the last evaluation: one is not started when it would end past the deadline

    def error(adj):
        k = _key(adj)
        if k not in cache:
            t = time.perf_counter()
            target = proxy.photo if adj.is_identity() else image.to_list(image.adjust(proxy.photo, adj))
            cache[k] = seen_error(proxy, seen, look_labels(proxy, target, seen, seen_sp, stock, look))
            took[0] = time.perf_counter() - t
        return cache[k]

    zero = image.Adjustments()
    start = start or zero
    default_error, start_error = error(zero), error(start)
    best, best_e = (start, start_error) if start_error < default_error else (zero, default_error)
    for g in guesses:
        e = error(g)
        if e < best_e * (1 - REL_TOL):
            best, best_e = g, e

    def out_of_time():
        return len(cache) >= max_evals or (deadline is not None and time.perf_counter() + took[0] > deadline)

    while not out_of_time() and any(steps[k] >= SEARCH[k][1] for k in SEARCH):
        moved = False
        for name, (_, smallest, lo, hi) in SEARCH.items():
            if steps[name] < smallest or out_of_time():
                continue
            for sign in (1, -1):
                if out_of_time():
                    break
                v = getattr(best, name) + sign * steps[name]
                if name == "hue":
                    v = (v + 180) % 360 - 180  # a turn of the colour wheel
                v = min(hi, max(lo, v))
                if v == getattr(best, name):
                    continue
                cand = replace(best, **{name: v})
                e = error(cand)
                if e < best_e * (1 - REL_TOL):
                    best, best_e, moved = cand, e, True
                    break
        if not moved:
            steps = {k: s // 2 for k, s in steps.items()}
    return best, best_e, start_error, default_error, len(cache)


def auto_adjust_for(img: image.RGBA, settings, budget: float | None = None) -> AutoResult:
    """Auto adjust for a photo and a settings object (or its JSON form): the person's
    pieces, piece, crop, size and adjustments, as the pipeline would use them. ``budget``
    (seconds) covers the whole call, the proxies' making included."""
    t0 = time.perf_counter()
    from . import pipeline, project  # (they import this module)
    p = pipeline.Pipeline()
    project.configure(p, settings)
    o = p.options
    # the pieces must cover the mosaic itself: a message about the smaller proxy's studs would
    # speak of numbers the person never sees
    match.check_feasible(o.size[0] * o.size[1], p.palette.stock)
    seen = [pipeline.seen_color(c.hex, o.compensate, o.baseplate) for c in p.palette.colors]
    proxy = make_proxy(img, o.size, o.crop, o.background, o.metric)
    coarse = make_proxy(img, o.size, o.crop, o.background, o.metric, COARSE_STUDS) if proxy.n > COARSE_STUDS else None
    look = Look(o.dither, o.strength, o.serpentine, o.poster, o.refine and not o.poster)  # as the pipeline
    left = None if budget is None else max(0.0, budget - (time.perf_counter() - t0))
    return auto_adjust(proxy, seen, p.palette.stock, o.adjustments, left, coarse=coarse, look=look)


# -- poster mode -----------------------------------------------------------------------------

def lightness_1(rgb) -> float:
    """CIELAB L* of a linear sRGB colour (only Y matters)."""
    y = 0.2126729 * rgb[0] + 0.7151522 * rgb[1] + 0.0721750 * rgb[2]
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


def lightness(pixels) -> list:
    """L* of each linear pixel (list or array), by the same scalar code on both paths."""
    rows = pixels.tolist() if hasattr(pixels, "tolist") else pixels
    return [lightness_1(p) for p in rows]


#: Poster mode: how much of a stud's own lightness (beside its neighbourhood's) decides its rank.
POSTER_DETAIL = 0.25


def poster_lightness(pixels, width: int, height: int, detail: float = POSTER_DETAIL) -> list:
    """The lightness poster mode ranks by: each stud's L* pulled towards the L* of its
    neighbourhood as the eye blurs it (:func:`legoremix.perceive.blur`), by ``1 - detail``.
    Colours of nearly the same lightness (Warhol's pink, yellow and azure) then form areas
    instead of speckle, while edges and eyes stay."""
    own = lightness(pixels)
    if detail >= 1:
        return own
    near = lightness(perceive.blur(pixels, width, height))
    return [detail * a + (1 - detail) * b for a, b in zip(own, near)]


def poster_labels(light, palette_light, stock) -> list:
    """Poster mode: palette index per stud, dealing the studs sorted by lightness ``light``
    to the colours sorted by ``palette_light``, each colour a share in proportion to its
    ``stock`` (all ``None``: equal shares). Ties go to the earlier stud and colour.
    Raises :class:`legoremix.match.InventoryError` when the stock cannot cover the studs."""
    n = len(light)
    match.check_feasible(n, stock)
    order = sorted(range(n), key=lambda i: (light[i], i))
    cols = sorted(range(len(palette_light)), key=lambda j: (palette_light[j], j))
    weights = [1 if stock[j] is None else int(stock[j]) for j in cols]
    total = sum(weights)
    labels = [0] * n
    start = cum = 0
    for j, wgt in zip(cols, weights):
        cum += wgt
        end = n * cum // total if total else 0
        for i in order[start:end]:
            labels[i] = j
        start = end
    return labels


def poster_assignment(light, seen, stock) -> match.Assignment:
    """Poster mode as the match stage's answer for studs of lightness ``light`` (L*) and
    pieces seen as ``seen`` (linear); no prices: nothing is traded off."""
    labels = poster_labels(light, [lightness_1(s) for s in seen], stock)
    return match.Assignment(labels, [0] * len(stock), 0)


def describe(adj: image.Adjustments) -> str:
    """``brightness +8, contrast +16``: what auto adjust chose, for a message."""
    parts = [f"{k} {int(v):+d}" if float(v).is_integer() else f"{k} {v:+.1f}" for k, v in asdict(adj).items() if v]
    return ", ".join(parts) if parts else "no change"


def rel_gain(before: float, after: float) -> float:
    """Percent by which ``after`` is below ``before``."""
    return 0.0 if not before or not math.isfinite(before) else 100 * (1 - after / before)
