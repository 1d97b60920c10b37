"""Shared fixtures: real photos (shipped in the scikit-image wheel) and both engine paths."""
from helpers import photo_path
from pathlib import Path

import pytest

from legoremix import _array, image

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def photos():
    """name -> RGBA of real photos."""
    return {n: image.load(photo_path(n)) for n in ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")}


@pytest.fixture(params=["numpy", "pure"])
def path(request):
    """Run a test once on each engine path."""
    with _array.force(request.param):
        yield request.param


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
