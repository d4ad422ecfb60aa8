"""The seed's building blocks, without a database: ids, decks, seasonality, layout."""

from __future__ import annotations

import random
from collections import Counter
from itertools import pairwise

from omnigate.seed.clock import DAY, HOUR, seconds, to_ms
from omnigate.seed.conversation import Event, Kind, lay_out
from omnigate.seed.decks import Deck
from omnigate.seed.ids import random_id
from omnigate.seed.seasonality import creation_times, hourly_counts
from tests.seed.conftest import NOW

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"


def test_ids_use_every_letter_of_the_alphabet_and_only_those() -> None:
    rng = random.Random(1)
    ids = [random_id(rng) for _ in range(2000)]
    assert all(len(id_) == 17 for id_ in ids)
    assert set("".join(ids)) == set(ALPHABET)
    assert len(set(ids)) == len(ids)
    # the last character is drawn as uniformly as the others
    assert set(id_[-1] for id_ in ids) == set(ALPHABET)


def test_every_full_deck_has_the_exact_proportions() -> None:
    deck = Deck(random.Random(2), {"a": 5, "b": 2, "c": 1})
    for _ in range(4):
        assert Counter(deck.draw() for _ in range(len(deck))) == {"a": 5, "b": 2, "c": 1}


def test_hourly_counts_add_up() -> None:
    start = to_ms(NOW) - 90 * DAY
    for total in (0, 1, 7, 1000):
        counts = hourly_counts(random.Random(3), start, 90 * 24, total)
        assert len(counts) == 90 * 24 and sum(counts) == total and min(counts) >= 0


def test_creation_times_ascend_within_the_period() -> None:
    now_ms = to_ms(NOW)
    times = list(creation_times(random.Random(4), now_ms, 500))
    assert len(times) == 500 and times == sorted(times)
    assert now_ms - 90 * DAY <= times[0] and times[-1] < now_ms


def test_a_conversation_that_would_end_after_now_is_compressed() -> None:
    events = [Event(Kind.VISITOR, 500), Event(Kind.AGENT, 2 * HOUR), Event(Kind.CLOSE, 3 * HOUR)]
    ts = to_ms(NOW) - HOUR
    timed = lay_out(events, ts, to_ms(NOW))
    instants = [ts] + [ms for ms, _ in timed]
    assert all(earlier <= later for earlier, later in pairwise(instants))
    assert instants[-1] < to_ms(NOW)
    assert [event for _, event in timed] == events
    start = ts - DAY  # with time to spare, the delays are kept as drawn
    untouched = [ms for ms, _ in lay_out(events, start, to_ms(NOW))]
    assert untouched == [start + 500, start + 500 + 2 * HOUR, start + 500 + 5 * HOUR]


def test_durations_are_stored_as_node_stores_numbers() -> None:
    assert seconds(1500) == 1.5 and isinstance(seconds(1500), float)
    assert seconds(2000) == 2 and isinstance(seconds(2000), int)
