"""The best look within stock is bounded by time in the page, so computing the same settings
again could give a slightly different mosaic: the pipeline keeps its last looks (Stage.keep),
and undo, redo or a setting toggled back show the very mosaic seen before."""
from legoremix import pipeline
from legoremix.image import Adjustments


def make(photo):
    p = pipeline.Pipeline()
    p.set_image(photo)
    p.set_options(size=(24, 24), refine=True, refine_budget=0.2)
    p.set_palette(*pipeline.build_palette(["31197"]))
    return p


def unsteady_look(calls):
    """A look whose answer changes from call to call (as a time-bounded refine's may): the
    assignment's studs turned by the number of calls so far (the same pieces, other places)."""
    def look(refine, dither, **_):
        calls.append(1)
        k = len(calls) % len(dither)
        return dither[k:] + dither[:k]
    return look


def test_settings_back_give_the_same_look_without_computing_it_again(photos, monkeypatch):
    calls = []
    monkeypatch.setattr(pipeline.refine_mod, "look", unsteady_look(calls))
    p = make(photos["astronaut.png"])
    first = p.run().grid
    p.set_options(adjustments=Adjustments(saturation=30))
    second = p.run().grid
    p.set_options(adjustments=Adjustments())  # undo
    assert p.run().grid == first
    p.set_options(adjustments=Adjustments(saturation=30))  # redo
    assert p.run().grid == second
    assert len(calls) == 2 and p.stage_runs["look"] == 2


def test_only_the_last_looks_are_kept(photos, monkeypatch):
    calls = []
    monkeypatch.setattr(pipeline.refine_mod, "look", unsteady_look(calls))
    p = make(photos["astronaut.png"])
    grids = []
    for v in range(pipeline.LOOKS_KEPT + 1):
        p.set_options(adjustments=Adjustments(saturation=v))
        grids.append(p.run().grid)
    p.set_options(adjustments=Adjustments(saturation=1))  # among the last LOOKS_KEPT: kept
    assert p.run().grid == grids[1]
    assert len(calls) == pipeline.LOOKS_KEPT + 1
    p.set_options(adjustments=Adjustments(saturation=0))  # the oldest: computed again
    p.run()
    assert len(calls) == pipeline.LOOKS_KEPT + 2


def test_a_work_limit_gives_the_same_look_on_a_slow_or_busy_machine(photos, monkeypatch):
    """The page limits refining by work, not time: a fresh engine (a reload, a project opened
    again) on a machine whose clock races ahead (slow or busy) gives the very same mosaic."""
    from legoremix import refine

    def make_run():
        p = pipeline.Pipeline()
        p.set_image(photos["chelsea.png"])
        p.set_options(size=(24, 24), refine=True, refine_work=20_000)
        p.set_palette(*pipeline.build_palette(["31197"]))
        return p.run()
    calm = make_run()
    ticks = iter(range(10 ** 9))
    monkeypatch.setattr(refine.time, "perf_counter", lambda: 0.05 * next(ticks))  # 50 ms per look at the clock
    busy = make_run()
    assert busy.grid == calm.grid and busy.perceived_delta_e == calm.perceived_delta_e
    assert calm.perceived_delta_e < make_flat(photos).perceived_delta_e  # it did refine


def make_flat(photos):
    p = pipeline.Pipeline()
    p.set_image(photos["chelsea.png"])
    p.set_options(size=(24, 24))
    p.set_palette(*pipeline.build_palette(["31197"]))
    return p.run()
