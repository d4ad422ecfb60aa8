"""Identifiers and login tokens as Rocket.Chat (Meteor) makes them, drawn from a seeded RNG."""

from __future__ import annotations

import base64
import hashlib
import random
import string

# Meteor's Random.id() alphabet: no look-alike characters (0, 1, I, O, U, V, l).
UNMISTAKABLE = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
# Meteor's Random.secret() alphabet (login tokens are Random.secret(), 43 characters).
BASE64_URL = string.ascii_letters + string.digits + "-_"
_BASE36 = string.digits + string.ascii_lowercase

ID_LENGTH = 17
TOKEN_LENGTH = 43

# An id is a uniform number below 55**17 written in base 55, two digits at a time.
_PAIRS = [first + second for first in UNMISTAKABLE for second in UNMISTAKABLE]
_ID_SPACE = len(UNMISTAKABLE) ** ID_LENGTH


def random_id(rng: random.Random) -> str:
    """A 17-character Random.id(), Rocket.Chat's ``_id`` for rooms, users, messages..."""
    number = rng.randrange(_ID_SPACE)
    chars = []
    for _ in range(ID_LENGTH // 2):
        number, pair = divmod(number, len(_PAIRS))
        chars.append(_PAIRS[pair])
    chars.append(UNMISTAKABLE[number])
    return "".join(chars)


def login_token(rng: random.Random) -> str:
    """A plain login token (Random.secret()): what a client sends as ``X-Auth-Token``."""
    return "".join(rng.choices(BASE64_URL, k=TOKEN_LENGTH))


def hash_login_token(token: str) -> str:
    """Accounts._hashLoginToken: base64 (standard alphabet, padded) of SHA-256(token)."""
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()


def visitor_token(rng: random.Random) -> str:
    """A livechat widget visitor token (two base-36 chunks of ``Math.random()``)."""
    return "".join(rng.choices(_BASE36, k=26))
