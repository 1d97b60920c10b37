"""The CLI's messages for files it cannot read or write, odd crop boxes, values that start
with "-", and a piece family that differs from the sets' (QA): one sentence on stderr,
never a system error number, a traceback or argparse's usage text."""
import json

import pytest

from helpers import photo_path
from legoremix import cli


def run(*args):
    return cli.main([str(a) for a in args])


def one_sentence(err: str, *parts: str) -> str:
    """``err`` is one line of a person's sentence holding each of ``parts``."""
    err = err.strip()
    assert "\n" not in err, err
    for bad in ("Errno", "Traceback", "usage:"):
        assert bad not in err, err
    assert err.endswith("."), err
    for part in parts:
        assert part in err, (part, err)
    return err


@pytest.mark.parametrize("case", ["inventory", "project", "depth", "out-is-file", "out-under-file",
                                  "pdf-no-folder", "png-is-folder"])
def test_files_that_cannot_be_read_or_written_are_named(tmp_path, capsys, case):
    """Item 1: a missing input or an impossible output names its path and says what is wrong."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    img = photo_path("coffee.png")
    base = [img, "--set", "31197", "--size", "8x8", "--out", tmp_path / "o"]
    nope = tmp_path / "nope"
    args, expected = {
        "inventory": (base + ["--inventory", f"{nope}.xml"],
                      f"legoremix: error: There is no such file as “{nope}.xml” (the inventory)."),
        "project": ([f"{nope}.legoremix"],
                    f"legoremix: error: There is no such file as “{nope}.legoremix” (the project)."),
        "depth": (base + ["--depth", f"{nope}.onnx"],
                  f"legoremix: error: There is no such file as “{nope}.onnx” (the depth model or map)."),
        "out-is-file": (base + ["--out", afile],
                        f"legoremix: error: “{afile}” is a file, not a folder: choose another --out folder."),
        "out-under-file": (base + ["--out", afile / "sub"],
                           f"legoremix: error: “{afile}” is a file, not a folder: choose another --out folder."),
        "pdf-no-folder": (base + ["--pdf", nope / "x.pdf"],
                          f"legoremix: error: Cannot write “{nope / 'x.pdf'}”: the folder “{nope}” does not exist."),
        "png-is-folder": (base + ["--png", tmp_path],
                          f"legoremix: error: Cannot write “{tmp_path}”: it is a folder. Choose a file name for "
                          "--png."),
    }[case]
    assert run(*args) == 2
    assert one_sentence(capsys.readouterr().err) == expected


@pytest.mark.parametrize("crop,expected", [
    ("0,0,0,0", "The crop box (left 0, top 0, width 0, height 0) needs a width and height of at least 1 pixel."),
    ("5,5,10,0", "The crop box (left 5, top 5, width 10, height 0) needs a width and height of at least 1 pixel."),
    ("-1,0,10,10", "The crop box (left -1, top 0, width 10, height 10) cannot start outside the photo: its left "
                   "and top must be 0 or more pixels."),
    ("0,-3,10,10", "The crop box (left 0, top -3, width 10, height 10) cannot start outside the photo: its left "
                   "and top must be 0 or more pixels."),
    ("1,2,3", "The crop box “1,2,3” is not understood: write it as X,Y,W,H in pixels, for example 0,0,400,400."),
])
def test_crop_box_messages_say_what_is_wrong(tmp_path, capsys, crop, expected):
    """Item 2: a zero width or height, or a negative left/top, gets its own sentence; the old
    one stays for text that is not four whole numbers."""
    assert run(photo_path("coffee.png"), "--set", "31197", "--crop", crop, "--out", tmp_path) == 2
    assert one_sentence(capsys.readouterr().err) == f"legoremix: error: {expected}"


@pytest.mark.parametrize("args", [["--size", "-5x10"], ["--size=-5x10"], ["--size", "-5X10"]])
def test_size_starting_with_minus_gets_the_size_sentence(tmp_path, capsys, args):
    """Item 3: argparse took "-5x10" for an option and printed its usage; now it is a value
    like any other impossible size (``--size=-5x10`` keeps working)."""
    assert run(photo_path("coffee.png"), "--set", "31197", *args, "--out", tmp_path) == 2
    assert one_sentence(capsys.readouterr().err) == (
        "legoremix: error: The size -5 x 10 is not possible: width and height must each be 1 to "
        f"{cli.image.MAX_STUDS} studs.")


def test_value_options_still_refuse_a_missing_value(capsys):
    """Only a "-" followed by a digit is taken as a value: ``--size --set 31197`` is still
    argparse's own complaint about a missing value."""
    with pytest.raises(SystemExit) as e:
        run(photo_path("coffee.png"), "--size", "--set", "31197")
    assert e.value.code == 2 and "argument --size: expected one argument" in capsys.readouterr().err


def test_piece_other_than_the_sets_gets_a_note(tmp_path, capsys):
    """Item 4: set 31197 holds 1x1 round tiles; built as 1x1 bricks, a note says its colours
    count as bricks (as the page's piece note does), and the run still succeeds."""
    assert run(photo_path("coffee.png"), "--set", "31197", "--piece", "brick", "--size", "8x8",
               "--out", tmp_path) == 0
    assert json.loads((tmp_path / "mosaic.json").read_text())["piece"] == "brick"
    assert one_sentence(capsys.readouterr().err) == (
        "note: Your sets come with 1x1 round tiles: here each of their colours counts as a 1x1 brick instead, "
        "and the parts lists and instructions ask for 1x1 bricks.")


@pytest.mark.parametrize("piece", [None, "round-tile", "round-plate"])
def test_no_piece_note_when_the_piece_fits_the_sets(tmp_path, capsys, piece):
    """No note when the piece is the sets' own, or another round piece for a set of mixed
    round pieces (31197 is round tiles; 31203 mixes round tiles and plates)."""
    sets = ["--set", "31203"] if piece == "round-plate" else ["--set", "31197"]
    extra = ["--piece", piece] if piece else []
    assert run(photo_path("coffee.png"), *sets, *extra, "--size", "8x8", "--out", tmp_path) == 0
    assert capsys.readouterr().err == ""
