"""The Prometheus instruments (``prometheus-client``), served at ``/metrics``.

Label values are bounded: transports, outcomes, families and error kinds are fixed sets
named in the code; operation names are the routes of REST and, for GraphQL, at most
``MAX_OPERATIONS`` distinct names per process (then ``other``). Never a user id or a query.

With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` must name a directory shared
by the workers before this module is imported (``omnigate serve --workers N`` sets it).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MAX_OPERATIONS = 100
OTHER = "other"
ANONYMOUS = "anonymous"

_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_ROWS = (0, 1, 10, 100, 1_000, 10_000, 100_000)

REQUESTS = Counter(
    "omnigate_requests",
    "HTTP requests answered, by transport, operation and outcome.",
    ["transport", "operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "omnigate_request_duration_seconds",
    "Time to answer an HTTP request, by transport and operation.",
    ["transport", "operation"],
    buckets=_SECONDS,
)
IN_FLIGHT = Gauge(
    "omnigate_requests_in_flight",
    "HTTP requests being answered, by transport.",
    ["transport"],
    multiprocess_mode="livesum",
)
AGGREGATION_SECONDS = Histogram(
    "omnigate_aggregation_duration_seconds",
    "Aggregations run on the database (cache misses), by family.",
    ["family"],
    buckets=_SECONDS,
)
AGGREGATION_ROWS = Histogram(
    "omnigate_aggregation_rows",
    "Rows (groups) returned by an aggregation run on the database, by family.",
    ["family"],
    buckets=_ROWS,
)
CACHE_LOOKUPS = Counter(
    "omnigate_cache_lookups",
    "Aggregation results asked of the result cache, by family and result: hit (a stored "
    "result), join (waited for the same aggregation already running) or miss (ran it).",
    ["family", "result"],
)
CACHE_ERRORS = Counter(
    "omnigate_cache_errors",
    "Result-cache backend (Redis) failures; the aggregation then runs without the cache.",
)
DATABASE_ERRORS = Counter(
    "omnigate_database_errors",
    "Database commands that failed: timeout (maxTimeMS), unavailable (unreachable).",
    ["kind"],
)
AUTH_FAILURES = Counter(
    "omnigate_auth_failures",
    "Refused credentials: unauthenticated (missing or bad) or forbidden (no permission).",
    ["reason"],
)


class BoundedNames:
    """At most ``limit`` distinct label values; later newcomers share ``OTHER``."""

    def __init__(self, limit: int = MAX_OPERATIONS) -> None:
        self._limit = limit
        self._seen: set[str] = set()

    def __call__(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if name in self._seen:
            return name
        if len(self._seen) >= self._limit:
            return OTHER
        self._seen.add(name)
        return name


OPERATION_NAMES = BoundedNames()
