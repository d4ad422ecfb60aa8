"""The token hash matches Rocket.Chat's format and the comparison never stops early."""

from __future__ import annotations

from omnigate.auth.tokens import hash_token, matches_any
from tests.auth.documents import hashed


def test_hash_is_padded_standard_base64_of_sha256() -> None:
    # echo -n abc | sha256sum | xxd -r -p | base64
    assert hash_token("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
    assert hash_token("tök€n") == hashed("tök€n")


def test_matches_any() -> None:
    stored = [hashed("a"), hashed("b")]
    assert matches_any(hashed("b"), stored)
    assert not matches_any(hashed("c"), stored)
    assert not matches_any(hashed("c"), [])
    assert not matches_any("*" * 44, [])  # the dummy hash never matches
    assert not matches_any(hashed("a"), ["é-not-ascii"])
