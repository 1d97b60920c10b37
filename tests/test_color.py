import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from legoremix import _array, color

# Sharma, Wu, Dalal (2005), Table 1: L1 a1 b1 L2 a2 b2 dE00
SHARMA = """
50.0000 2.6772 -79.7751 50.0000 0.0000 -82.7485 2.0425
50.0000 3.1571 -77.2803 50.0000 0.0000 -82.7485 2.8615
50.0000 2.8361 -74.0200 50.0000 0.0000 -82.7485 3.4412
50.0000 -1.3802 -84.2814 50.0000 0.0000 -82.7485 1.0000
50.0000 -1.1848 -84.8006 50.0000 0.0000 -82.7485 1.0000
50.0000 -0.9009 -85.5211 50.0000 0.0000 -82.7485 1.0000
50.0000 0.0000 0.0000 50.0000 -1.0000 2.0000 2.3669
50.0000 -1.0000 2.0000 50.0000 0.0000 0.0000 2.3669
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0009 7.1792
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0010 7.1792
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0011 7.2195
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0012 7.2195
50.0000 -0.0010 2.4900 50.0000 0.0009 -2.4900 4.8045
50.0000 -0.0010 2.4900 50.0000 0.0010 -2.4900 4.8045
50.0000 -0.0010 2.4900 50.0000 0.0011 -2.4900 4.7461
50.0000 2.5000 0.0000 50.0000 0.0000 -2.5000 4.3065
50.0000 2.5000 0.0000 73.0000 25.0000 -18.0000 27.1492
50.0000 2.5000 0.0000 61.0000 -5.0000 29.0000 22.8977
50.0000 2.5000 0.0000 56.0000 -27.0000 -3.0000 31.9030
50.0000 2.5000 0.0000 58.0000 24.0000 15.0000 19.4535
50.0000 2.5000 0.0000 50.0000 3.1736 0.5854 1.0000
50.0000 2.5000 0.0000 50.0000 3.2972 0.0000 1.0000
50.0000 2.5000 0.0000 50.0000 1.8634 0.5757 1.0000
50.0000 2.5000 0.0000 50.0000 3.2592 0.3350 1.0000
60.2574 -34.0099 36.2677 60.4626 -34.1751 39.4387 1.2644
63.0109 -31.0961 -5.8663 62.8187 -29.7946 -4.0864 1.2630
61.2901 3.7196 -5.3901 61.4292 2.2480 -4.9620 1.8731
35.0831 -44.1164 3.7933 35.0232 -40.0716 1.5901 1.8645
22.7233 20.0904 -46.6940 23.0331 14.9730 -42.5619 2.0373
36.4612 47.8580 18.3852 36.2715 50.5065 21.2231 1.4146
90.8027 -2.0831 1.4410 91.1528 -1.6435 0.0447 1.4441
90.9257 -0.5406 -0.9208 88.6381 -0.8985 -0.7239 1.5381
6.7747 -0.2908 -2.4247 5.8714 -0.0985 -2.2286 0.6377
2.0776 0.0795 -1.1350 0.9033 -0.0636 -0.5514 0.9082
"""
PAIRS = [[float(v) for v in line.split()] for line in SHARMA.strip().splitlines()]


def test_sharma_table_has_34_pairs():
    assert len(PAIRS) == 34


@pytest.mark.parametrize("row", PAIRS)
def test_ciede2000_scalar_matches_sharma(row):
    assert color.ciede2000_1(row[0:3], row[3:6]) == pytest.approx(row[6], abs=1e-4)
    assert color.ciede2000_1(row[3:6], row[0:3]) == pytest.approx(row[6], abs=1e-4)  # symmetric


def test_ciede2000_vectorised_matches_sharma():
    a = np.array([r[0:3] for r in PAIRS])
    b = np.array([r[3:6] for r in PAIRS])
    expected = np.array([r[6] for r in PAIRS])
    with _array.force("numpy"):
        np.testing.assert_allclose(color.ciede2000(a, b), expected, atol=1e-4)


lab = st.tuples(st.floats(0, 100), st.floats(-128, 127), st.floats(-128, 127))


@given(lab, lab)
def test_vectorised_metrics_agree_with_scalar(p, q):
    with _array.force("numpy"):
        for f1, fv in ((color.ciede2000_1, color.ciede2000), (color.cie94_1, color.cie94),
                       (color.euclid_1, color.euclid)):
            assert fv(np.array(p), np.array(q)) == pytest.approx(f1(p, q), abs=1e-9)


rgb = st.tuples(*[st.floats(0, 1)] * 3)


@given(rgb)
def test_vectorised_conversions_agree_with_scalar(c):
    with _array.force("numpy"):
        a = np.array([c])
        np.testing.assert_allclose(color.linear_to_lab(a)[0], color.linear_to_lab_1(c), atol=1e-9)
        np.testing.assert_allclose(color.linear_to_oklab(a)[0], color.linear_to_oklab_1(c), atol=1e-9)
        np.testing.assert_allclose(color.linear_to_srgb(a)[0], [color.linear_to_srgb_1(v) for v in c], atol=1e-12)


@given(rgb)
def test_lab_round_trip(c):
    back = color.lab_to_linear_1(color.linear_to_lab_1(c))
    assert back == pytest.approx(c, abs=1e-6)


def test_known_values():
    assert color.linear_to_lab_1((1.0, 1.0, 1.0)) == pytest.approx((100, 0, 0), abs=1e-3)
    assert color.linear_to_lab_1((0, 0, 0)) == pytest.approx((0, 0, 0), abs=1e-9)
    # sRGB red in CIELAB D65 (CIE 15 / Lindbloom): 53.24, 80.09, 67.20
    assert color.linear_to_lab_1((1, 0, 0)) == pytest.approx((53.24, 80.09, 67.20), abs=0.02)
    # OKLab of white is (1, 0, 0); of red (0.6279, 0.2249, 0.1258) per Ottosson
    assert color.linear_to_oklab_1((1, 1, 1)) == pytest.approx((1, 0, 0), abs=1e-6)
    assert color.linear_to_oklab_1((1, 0, 0)) == pytest.approx((0.62796, 0.22486, 0.12585), abs=1e-4)
    assert color.srgb_to_linear_1(0.5) == pytest.approx(0.21404, abs=1e-5)


def test_srgb_round_trip_bytes():
    for i in range(256):
        assert round(color.linear_to_srgb_1(color.SRGB8_TO_LINEAR[i]) * 255) == i


def test_hex_helpers():
    assert color.hex_to_rgb8("#AA7D55") == (170, 125, 85)
    assert color.rgb8_to_hex((170, 125, 85)) == "#aa7d55"
    assert color.hex_to_rgb8("fff") == (255, 255, 255)
    with pytest.raises(ValueError):
        color.hex_to_rgb8("#12345")


def test_metrics_zero_on_identity_and_positive_otherwise():
    for m in color.METRICS.values():
        a = m.to_space_1((0.2, 0.4, 0.6))
        b = m.to_space_1((0.25, 0.4, 0.6))
        assert m.distance_1(a, a) == pytest.approx(0, abs=1e-9)
        assert m.distance_1(a, b) > 0
    with pytest.raises(ValueError, match="unknown colour metric"):
        color.get_metric("cmyk")
    assert math.isfinite(color.ciede2000_1((0, 0, 0), (100, 0, 0)))
