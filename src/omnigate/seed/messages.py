"""``rocketchat_message`` documents: chat messages and transfer events.

Only a bounded number of ordinary messages is written per room: the visitor's first
message and the agent's first answer. A real chat holds dozens; writing them all for a
million rooms is more than SecantusDB can take in reasonable time, and the analytics
never read them (they read the room's ``msgs`` counter and ``metrics``). The rooms'
``msgs`` counters still count every message of the conversation, as Rocket.Chat's do.
Transfer events (``livechat_transfer_history``) are all written: the analytics count them.
"""

from __future__ import annotations

import random
from typing import Any

from omnigate.seed.clock import at
from omnigate.seed.conversation import Transfer
from omnigate.seed.ids import random_id
from omnigate.seed.users import User
from omnigate.seed.visitors import Visitor

Document = dict[str, Any]

TRANSFER_HISTORY = "livechat_transfer_history"

OPENERS = (
    "Hi, I have a question about my order",
    "Hello! I can't log in to my account",
    "Hi there, do you ship to Canada?",
    "I was charged twice this month",
    "Good morning, I'd like a quote for 50 seats",
    "The app keeps showing an error when I save",
    "Can I change the delivery address?",
    "Hola, necesito ayuda con mi pedido",
    "How do I cancel my subscription?",
    "Is there a discount for non-profits?",
)


def _text(rng: random.Random, rid: str, ms: int, author: Document, msg: str) -> Document:
    moment = at(ms)
    return {
        "_id": random_id(rng),
        "rid": rid,
        "msg": msg,
        "ts": moment,
        "u": author,
        "_updatedAt": moment,
        "urls": [],
        "mentions": [],
        "channels": [],
        "md": [{"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": msg}]}],
    }


def visitor_message(rng: random.Random, rid: str, ms: int, visitor: Visitor) -> Document:
    """The visitor's first message (visitor messages carry the visitor's ``token``)."""
    document = _text(rng, rid, ms, visitor.named_ref(), rng.choice(OPENERS))
    document["token"] = visitor.token
    return document


def agent_message(rng: random.Random, rid: str, ms: int, agent: User, visitor: Visitor) -> Document:
    """The agent's first answer."""
    greeting = f"Hi {visitor.display_name.split()[0]}, this is {agent.name.split()[0]}."
    msg = f"{greeting} {rng.choice(('How can I help?', 'Let me check that for you.'))}"
    return _text(rng, rid, ms, agent.named_ref(), msg)


def transfer_message(rng: random.Random, rid: str, ms: int, transfer: Transfer) -> Document:
    """A ``livechat_transfer_history`` message, as Rocket.Chat's saveTransferHistory writes it."""
    moment = at(ms)
    data: Document = {
        "transferredBy": {**transfer.by.named_ref(), "userType": transfer.by_type},
        "ts": moment,
        "scope": transfer.scope,
    }
    if transfer.comment is not None:
        data["comment"] = transfer.comment
    if transfer.previous is not None:
        data["previousDepartment"] = transfer.previous.id
    if transfer.next is not None:
        data["nextDepartment"] = transfer.next.ref()
    if transfer.to is not None:
        data["transferredTo"] = transfer.to.named_ref()
    return {
        "_id": random_id(rng),
        "t": TRANSFER_HISTORY,
        "rid": rid,
        "ts": moment,
        "msg": "",
        "u": transfer.by.ref(),
        "groupable": False,
        "transferData": data,
        "_updatedAt": moment,
    }
