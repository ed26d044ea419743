"""The status colours under the common colour-vision deficiencies (Machado, Oliveira and
Fernandes 2009, full severity): every pair stays apart, so a reader with protanopia,
deuteranopia or tritanopia tells the statuses apart by colour too (patterns and labels come
on top)."""

from __future__ import annotations

import itertools
import math

from desk.reports.palette import COLOURS

#: Machado et al. (2009) simulation matrices, severity 1.0, in linear RGB.
SIMULATIONS = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
#: The least CIE76 distance between two statuses' colours (about 10: clearly different).
LEAST = 10.0


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen(colour: str, matrix) -> tuple[float, float, float]:
    """A hex colour as a reader with that vision sees it, in CIE Lab."""
    rgb = [_linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    simulated = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in matrix]
    return _lab(tuple(simulated))  # type: ignore[arg-type]


def test_every_pair_of_statuses_stays_apart_under_each_vision():
    closest = {}
    for vision, matrix in SIMULATIONS.items():
        pairs = [(math.dist(seen(COLOURS[a], matrix), seen(COLOURS[b], matrix)), a, b)
                 for a, b in itertools.combinations(COLOURS, 2)]
        closest[vision] = min(pairs)
    assert all(distance >= LEAST for distance, _a, _b in closest.values()), closest


def test_the_check_can_fail():
    """Red and green, the classic pair, merge under deuteranopia."""
    matrix = SIMULATIONS["deuteranopia"]
    assert math.dist(seen("#D55E00", matrix), seen("#7A8F00", matrix)) < LEAST
    assert math.dist(seen("#D55E00", SIMULATIONS["normal"]),
                     seen("#7A8F00", SIMULATIONS["normal"])) >= LEAST
