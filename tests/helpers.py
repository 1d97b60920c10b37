"""Test helpers shared by unit and browser tests."""
import os

import pytest


def photo_path(name):
    """A real photo shipped in the scikit-image wheel (a test dependency)."""
    skdata = pytest.importorskip("skimage.data")
    return os.path.join(os.path.dirname(skdata.__file__), name)
