"""Rocket.Chat login-token hashes and their constant-time comparison."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

# As long as a real hash; compared against when there is nothing to compare, result ignored.
_DUMMY_HASH = b"*" * 44


def hash_token(token: str) -> str:
    """Rocket.Chat's ``hashedToken``: base64 (standard alphabet, padded) of SHA-256(token)."""
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode("ascii")


def matches_any(hashed_token: str, stored: Sequence[str]) -> bool:
    """Whether ``hashed_token`` is one of ``stored``.

    Compares against every entry with ``hmac.compare_digest`` (no early exit), and against
    one dummy hash when ``stored`` is empty, so an unknown user costs what a wrong token does.
    """
    candidate = hashed_token.encode()
    if not stored:
        hmac.compare_digest(_DUMMY_HASH, candidate)  # the work of one wrong token
        return False
    matched = False
    for entry in stored:
        matched |= hmac.compare_digest(entry.encode(), candidate)
    return matched
