"""The seed's building blocks, without a database: ids, decks, seasonality, timelines."""

from __future__ import annotations

import random
from collections import Counter

from omnigate.seed.clock import DAY, HOUR, MINUTE, SECOND, seconds, to_ms
from omnigate.seed.conversation import Event, Kind, lay_out
from omnigate.seed.decks import Deck
from omnigate.seed.ids import random_id
from omnigate.seed.seasonality import creation_times, hourly_counts
from omnigate.seed.users import User
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


def test_only_what_happened_before_now_is_laid_out() -> None:
    agent = User("agent", "agent", "Agent")
    events = [
        Event(Kind.VISITOR, 500),
        Event(Kind.ASSIGN, 30 * SECOND, agent),
        Event(Kind.AGENT, 20 * SECOND, agent),
        Event(Kind.CLOSE, HOUR, agent),
    ]
    now_ms = to_ms(NOW)
    start = now_ms - DAY
    assert [ms for ms, _ in lay_out(events, start, now_ms)] == [
        start + 500,
        start + 500 + 30 * SECOND,
        start + 500 + 50 * SECOND,
        start + 500 + 50 * SECOND + HOUR,
    ]
    running = lay_out(events, now_ms - 10 * MINUTE, now_ms)
    assert [event.kind for _, event in running] == [Kind.VISITOR, Kind.ASSIGN, Kind.AGENT]
    # taken by an agent who has not answered yet: still queued
    queued = lay_out(events, now_ms - 40 * SECOND, now_ms)
    assert [event.kind for _, event in queued] == [Kind.VISITOR]
    # a chat started a moment ago has its first message, before now
    [(first, _)] = lay_out(events, now_ms - 1, now_ms)
    assert first == now_ms - 1


def test_durations_are_stored_as_node_stores_numbers() -> None:
    assert seconds(1500) == 1.5 and isinstance(seconds(1500), float)
    assert seconds(2000) == 2 and isinstance(seconds(2000), int)
