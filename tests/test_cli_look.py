"""The CLI's --auto-adjust, --poster and --rank-sets (issue 12)."""
import json

from helpers import photo_path
from legoremix import cli


def run(*args):
    return cli.main([str(a) for a in args])


def test_rank_sets_prints_the_ranking_and_writes_nothing(tmp_path, capsys):
    assert run(photo_path("astronaut.png"), "--set", "31197", "--size", "24x24", "--rank-sets",
               "--out", tmp_path / "out") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Which set fits this picture")
    rows = [line for line in out if line[:4].strip().rstrip(".").isdigit()]
    assert len(rows) >= 12
    errs = [float(r.split()[1]) for r in rows]
    assert errs == sorted(errs)
    assert any(line.startswith("Your pieces: ") for line in out)
    assert any(line.startswith("Adding these ") for line in out)
    assert not (tmp_path / "out").exists()


def test_rank_sets_needs_no_pieces_of_your_own(capsys):
    assert run(photo_path("chelsea.png"), "--size", "16x16", "--rank-sets") == 0
    out = capsys.readouterr().out
    assert "Your pieces" not in out and "Adding these" not in out and " 1. " in out


def test_auto_adjust_writes_its_adjustments(tmp_path, capsys):
    assert run(photo_path("astronaut.png"), "--set", "31197", "--size", "24x24", "--auto-adjust",
               "--out", tmp_path) == 0
    out = capsys.readouterr().out
    assert out.startswith("auto adjust: ")
    opts = json.loads((tmp_path / "mosaic.json").read_text())["options"]
    chosen = {k: v for k, v in opts["adjustments"].items() if v}
    assert chosen  # this photo with Warhol's colours: something helps
    for k, v in chosen.items():
        assert f"{k} {int(v):+d}" in out


def test_poster_flag(tmp_path, capsys):
    assert run(photo_path("astronaut.png"), "--set", "31197", "--size", "24x24", "--out", tmp_path / "a") == 0
    assert run(photo_path("astronaut.png"), "--set", "31197", "--size", "24x24", "--poster",
               "--out", tmp_path / "b") == 0
    a = json.loads((tmp_path / "a" / "mosaic.json").read_text())
    b = json.loads((tmp_path / "b" / "mosaic.json").read_text())
    assert b["options"]["poster"] is True and a["grid"] != b["grid"]
    assert all(b["counts"][h] <= b["stock"][h] for h in b["counts"])
    assert b["perceived_delta_e"] > 0


def test_no_photo_with_rank_sets_is_a_sentence(capsys):
    assert run("--rank-sets") == 2
    assert "No photo given" in capsys.readouterr().err
