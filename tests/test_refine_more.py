"""The best look within stock as the page runs it (issue 12): progress reports while refining
(fractions that only grow, within 0..1), and reporting changes nothing else: not the mosaic,
not the invariants (stock, painted studs, never worse than the start), not the cache."""
import itertools
import json
import random
import types

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from helpers import photo_path
from legoremix import browser, image, palettes, pipeline, refine


class Clock:
    """A fake ``time.perf_counter`` that moves 0.04 s at each reading (progress reports
    depend on time: this makes them deterministic)."""

    def __init__(self):
        self.t = 0.0

    def __call__(self):
        self.t += 0.04
        return self.t


@pytest.fixture
def fake_clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(refine.time, "perf_counter", c)
    return c


@hsettings(max_examples=30, deadline=None)
@given(st.integers(2, 9), st.integers(2, 9), st.integers(2, 5), st.sampled_from([None, 0.5, 3.0]), st.data())
def test_progress_grows_within_0_1_and_changes_nothing(w, h, k, budget, data):
    n = w * h
    rnd = random.Random(data.draw(st.integers(0, 10 ** 6)))
    cols = rnd.sample(sorted(palettes.colors()), k)
    seen = [pipeline.seen_color(palettes.colors()[c].hex, True, "#212121") for c in cols]
    target = [(rnd.random() ** 2, rnd.random() ** 2, rnd.random() ** 2) for _ in range(n)]
    labels = [rnd.randrange(k) for _ in range(n)]
    pins = {i: labels[i] for i in range(n) if rnd.random() < 0.2}
    used = [sum(1 for i in range(n) if i not in pins and labels[i] == j) for j in range(k)]
    stock = [u + rnd.randrange(0, 3) for u in used]
    runs = []
    for report in (False, True):
        seen_fractions = []
        clock = Clock()  # the same readings in both runs: the same moves within the budget
        old = refine.time.perf_counter
        refine.time.perf_counter = clock
        try:
            r = refine.refine_labels(target, seen, labels, w, h, stock, pins, budget=budget,
                                     progress=seen_fractions.append if report else None)
        finally:
            refine.time.perf_counter = old
        runs.append((r, seen_fractions))
    (plain, _), (reported, fractions) = runs
    if budget is None:  # no deadline: the moves do not depend on the clock, so reporting changes nothing
        assert reported.labels == plain.labels and reported.error == plain.error
    assert all(0 <= f <= 1 for f in fractions) and fractions == sorted(fractions)
    # the invariants hold with progress on
    counts = [sum(1 for i in range(n) if i not in pins and reported.labels[i] == j) for j in range(k)]
    assert all(c <= s for c, s in zip(counts, stock))
    assert all(reported.labels[i] == j for i, j in pins.items())
    assert reported.error <= reported.start_error + 1e-12


def test_progress_reports_a_few_times_a_second(fake_clock):
    rnd = random.Random(5)
    n = 20 * 20
    seen = [pipeline.seen_color(palettes.colors()[c].hex, True, "#212121") for c in (11, 1, 5)]
    target = [(rnd.random(), rnd.random(), rnd.random()) for _ in range(n)]
    fractions = []
    refine.refine_labels(target, seen, [0] * n, 20, 20, [n, n, n], budget=2.0, progress=fractions.append)
    # the fake clock moves 0.04 s per reading: a report every refine.TICK (0.1 s) at most
    assert 2 <= len(fractions) <= 2.0 / refine.TICK + 2
    assert fractions == sorted(fractions) and fractions[-1] <= 1


@pytest.fixture(scope="module")
def coffee():
    return image.load(photo_path("coffee.png"), max_side=128)


def test_the_stage_reports_preparing_first_and_the_cache_ignores_the_reporter(coffee):
    p = pipeline.Pipeline()
    p.set_image(coffee)
    p.set_options(size=(16, 16), refine=True, refine_budget=5.0)
    pal, owned = pipeline.build_palette(["31197"])
    p.set_palette(pal, owned)
    fractions = []
    p.progress = fractions.append
    m = p.run()
    # None first (the starts are made and judged: no measure of their own), then fractions that rise
    assert fractions[0] is None and None not in fractions[1:]
    assert fractions[1:] == sorted(fractions[1:]) and all(0 <= f <= 1 for f in fractions[1:])
    assert p.stage_runs["look"] == 1
    p.progress = None  # another reporter (or none) is not another mosaic
    assert p.run().grid == m.grid and p.stage_runs["look"] == 1
    # without refining there is nothing to report
    p.set_options(refine=False)
    fractions.clear()
    p.progress = fractions.append
    p.run()
    assert fractions == []


def test_browser_compute_passes_progress_while_refining_only(coffee):
    browser.set_image(coffee.width, coffee.height, coffee.data)
    fractions = []
    base = {"sets": {"31197": 1}, "size": [16, 16]}
    r = json.loads(browser.compute(json.dumps({**base, "refine": True}), fractions.append))
    assert "error" not in r and fractions and fractions[0] is None
    assert browser._pipeline.progress is None  # not kept after the call
    fractions.clear()
    r2 = json.loads(browser.compute(json.dumps({**base, "refine": False}), fractions.append))
    assert fractions == [] and r2["perceived_delta_e"] >= r["perceived_delta_e"]
    assert len(r["perceived_map"]) == 16 and len(r["perceived_map"][0]) == 16


def test_refining_keeps_its_share_of_the_budget_when_the_starts_took_it_all(coffee, monkeypatch):
    """On a busy machine (or a big mosaic) building and judging the starts can use the whole
    page budget; the refinement still gets MIN_REFINE_SHARE of it instead of returning the
    best start unchanged. The clock is faked: it jumps past the budget once the starts are
    built, then moves a microsecond a reading (so the refinement's share is plenty)."""
    p = pipeline.Pipeline()
    p.set_image(coffee)
    pal, owned = pipeline.build_palette(["31197"])
    p.set_palette(pal, owned)
    p.set_options(size=(24, 24))
    flat = p.run().perceived_delta_e
    p.set_options(dither="floyd-steinberg", strength=100, serpentine=True)
    best_start = min(flat, p.run().perceived_delta_e)  # the starts: flat, the dithering (here FS), FS
    clock = iter(itertools.chain([0.0], itertools.count(100.0, 1e-6)))  # past the budget, then a microsecond a reading
    monkeypatch.setattr(refine, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))
    p.set_options(refine=True, refine_budget=0.8)
    refined = p.run().perceived_delta_e
    assert refined < 0.9 * best_start
