"""When chats start: 90 days of hourly volumes with weekday and office-hour peaks (UTC)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from omnigate.seed.clock import DAY, HOUR

DAYS = 90

# Relative chat volume per hour of day (UTC): quiet nights, a morning ramp, a lunch
# dip, busy office hours (9-17), a long evening tail.
HOUR_OF_DAY = (
    0.08, 0.06, 0.05, 0.05, 0.06, 0.10, 0.18, 0.35, 0.70, 1.00, 1.00, 0.95,
    0.80, 0.90, 1.00, 0.95, 0.85, 0.70, 0.45, 0.35, 0.28, 0.22, 0.16, 0.11,
)  # fmt: skip
# Monday .. Sunday.
DAY_OF_WEEK = (1.10, 1.00, 1.00, 0.95, 0.90, 0.35, 0.25)
# Volume grows by this fraction over the whole period.
GROWTH = 0.25
# Each day's volume varies by up to this fraction.
DAILY_NOISE = 0.15


def _weekday(ms: int) -> int:
    """Monday = 0, as ``datetime.weekday`` (1970-01-01 was a Thursday)."""
    return (ms // DAY + 3) % 7


def hourly_counts(rng: random.Random, start_ms: int, hours: int, total: int) -> list[int]:
    """``total`` split over ``hours`` one-hour slots from ``start_ms`` (largest remainders)."""
    day_noise = [rng.uniform(1 - DAILY_NOISE, 1 + DAILY_NOISE) for _ in range(hours // 24 + 2)]
    weights = []
    for slot in range(hours):
        ms = start_ms + slot * HOUR
        weights.append(
            HOUR_OF_DAY[ms // HOUR % 24]
            * DAY_OF_WEEK[_weekday(ms)]
            * (1 + GROWTH * slot / hours)
            * day_noise[slot // 24]
        )
    scale = total / math.fsum(weights)
    shares = [weight * scale for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(hours), key=lambda slot: (counts[slot] - shares[slot], slot))
    for slot in by_remainder[: total - sum(counts)]:
        counts[slot] += 1
    return counts


def creation_times(rng: random.Random, now_ms: int, total: int, days: int = DAYS) -> Iterator[int]:
    """``total`` instants (epoch ms) in ``[now - days, now)``, ascending, seasonally spread."""
    hours = days * 24
    start_ms = now_ms - hours * HOUR
    for slot, count in enumerate(hourly_counts(rng, start_ms, hours, total)):
        slot_ms = start_ms + slot * HOUR
        yield from sorted(slot_ms + rng.randrange(HOUR) for _ in range(count))
