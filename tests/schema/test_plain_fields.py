"""Prefetched metric fields completed as plain data (``omnigate.internals``) answer exactly
what their resolvers answer, and fall back to them whenever a value was not prefetched."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from pymongo.database import Database

from omnigate.internals import PlainExecutionContext
from omnigate.schema import schema
from omnigate.schema.types import Department
from tests.metrics.documents import at, closed, room, transfer
from tests.schema.conftest import Execute, codes

MAY = {"start": "2024-05-01T00:00:00Z", "end": "2024-05-31T23:59:59.999Z"}
JUNE = {"start": "2024-06-01T00:00:00Z", "end": "2024-06-30T23:59:59.999Z"}
METRICS = """chats(range: $r) answered: chats(range: $r, answered: true)
  transferredChats(range: $r) abandonedChats(range: $r) abandonedChatsPercentage(range: $r)
  averageServiceTime(range: $r) averageChatDuration(range: $r) averageWaitingTime(range: $r)
  totalServiceTime(range: $r) { chats seconds }"""


def _insert(db: Database) -> None:
    db.rocketchat_livechat_department.insert_many(
        [{"_id": "dA", "name": "Alpha"}, {"_id": "dB", "name": "Beta"}]
    )
    may, june = at("2024-05-10T10:00"), at("2024-06-10T10:00")
    db.rocketchat_room.insert_many(
        [
            closed(room("r1", may, "dA"), may + timedelta(hours=1), chatDuration=600.0),
            room("r2", may, "dA", waitingResponse=True),
            room("r3", june, "dA"),
            closed(room("r4", june, "dB"), june + timedelta(hours=2), visitorInactivity=7200),
        ]
    )
    db.rocketchat_message.insert_many(
        [transfer("m1", "r1", may), transfer("m2", "r3", june), transfer("m3", "r3", june)]
    )


def test_the_schema_completes_prefetched_fields_directly() -> None:
    assert schema.execution_context_class is PlainExecutionContext


async def test_page_values_equal_the_resolvers_values(
    fresh_db: Database, execute: Execute, monkeypatch: Any
) -> None:
    _insert(fresh_db)
    query = f"query($r: DateRange!) {{ departments {{ edges {{ node {{ {METRICS} }} }} }} }}"
    plain = await execute(query, {"r": MAY})
    assert plain.errors is None
    # without prefetched values every field goes through its strawberry resolver
    from_node = Department.from_node.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        Department,
        "from_node",
        classmethod(lambda cls, node: from_node(cls, dataclasses.replace(node, prefetched=None))),
    )
    resolved = await execute(query, {"r": MAY})
    assert resolved.errors is None
    assert plain.data == resolved.data
    alpha = plain.data["departments"]["edges"][0]["node"]
    assert alpha["chats"] == 2 and alpha["answered"] == 1 and alpha["transferredChats"] == 1
    assert alpha["averageChatDuration"] == 600.0
    assert alpha["totalServiceTime"] == {"chats": 0, "seconds": 0.0}


async def test_one_response_key_with_two_meanings_is_resolved_per_place(
    fresh_db: Database, execute: Execute
) -> None:
    """``edges`` and ``later: edges`` share their node objects: the alias ``n`` means May
    under one and June under the other, so it must not be answered from one value."""
    _insert(fresh_db)
    result = await execute(
        """query($may: DateRange!, $june: DateRange!) { departments {
             edges { node { departmentId n: chats(range: $may) t: transferredChats(range: $may) } }
             later: edges { node { n: chats(range: $june) t: transferredChats(range: $june) } }
           } }""",
        {"may": MAY, "june": JUNE},
    )
    assert result.errors is None
    connection = result.data["departments"]
    assert [e["node"] for e in connection["edges"]] == [
        {"departmentId": "dA", "n": 2, "t": 1},
        {"departmentId": "dB", "n": 0, "t": 0},
    ]
    assert [e["node"] for e in connection["later"]] == [{"n": 1, "t": 2}, {"n": 1, "t": 0}]


async def test_bad_arguments_still_fail_the_field(fresh_db: Database, execute: Execute) -> None:
    _insert(fresh_db)
    backwards = {"start": MAY["end"], "end": MAY["start"]}
    result = await execute(
        """query($r: DateRange!, $bad: DateRange!) { department(departmentId: "dA") {
             chats(range: $r) wrong: chats(range: $bad) } }""",
        {"r": MAY, "bad": backwards},
    )
    assert result.data == {"department": None}
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result.errors[0].path == ["department", "wrong"]
