"""The settings object (legoremix.settings): defaults, each field's validation, every
problem reported at once, normalisation, and tolerance of keys from newer versions."""
import json
import re

import pytest

from legoremix import color, dither, palettes
from legoremix.image import Adjustments, MAX_STUDS
from legoremix.settings import ADJUSTMENT_RANGES, MAX_COPIES, MAX_CUSTOM, Settings, SettingsError, defaults


#: A quote that is not an apostrophe inside a word (Warhol's): Python's repr quoting.
REPR = re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")


def problems(d):
    """(fields, problems) of settings that must be refused; each problem a sentence."""
    with pytest.raises(SettingsError) as e:
        Settings.from_dict(d)
    err = e.value
    assert isinstance(err, ValueError) and len(err.problems) == len(err.fields) >= 1
    for p in err.problems:
        assert p[0].isupper() and p.endswith(".") and "\n" not in p, p
        assert not REPR.search(p) and "{" not in p and "None" not in p, p  # no Python repr in a message
    assert str(err) == " ".join(err.problems)
    return err.fields, err.problems


# --- defaults and round trips ---------------------------------------------------------------

def test_defaults_round_trip():
    d = defaults()
    assert Settings.from_dict(d) == Settings() == Settings.from_dict({})
    assert Settings.from_dict(d).to_dict() == d
    assert json.loads(json.dumps(d)) == d  # plain JSON
    assert d["size"] == [48, 48] and d["crop"] is None and d["sets"] == {"warhol_marilyn_monroe": 1}
    assert d["adjustments"] == {k: 0 for k in ADJUSTMENT_RANGES}


def test_a_full_settings_object_round_trips():
    d = {"size": [64, 40], "crop": [1, 2, 300, 200], "background": "#A0B0C0",
         "adjustments": {"hue": -180, "saturation": 100, "value": -5.5, "brightness": 0, "contrast": 99.9},
         "metric": "oklab", "piece": "square-plate", "round_compensation": False, "dither": "bayer8",
         "strength": 42.5, "serpentine": False, "sets": {"31197": 2, "lots_of_dots_round": 1},
         "custom": {"11": 5, "85": 0}, "unlimited": True, "pins": [[0, 0, 11], [63, 39, 1]]}
    s = Settings.from_dict(d)
    assert s.size == (64, 40) and s.crop == (1, 2, 300, 200) and s.background == "#a0b0c0"
    assert s.adjustments == Adjustments(hue=-180, saturation=100, value=-5.5, contrast=99.9)
    assert s.custom == {11: 5, 85: 0} and s.pins == ((0, 0, 11), (63, 39, 1))
    out = s.to_dict()
    assert out["custom"] == {"11": 5, "85": 0} and out["sets"] == {"warhol_marilyn_monroe": 2, "lots_of_dots_round": 1}
    assert Settings.from_dict(json.loads(json.dumps(out))) == s


def test_none_means_the_default_and_missing_keys_take_defaults():
    s = Settings.from_dict({k: None for k in defaults()})
    assert s == Settings()
    assert Settings.from_dict({"metric": "cie94"}) == Settings(metric="cie94")


def test_unknown_keys_are_ignored():
    s = Settings.from_dict({"from_the_future": {"x": [1, 2]}, "size": [10, 12],
                            "adjustments": {"clarity": 50, "hue": 3}})
    assert s.size == (10, 12) and s.adjustments == Adjustments(hue=3)
    assert "from_the_future" not in s.to_dict() and "clarity" not in s.to_dict()["adjustments"]


def test_settings_objects_and_adjustments_objects_are_accepted():
    s = Settings.from_dict({"adjustments": Adjustments(contrast=10)})
    assert s.adjustments.contrast == 10


# --- normalisation ------------------------------------------------------------------------

def test_set_numbers_become_ids_and_copies_add_up():
    s = Settings.from_dict({"sets": {"31197": 1, "warhol_marilyn_monroe": 2, " 31198 ": 0}})
    assert s.sets == {"warhol_marilyn_monroe": 3, "the_beatles": 0}
    for ls in palettes.sets().values():
        if sum(o.set_number == ls.set_number for o in palettes.sets().values()) == 1:
            assert Settings.from_dict({"sets": {ls.set_number: 1}}).sets == {ls.id: 1}
        assert Settings.from_dict({"sets": {ls.id: 1}}).sets == {ls.id: 1}


def test_copies_added_up_stay_within_the_limit():
    fields, msgs = problems({"sets": {"31197": MAX_COPIES, "warhol_marilyn_monroe": 1}})
    assert fields == ["sets"] and "copies of" in msgs[0]


def test_a_number_shared_by_several_sets_asks_which_one():
    fields, msgs = problems({"sets": {"41935": 1}})
    assert fields == ["sets"] and "several inventories" in msgs[0] and "lots_of_dots_round" in msgs[0]


def test_colours_get_one_spelling():
    assert [Settings.from_dict({"background": v}).background for v in ("#FFF", " #A0b1C2 ", "a0b1c2")] == [
        "#ffffff", "#a0b1c2", "#a0b1c2"]


def test_custom_keys_become_bricklink_ids():
    s = Settings.from_dict({"custom": {"11": 3, 85: 2, " 1 ": 1}})
    assert s.custom == {11: 3, 85: 2, 1: 1}


def test_pins_last_paint_wins_and_outside_is_kept():
    s = Settings.from_dict({"pins": [[1, 1, 11], [2, 2, 1], [1, 1, 5], [999, 999, 1]]})
    assert s.pins == ((1, 1, 5), (2, 2, 1), (999, 999, 1))


def test_inventory_problem():
    assert Settings().inventory_problem() is None
    assert Settings(sets={}, unlimited=True).inventory_problem() is None
    assert Settings(sets={}, custom={11: 1}).inventory_problem() is None
    msg = Settings(sets={"warhol_marilyn_monroe": 0}, custom={11: 0}).inventory_problem()
    assert msg and msg[0].isupper() and msg.endswith(".") and "at least one set" in msg


# --- validation of each field -----------------------------------------------------------

HUGE = 10 ** 400

BAD = {
    "size": [[0, 10], [MAX_STUDS + 1, 1], [10], [10, 10, 10], [10.5, 10], ["10", "10"], [True, 10], "48x48", 48,
             {}, [HUGE, 1], [-HUGE, 1], [float("inf"), 1], [float("nan"), 1]],
    "crop": [[0, 0, 0, 10], [-1, 0, 10, 10], [0, 0, 10], "0,0,10,10", [0.5, 0, 10, 10], {}, 7, [0, 0, True, 10]],
    "background": ["white", "#12345", "#gggggg", "#+f+f+f", 16777215, [], {}, "", "#1234567"],
    "adjustments": [[], "contrast", 5, {"hue": 181}, {"hue": -181}, {"saturation": 101}, {"contrast": -100.5},
                    {"value": "10"}, {"brightness": None}, {"hue": float("nan")}, {"hue": float("inf")},
                    {"contrast": HUGE}, {"contrast": True}],
    "metric": ["cmyk", "CIEDE2000", 5, [], {}, ["ciede2000"], True],
    "piece": ["duplo", 1, [], {}, "Round-Tile"],
    "round_compensation": [1, 0, "yes", [], {}],
    "dither": ["halftone", 3, [], {}],
    "strength": [-1, 101, "50", float("nan"), float("inf"), HUGE, -HUGE, [], True],
    "serpentine": [1, "true", [], {}],
    "sets": [[], "31197", 5, {"99999": 1}, {"from_the_future": 1}, {"31197": -1}, {"31197": MAX_COPIES + 1},
             {"31197": 1.5}, {"31197": "1"}, {"31197": None}, {"31197": True}, {"31197": HUGE}, {"": 1}],
    "custom": [[], "11=5", 5, {"99999": 1}, {"x": 1}, {"1.5": 1}, {"11": -1}, {"11": MAX_CUSTOM + 1},
               {"11": 2.5}, {"11": "3"}, {"11": None}, {"11": True}, {"-11": 1}, {"11": HUGE}, {"²": 1}, {"1e3": 1}],
    "unlimited": [1, 0, "false", None if False else [], {}],
    "pins": [{}, "x", 5, [[1, 2]], [[1, 2, 3, 4]], [[1, 2, "11"]], [[1.0, 2, 11]], [[-1, 0, 11]], [[0, -1, 11]],
             [[0, 0, 99999]], [[0, 0, HUGE]], [None], [[True, 0, 11]], [[0, 0, 11], "x"]],
}


@pytest.mark.parametrize("field,value", [(f, v) for f, vs in BAD.items() for v in vs],
                         ids=lambda v: repr(v)[:30])
def test_each_field_is_validated(field, value):
    fields, msgs = problems({field: value})
    assert fields == [field], msgs


GOOD = {
    "size": [[1, 1], [MAX_STUDS, MAX_STUDS], (7, 300)],
    "crop": [None, [0, 0, 1, 1], (5, 6, 7, 8)],
    "background": ["#000000", "#FFF", "  #abcdef ", "a0B1c2"],
    "adjustments": [{}, {"hue": 180, "saturation": -100, "value": 100, "brightness": -100, "contrast": 100}],
    "metric": list(color.METRICS),
    "piece": list(palettes.PIECES),
    "round_compensation": [None, True, False],
    "dither": list(dither.DITHERS),
    "strength": [0, 100, 0.5, 99],
    "serpentine": [True, False],
    "sets": [{}, {"31203": MAX_COPIES}, {"41916": 0}],
    "custom": [{}, {"1": MAX_CUSTOM}, {"11": 0}],
    "unlimited": [True, False],
    "pins": [[], [[0, 0, 1]], ((5, 5, 11),)],
}


@pytest.mark.parametrize("field,value", [(f, v) for f, vs in GOOD.items() for v in vs], ids=lambda v: repr(v)[:30])
def test_good_values_are_kept(field, value):
    s = Settings.from_dict({field: value})
    assert Settings.from_dict(s.to_dict()) == s


def test_every_problem_is_reported_at_once():
    d = {k: vs[0] for k, vs in BAD.items()}
    fields, msgs = problems(d)
    assert fields == ["size", "crop", "background", "adjustments", "metric", "piece", "round_compensation",
                      "dither", "strength", "serpentine", "sets", "custom", "unlimited", "pins"]
    assert len(set(msgs)) == len(msgs)


def test_several_problems_in_one_field_are_each_reported():
    fields, msgs = problems({"adjustments": {"hue": 999, "contrast": -999},
                             "sets": {"99999": 1, "31197": -1}, "custom": {"x": 1, "11": -1}})
    assert fields == ["adjustments"] * 2 + ["sets"] * 2 + ["custom"] * 2
    assert any("hue" in m for m in msgs) and any("contrast" in m for m in msgs)
    assert any("Warhol" in m or "Marilyn" in m for m in msgs)  # copies problem names the set


def test_messages_name_what_is_wrong():
    _, (msg,) = problems({"size": [0, 10]})
    assert msg == f"The size 0 x 10 is not possible: width and height must each be 1 to {MAX_STUDS} studs."
    _, (msg,) = problems({"sets": {"from_the_future": 1}})
    assert "“from_the_future”" in msg and "newer version" in msg
    _, (msg,) = problems({"metric": "cmyk"})
    assert "“cmyk”" in msg and "ciede2000" in msg
    _, (msg,) = problems({"metric": ["a", "b"]})  # no Python list in the message
    assert "[" not in msg
    _, (msg,) = problems({"size": [HUGE, 1]})  # a huge number is described, not printed
    assert len(msg) < 200
    _, (msg,) = problems({"piece": "x" * 10_000})  # long values are cut short
    assert len(msg) < 300


@pytest.mark.parametrize("d", [None, [], "settings", 5, ["size", [1, 1]]])
def test_not_an_object(d):
    fields, _ = problems(d)
    assert fields == ["settings"]
