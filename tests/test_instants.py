"""One ISO-8601 parser: the GraphQL ``DateTime`` scalar and the REST ``start``/``end``
parameters accept and refuse the same text, and read it as the same instant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from omnigate.instants import parse_instant

ISO_REASON = (
    "It is not an ISO-8601 date or date-time: send e.g. 2024-05-01, 2024-05-01T10:00:00Z "
    "or 2024-05-01T12:00:00.250+02:00."
)
RANGE_REASON = "It must lie between 0001-01-02T00:00:00Z and 9999-12-30T23:59:59.999Z."

ACCEPTED = [
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ("2024-05-01T10:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T10:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=UTC)),
    ("2024-05-01T10:00:00-05:30", datetime(2024, 5, 1, 15, 30, tzinfo=UTC)),
    ("2024-05-01T23:30:00-01:00", datetime(2024, 5, 2, 0, 30, tzinfo=UTC)),
    ("2024-05-01T10:00:00.5Z", datetime(2024, 5, 1, 10, 0, 0, 500_000, tzinfo=UTC)),
    ("2024-05-01T10:00:00.123+02:00", datetime(2024, 5, 1, 8, 0, 0, 123_000, tzinfo=UTC)),
    ("2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC)),
    ("0001-01-02T00:00:00Z", datetime(1, 1, 2, tzinfo=UTC)),
    ("0001-01-02", datetime(1, 1, 2, tzinfo=UTC)),
    ("9999-12-30T23:59:59.999Z", datetime(9999, 12, 30, 23, 59, 59, 999_000, tzinfo=UTC)),
    ("9999-12-31T01:00:00+02:00", datetime(9999, 12, 30, 23, tzinfo=UTC)),
]
# Finer than MongoDB's milliseconds: as a range of one instant it would be empty (its start
# rounds up, its end down), so only the parser itself is asked.
MICROSECONDS = [
    ("2024-05-01T10:00:00.123456Z", datetime(2024, 5, 1, 10, 0, 0, 123_456, tzinfo=UTC)),
    ("2024-05-01T10:00:00,000001-00:00", datetime(2024, 5, 1, 10, 0, 0, 1, tzinfo=UTC)),
]
REFUSED = [
    ("", ISO_REASON),
    ("garbage", ISO_REASON),
    ("yesterday", ISO_REASON),
    ("05/01/2024", ISO_REASON),
    ("May 1, 2024", ISO_REASON),
    ("2024-5-1", ISO_REASON),
    ("2024-13-01", ISO_REASON),
    ("2024-02-30", ISO_REASON),
    ("2023-02-29", ISO_REASON),
    ("2024-05-01T25:00Z", ISO_REASON),
    ("2024-05-01T10:00:00+24:00", ISO_REASON),
    ("2024-05-01T10:00:00 UTC", ISO_REASON),
    (" 2024-05-01", ISO_REASON),
    ("0000-01-01", ISO_REASON),
    ("10000-01-01", ISO_REASON),
    ("-2024-05-01", ISO_REASON),
    ("0001-01-01", RANGE_REASON),
    ("0001-01-01T23:59:59.999Z", RANGE_REASON),
    ("0001-01-01T00:00:00+05:00", RANGE_REASON),  # before year 1 in UTC
    ("0001-01-02T01:00:00+02:00", RANGE_REASON),
    ("9999-12-31", RANGE_REASON),
    ("9999-12-30T23:59:59.9995Z", RANGE_REASON),
    ("9999-12-31T23:59:59.999999-23:59", RANGE_REASON),  # past year 9999 in UTC
]
OVERVIEW = 'query($r: DateRange!) { overview(range: $r, timezone: "UTC") { end } }'
AMOUNT_OF_CHATS = "/api/v1/livechat/analytics/departments/amount-of-chats"
Post = Callable[[str, dict[str, Any] | None], dict[str, Any]]


@pytest.mark.parametrize(
    ("text", "expected"), ACCEPTED + MICROSECONDS, ids=[t for t, _ in ACCEPTED + MICROSECONDS]
)
def test_parse_instant_reads_utc(text: str, expected: datetime) -> None:
    parsed = parse_instant(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[t for t, _ in REFUSED])
def test_parse_instant_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_instant(text)
    assert str(refused.value) == reason


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_both_transports_accept(
    graphql_client: Post,
    http_client: TestClient,
    manager_headers: dict[str, str],
    text: str,
    expected: datetime,
) -> None:
    body = graphql_client(OVERVIEW, {"r": {"start": text, "end": text}})
    assert "errors" not in body, body
    assert body["data"]["overview"]["end"] == expected.isoformat()
    response = http_client.get(
        AMOUNT_OF_CHATS, params={"start": text, "end": text}, headers=manager_headers
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[t for t, _ in REFUSED])
def test_both_transports_refuse(
    graphql_client: Post,
    http_client: TestClient,
    manager_headers: dict[str, str],
    text: str,
    reason: str,
) -> None:
    body = graphql_client(OVERVIEW, {"r": {"start": "2024-05-01", "end": text}})
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [
        f"Variable '$r' has invalid value at .end: Value cannot represent a DateTime: "
        f'"{text}". {reason}'
    ]
    response = http_client.get(
        AMOUNT_OF_CHATS, params={"start": "2024-05-01", "end": text}, headers=manager_headers
    )
    assert (response.status_code, response.json()) == (
        400,
        {"success": False, "error": 'The "end" query parameter must be a valid date.'},
    )
