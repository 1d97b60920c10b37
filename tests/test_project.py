import json

import pytest

from legoremix import cli, pipeline, project
from legoremix.image import RGBA
from legoremix.settings import Settings

from helpers import photo_path

SETTINGS = {"size": [40, 30], "crop": [10, 5, 400, 300], "adjustments": {"contrast": 15, "hue": 10},
            "metric": "cie94", "piece": "round-plate", "dither": "floyd-steinberg", "strength": 70,
            "sets": {"31197": 1, "31198": 1}, "unlimited": False, "pins": [[0, 0, 11], [3, 4, 1], [99, 99, 1]]}


def make(proj):
    p = pipeline.Pipeline()
    p.set_image(proj.image)
    project.configure(p, proj.settings)
    return p.run()


def test_round_trip_gives_the_identical_mosaic(photos):
    img = photos["coffee.png"]
    proj = project.Project(img, SETTINGS)
    a = make(proj)
    text = project.dumps(proj)
    back = project.loads(text)
    assert back.image == img and back.settings == Settings.from_dict(SETTINGS).to_dict()
    assert back.settings["sets"] == {"warhol_marilyn_monroe": 1, "the_beatles": 1}
    b = make(back)
    assert a.hex_grid() == b.hex_grid() and a.counts == b.counts
    assert a.hex_grid()[0][0] == "#212121" and a.hex_grid()[4][3] == "#ffffff"  # pins kept


def test_png_codec_round_trip_rgba():
    data = bytes(range(256)) * 3 + bytes(16)
    img = RGBA(7, 28, data[: 7 * 28 * 4])
    assert project.decode_png_rgba(project.encode_png_rgba(img)) == img


def test_embedded_png_is_a_real_png(photos):
    from PIL import Image
    import io
    img = photos["chelsea.png"]
    im = Image.open(io.BytesIO(project.encode_png_rgba(img)))
    assert im.size == (img.width, img.height) and im.mode == "RGBA"
    assert im.tobytes() == img.data


@pytest.mark.parametrize("text,msg", [("{", "could not be read"), ('{"format": "x"}', "not a legoremix"),
                                      ('{"format": "legoremix-project", "version": 9}', "newer version"),
                                      ('{"format": "legoremix-project", "version": "1"}', "no valid version"),
                                      ('{"format": "legoremix-project", "version": 1, "image": {"png": "AAAA"}}', "damaged")])
def test_bad_project_files(text, msg):
    with pytest.raises(project.ProjectError, match=msg) as e:
        project.loads(text)
    assert str(e.value)[0].isupper() and str(e.value).endswith(".")


def test_cli_saves_and_reopens_a_project(tmp_path):
    assert cli.main([photo_path("astronaut.png"), "--set", "31197", "--dither", "sierra", "--out", str(tmp_path / "a"),
                     "--project"]) == 0
    first = json.loads((tmp_path / "a" / "mosaic.json").read_text())
    assert cli.main([str(tmp_path / "a" / "mosaic.legoremix"), "--out", str(tmp_path / "b")]) == 0
    second = json.loads((tmp_path / "b" / "mosaic.json").read_text())
    assert first["grid"] == second["grid"]


def test_pins_outside_the_canvas_are_kept_but_ignored(photos):
    p = pipeline.Pipeline()
    p.set_image(photos["coffee.png"])
    project.configure(p, {"size": [10, 10], "unlimited": True, "pins": [[1, 1, 5], [50, 0, 3]]})
    m = p.run()
    assert m.palette[m.grid[1][1]].bricklink_id == 5  # Red, painted
    assert p.pins == ((1, 1, 5), (50, 0, 3))  # the stud outside stays painted for a larger canvas
