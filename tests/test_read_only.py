"""The gateway never writes: not a document, not an index, not a collection, not a database.

Two proofs over the seeded database:

* a checksum of every collection (sha256 over the sorted raw BSON of its documents, its
  indexes and its options) is the same before and after a barrage of GraphQL and REST
  requests, good and bad, and no database appears or disappears;
* every command the gateway sends during the barrage (pymongo command monitoring) is a
  read.

The ``seeded`` fixture (tests/conftest.py) makes the first a session-wide check too: it
compares the seeded database's checksum at the end of the session with the one taken
right after seeding, so any test (or gateway) that wrote to it fails the run.
"""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from typing import Any

from pymongo import MongoClient, monitoring
from pymongo.database import Database
from starlette.testclient import TestClient

from omnigate.config import Settings
from omnigate.http.app import create_app
from omnigate.seed import SeedReport
from tests.checksums import checksum
from tests.conftest import SEED_NOW, SEEDED_DB, mongo_url

# Commands a read-only client may send (pymongo publishes no events for its handshakes
# and heartbeats).
READ_COMMANDS = frozenset(
    {"find", "aggregate", "getMore", "count", "ping", "killCursors", "endSessions"}
)


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.commands: list[tuple[str, str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            self.commands.append((event.command_name, event.database_name))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


RANGE = {"start": (SEED_NOW - timedelta(days=30)).isoformat(), "end": SEED_NOW.isoformat()}
FULL = """query($r: DateRange!, $tz: String) {
  departments(first: 100) { totalCount pageInfo { endCursor hasNextPage } edges { cursor node {
    id departmentId name enabled archived chats(range: $r)
    answered: chats(range: $r, answered: true)
    transferredChats(range: $r) abandonedChats(range: $r) abandonedChatsPercentage(range: $r)
    averageServiceTime(range: $r) averageChatDuration(range: $r) averageWaitingTime(range: $r)
    totalServiceTime(range: $r) { chats seconds }
    overview(range: $r, timezone: $tz) { timezone conversations { total busiestDay { date } } }
  } } }
  overview(range: $r, timezone: $tz) { start end timezone
    conversations { total open onHold messages perDay busiestDay { date weekday messages }
                    busiestHour { hour label messages } }
    productivity { averageResponseTime averageFirstResponseTime averageReactionTime } }
}"""
GRAPHQL_BARRAGE: list[tuple[str, dict[str, Any] | None]] = [
    (FULL, {"r": RANGE, "tz": None}),
    (FULL, {"r": RANGE, "tz": "America/Sao_Paulo"}),
    (FULL, {"r": RANGE, "tz": "Mars/Base"}),
    (FULL, {"r": {"start": RANGE["end"], "end": RANGE["start"]}, "tz": None}),
    (
        """query($r: DateRange) { departments(first: 3, orderBy: {field: TOTAL_SERVICE_TIME,
             direction: DESC, range: $r}) { edges { cursor node { name } } } }""",
        {"r": RANGE},
    ),
    ("{ departments(last: 2) { edges { node { id } } } }", None),
    ('{ departments(after: "garbage") { totalCount } }', None),
    ("{ departments(first: 1000) { totalCount } }", None),
    ('{ node(id: "RGVwYXJ0bWVudDpub3BlCg==") { id } }', None),
    ('{ department(departmentId: "nope") { name } }', None),
    ("{ __schema { types { name } } }", None),
    ("{ " + "a: __typename " * 40 + "}", None),
    ("{ departments { ", None),
    ("mutation { departments { totalCount } }", None),
]
REST = "/api/v1/livechat/analytics"
DATES = f"start={RANGE['start'][:10]}&end={RANGE['end'][:10]}"
REST_BARRAGE = [
    *(
        f"{REST}/departments/{name}?{DATES}"
        for name in (
            "amount-of-chats",
            "average-service-time",
            "average-chat-duration-time",
            "total-service-time",
            "average-waiting-time",
            "total-transferred-chats",
            "total-abandoned-chats",
            "percentage-abandoned-chats",
        )
    ),
    f"{REST}/departments/amount-of-chats?{DATES}&answered=true&offset=2&count=3",
    f"{REST}/departments/amount-of-chats?start=garbage&end=2026-01-01",
    f"{REST}/departments/average-service-time",
    f"{REST}/overview?name=Conversations&from={RANGE['start'][:10]}&to={RANGE['end'][:10]}",
    f"{REST}/overview?name=Productivity&from={RANGE['start'][:10]}&to={RANGE['end'][:10]}",
    f"{REST}/overview?name=Nothing&from=2026-01-01&to=2026-01-02",
]


def test_a_barrage_of_requests_writes_nothing(
    seeded: SeedReport,
    sync_client: MongoClient,
    mongo_port: int,
    manager_headers: dict[str, str],
) -> None:
    db = sync_client[SEEDED_DB]
    before = checksum(db)
    assert set(before) >= {"rocketchat_room", "rocketchat_message", "users"}
    databases = set(sync_client.list_database_names())
    log = CommandLog()
    settings = Settings(mongo_url=mongo_url(mongo_port, SEEDED_DB))
    with TestClient(create_app(settings, event_listeners=[log])) as client:
        statuses = []
        for query, variables in GRAPHQL_BARRAGE:
            payload = {"query": query, "variables": variables}
            statuses.append(client.post("/graphql", json=payload, headers=manager_headers))
            statuses.append(
                client.get("/graphql", params={"query": query}, headers=manager_headers)
            )
        for path in REST_BARRAGE:
            statuses.append(client.get(path, headers=manager_headers))
        statuses.append(client.post("/graphql", json={"query": FULL}))  # no credentials
        statuses.append(client.get("/readyz"))
        assert all(response.status_code < 500 for response in statuses)
        assert sum(response.status_code == 200 for response in statuses) > 20
    sent = {name for name, _ in log.commands}
    assert {"find", "aggregate"} <= sent
    assert sent <= READ_COMMANDS, sent - READ_COMMANDS
    assert {database for _, database in log.commands} <= {SEEDED_DB, "admin"}
    assert checksum(db) == before
    assert set(sync_client.list_database_names()) == databases


def test_the_checksum_sees_every_kind_of_write(fresh_db: Database) -> None:
    """The checksum is sensitive to what the gateway must not do."""
    fresh_db.rooms.insert_many([{"_id": 1, "a": 1}, {"_id": 2, "a": 2}])
    base = checksum(fresh_db)
    writes = [
        lambda: fresh_db.rooms.update_one({"_id": 1}, {"$set": {"a": 3}}),
        lambda: fresh_db.rooms.insert_one({"_id": 3}),
        lambda: fresh_db.rooms.delete_one({"_id": 3}),
        lambda: fresh_db.rooms.create_index("a"),
        lambda: fresh_db.rooms.drop_index("a_1"),
        lambda: fresh_db.create_collection("extra"),
    ]
    seen = [base]
    for write in writes:
        write()
        seen.append(checksum(fresh_db))
    assert all(after != before for before, after in itertools.pairwise(seen))
    assert seen[3] == seen[1]  # the same documents again: the same checksum
    assert seen[5] == seen[3]
