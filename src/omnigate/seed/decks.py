"""Stratified draws: a shuffled deck with exact proportions, reshuffled when exhausted.

Independent coin flips would leave rare cases (a room transferred twice, a dangling
transfer) absent from small data sets; a deck guarantees each of them in every full
deck while keeping the order random.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class Deck(Generic[T]):
    """Cards in the given counts, dealt in a random order, deck after deck."""

    def __init__(self, rng: random.Random, counts: Mapping[T, int]) -> None:
        self._rng = rng
        self._cards = [card for card, count in counts.items() for _ in range(count)]
        if not self._cards:
            raise ValueError("a deck needs at least one card")
        self._dealt = len(self._cards)

    def __len__(self) -> int:
        return len(self._cards)

    def draw(self) -> T:
        if self._dealt == len(self._cards):
            self._rng.shuffle(self._cards)
            self._dealt = 0
        card = self._cards[self._dealt]
        self._dealt += 1
        return card
