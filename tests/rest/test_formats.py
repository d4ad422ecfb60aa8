"""The overview's and the dashboards' JavaScript-style number formatting."""

from __future__ import annotations

import pytest

from omnigate.http.rest.formats import hhmmss, js_number, js_round, js_string, to_fixed


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00:00"),
        (0.49999999999999994, "00:00:00"),  # Math.round, not floor(x + 0.5)
        (0.5, "00:00:01"),
        (59.4, "00:00:59"),
        (59.5, "00:00:60"),  # minutes are floored first, then the seconds rounded
        (60, "00:01:00"),
        (3599.5, "00:59:60"),
        (3661, "01:01:01"),
        (3663.2, "01:01:03"),
        (86399.9, "23:59:60"),
        (360000, "100:00:00"),
    ],
)
def test_hhmmss(seconds: float, text: str) -> None:
    assert hhmmss(seconds) == text


@pytest.mark.parametrize(
    ("value", "rounded"), [(0.5, 1), (1.5, 2), (2.5, 3), (-0.5, 0), (-1.5, -1), (2.4999, 2)]
)
def test_js_round_halves_towards_positive_infinity(value: float, rounded: int) -> None:
    assert js_round(value) == rounded


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0.00"),
        (0.125, "0.13"),  # an exact half: toFixed rounds it up, Python's format to even
        (0.375, "0.38"),
        (1.005, "1.00"),  # 1.00499999999999989... in binary
        (2 / 3, "0.67"),
        (10 / 31, "0.32"),
        (0.74, "0.74"),
        (1086 / 1461, "0.74"),
        (12, "12.00"),
    ],
)
def test_to_fixed(value: float, text: str) -> None:
    assert to_fixed(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [  # what node prints for String(value)
        (0, "0"),
        (-0.0, "0"),
        (30.6, "30.6"),
        (100 / 3, "33.333333333333336"),
        (100.0, "100"),
        (-2.5, "-2.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (1.5e-6, "0.0000015"),
        (1e21, "1e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (2.5e22, "2.5e+22"),
    ],
)
def test_js_string(value: float, text: str) -> None:
    assert js_string(value) == text


def test_js_number_drops_an_integral_float_s_fraction() -> None:
    assert (js_number(12.0), js_number(12.5), js_number(7)) == (12, 12.5, 7)
    assert type(js_number(12.0)) is int
