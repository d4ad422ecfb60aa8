"""``omnigate doctor``: what stands between omnigate and correct, fast answers on a database.

Checks, read-only, against ``MONGO_URL``: the connection and the server's version; whether
the credentials could write (they should not); the collections and settings omnigate reads;
each aggregation family run on the real data and ``explain``ed (the index used or a
collection scan, documents examined per returned row, the ``createIndex`` a DBA could run:
omnigate itself never creates one); the version-dependent operators. Each check is OK,
INFO, WARN (slower or less exact than it could be) or FAIL (answers would be wrong or
missing): the exit status is 1 when any check fails (or warns, with ``--strict``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pymongo.errors import OperationFailure, PyMongoError

from omnigate.db import Store, create_client, database_name, names
from omnigate.db.store import Document, Pipeline
from omnigate.metrics.agent_query import AgentQuery
from omnigate.metrics.families import FAMILIES
from omnigate.metrics.overview import overview
from omnigate.metrics.query import GroupQuery
from omnigate.metrics.ranges import TimeRange
from omnigate.metrics.settings import (
    CUSTOM_TIMEZONE,
    INACTIVITY_TIMEOUT,
    REPORTING_TIMEZONE,
    read_settings,
)
from omnigate.metrics.timezones import parse_timezone
from omnigate.scope import UNRESTRICTED

Status = Literal["OK", "INFO", "WARN", "FAIL"]
MINIMUM_VERSION = (5, 0)
EXPLAINED_DAYS = 30
# without them nothing is right: no room is counted, nobody can authenticate
REQUIRED_COLLECTIONS = frozenset({names.ROOMS, names.USERS})
# Enterprise units only; a workspace without units has none
OPTIONAL_COLLECTIONS = frozenset({names.UNIT_MONITORS})
# what a missing collection changes (any other: the figures read from it are 0)
MISSING_MEANS = {
    names.PERMISSIONS: "Rocket.Chat's default roles hold view-livechat-manager",
    names.SETTINGS: "Rocket.Chat's default settings apply",
    names.DEPARTMENTS: "no department is listed",
}
WRITE_ACTIONS = frozenset(
    {
        "insert",
        "update",
        "remove",
        "createIndex",
        "dropIndex",
        "createCollection",
        "dropCollection",
        "dropDatabase",
        "renameCollectionSameDB",
        "collMod",
        "convertToCapped",
    }
)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class Operator:
    """An operator of MongoDB newer than 4.4, probed with a pipeline that uses it."""

    name: str
    since: str
    probe: Pipeline
    used: Callable[[Pipeline], bool]


def _uses_key(key: str) -> Callable[[Pipeline], bool]:
    return lambda pipeline: any(k == key for k in _keys(pipeline))


def _lookup_with_both(pipeline: Pipeline) -> bool:
    return any(
        isinstance(spec, dict) and "localField" in spec and "pipeline" in spec
        for spec in _values_of(pipeline, "$lookup")
    )


OPERATORS = (
    Operator(
        "$lookup with localField and pipeline",
        "5.0",
        [
            {
                "$lookup": {
                    "from": "omnigate_doctor_probe",
                    "localField": "a",
                    "foreignField": "b",
                    "pipeline": [],
                    "as": "c",
                }
            }
        ],
        _lookup_with_both,
    ),
    Operator(
        "$dateTrunc",
        "5.0",
        [{"$project": {"v": {"$dateTrunc": {"date": "$$NOW", "unit": "day"}}}}],
        _uses_key("$dateTrunc"),
    ),
    Operator(
        "$setWindowFields",
        "5.0",
        [{"$setWindowFields": {"sortBy": {"_id": 1}, "output": {"v": {"$documentNumber": {}}}}}],
        _uses_key("$setWindowFields"),
    ),
    Operator(
        "$percentile",
        "7.0",
        [
            {
                "$group": {
                    "_id": None,
                    "v": {"$percentile": {"input": "$x", "p": [0.5], "method": "approximate"}},
                }
            }
        ],
        _uses_key("$percentile"),
    ),
    Operator(
        "$median",
        "7.0",
        [{"$group": {"_id": None, "v": {"$median": {"input": "$x", "method": "approximate"}}}}],
        _uses_key("$median"),
    ),
)


@dataclass(slots=True)
class _RecordingStore(Store):
    """A store that keeps every aggregation it runs: (collection, pipeline, rows)."""

    runs: list[tuple[str, Pipeline, int]] = field(default_factory=list)

    async def aggregate(
        self, collection: str, pipeline: Pipeline, *, family: str | None = None
    ) -> list[Document]:
        rows = await Store.aggregate(self, collection, pipeline, family=family)
        self.runs.append((collection, pipeline, len(rows)))
        return rows


def run(url: str, *, max_time_ms: int, strict: bool) -> int:
    """Print the checks of the database at ``url``; the exit status."""
    checks = asyncio.run(diagnose(url, max_time_ms=max_time_ms))
    print(render(url, checks))
    failed = any(c.status == "FAIL" or (strict and c.status == "WARN") for c in checks)
    return 1 if failed else 0


async def diagnose(url: str, *, max_time_ms: int) -> list[Check]:
    """Every check, in order; stops after the connection when there is none."""
    client = create_client(url, max_time_ms=max_time_ms)
    db = client[database_name(url)]
    store = _RecordingStore(db, max_time_ms)
    try:
        try:
            started = time.perf_counter()
            await db.command("ping", maxTimeMS=max_time_ms)
            elapsed = (time.perf_counter() - started) * 1000
            info = await db.command("buildInfo", maxTimeMS=max_time_ms)
        except PyMongoError as exc:
            return [Check("connection", "FAIL", f"cannot reach {database_name(url)!r}: {exc}")]
        checks = [
            Check("connection", "OK", f"database {db.name!r} answered ping in {elapsed:.0f} ms"),
            _version(info),
            await _credentials(db),
        ]
        present = set(await db.list_collection_names())
        checks.extend(_collections(present))
        checks.extend(await _settings(store))
        if names.ROOMS in present:
            family_checks, pipelines = await _families(store)
            checks.extend(family_checks)
            checks.extend(await _operators(db, pipelines, max_time_ms))
        return checks
    finally:
        await client.close()


def _version(info: Document) -> Check:
    version = str(info.get("version", "?"))
    numbers = tuple(int(part) for part in info.get("versionArray", [0, 0])[:2])
    needed = ".".join(map(str, MINIMUM_VERSION))
    if numbers < MINIMUM_VERSION:
        return Check(
            "server version",
            "FAIL",
            f"{version}: omnigate's pipelines need MongoDB {needed} or later",
            "upgrade MongoDB (Rocket.Chat 7 needs 5.0 or later too)",
        )
    return Check("server version", "OK", f"{version} (omnigate needs {needed} or later)")


async def _credentials(db: Any) -> Check:
    """Read-only is what omnigate needs; the ``read`` role gives exactly that."""
    fix = "give omnigate a user with only the read role on this database"
    try:
        status = await db.command("connectionStatus", showPrivileges=True)
    except PyMongoError as exc:
        return Check("credentials", "WARN", f"could not check the privileges: {exc}", fix)
    auth = status.get("authInfo", {})
    if not auth.get("authenticatedUsers"):
        return Check(
            "credentials",
            "WARN",
            "not authenticated: if the server runs without access control, "
            "anyone who reaches it can write",
            fix,
        )
    users = ", ".join(f"{u.get('user')}@{u.get('db')}" for u in auth["authenticatedUsers"])
    writes = sorted(
        {
            action
            for privilege in auth.get("authenticatedUserPrivileges", [])
            if _covers(privilege.get("resource", {}), db.name)
            for action in privilege.get("actions", [])
            if action in WRITE_ACTIONS
        }
    )
    if writes:
        return Check("credentials", "WARN", f"{users} can write: {', '.join(writes)}", fix)
    return Check("credentials", "OK", f"{users}: read-only")


def _covers(resource: Document, database: str) -> bool:
    if resource.get("anyResource"):
        return True
    return resource.get("db") in ("", database) and "collection" in resource


def _collections(present: set[str]) -> Iterator[Check]:
    for name in sorted(value for key, value in vars(names).items() if key.isupper()):
        if name in present:
            yield Check(f"collection {name}", "OK", "present")
        elif name in REQUIRED_COLLECTIONS:
            yield Check(
                f"collection {name}",
                "FAIL",
                "missing: is MONGO_URL the Rocket.Chat database?",
                "point MONGO_URL at Rocket.Chat's database (the URI's path names it)",
            )
        elif name in OPTIONAL_COLLECTIONS:
            yield Check(f"collection {name}", "INFO", "absent (Enterprise units not in use)")
        else:
            means = MISSING_MEANS.get(name, "the figures read from it are 0")
            yield Check(f"collection {name}", "WARN", f"missing: {means}")


async def _settings(store: Store) -> list[Check]:
    """The settings of Rocket.Chat that change omnigate's figures, and the permission."""
    ids = [INACTIVITY_TIMEOUT, REPORTING_TIMEZONE, CUSTOM_TIMEZONE]
    documents = await store.find(names.SETTINGS, {"_id": {"$in": ids}}, projection={"value": 1})
    stored = {d["_id"]: d.get("value") for d in documents}
    effective = await read_settings(store)
    values = {
        INACTIVITY_TIMEOUT: effective.visitor_inactivity_timeout,
        REPORTING_TIMEZONE: effective.reporting_timezone,
        CUSTOM_TIMEZONE: effective.custom_timezone,
    }
    checks = []
    for name in ids:
        if name not in stored:
            checks.append(
                Check(f"setting {name}", "WARN", f"absent: Rocket.Chat's default {values[name]!r}")
            )
        elif stored[name] != values[name]:
            checks.append(
                Check(
                    f"setting {name}",
                    "WARN",
                    f"{stored[name]!r} is not valid: Rocket.Chat's default {values[name]!r}",
                )
            )
        else:
            checks.append(Check(f"setting {name}", "OK", repr(stored[name])))
    permission = await store.find_one(
        names.PERMISSIONS, {"_id": "view-livechat-manager"}, projection={"roles": 1}
    )
    if permission is None:
        checks.append(
            Check(
                "permission view-livechat-manager",
                "WARN",
                "absent: Rocket.Chat's default roles (admin, livechat-manager, livechat-monitor)",
            )
        )
    else:
        roles = ", ".join(map(str, permission.get("roles") or [])) or "no role"
        checks.append(Check("permission view-livechat-manager", "OK", f"roles: {roles}"))
    return checks


async def _families(store: _RecordingStore) -> tuple[list[Check], list[Pipeline]]:
    """Each family run over the last ``EXPLAINED_DAYS`` days of data, then explained."""
    latest = await store.find(
        names.ROOMS, {"t": "l"}, projection={"ts": 1}, sort=[("ts", -1)], limit=1
    )
    end = latest[0]["ts"] if latest and isinstance(latest[0].get("ts"), datetime) else None
    end = end or datetime.now(UTC)
    time_range = TimeRange.of(end - timedelta(days=EXPLAINED_DAYS), end)
    utc = parse_timezone("UTC")
    query = GroupQuery.of(time_range, UNRESTRICTED)
    agents = AgentQuery.of(time_range, UNRESTRICTED, utc)
    settings = await read_settings(store)
    runners: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        (
            family.value,
            lambda spec=spec: spec.run(store, agents if spec.by_agent else query, settings),
        )
        for family, spec in FAMILIES.items()
    ]
    runners.append(("overview", lambda: overview(store, time_range, UNRESTRICTED, None, utc)))
    checks, pipelines = [], []
    for name, runner in runners:
        store.runs.clear()
        try:
            await runner()
        except Exception as exc:  # any failure here is what the doctor must report
            checks.append(Check(f"family {name}", "FAIL", f"the aggregation fails: {exc}"))
            continue
        for collection, pipeline, rows in store.runs:
            pipelines.append(pipeline)
            checks.append(await _explain(store, name, collection, pipeline, rows))
    return checks, pipelines


async def _explain(
    store: Store, family: str, collection: str, pipeline: Pipeline, rows: int
) -> Check:
    command = {
        "explain": {
            "aggregate": collection,
            "pipeline": pipeline,
            "cursor": {},
            "maxTimeMS": store.max_time_ms,
        },
        "verbosity": "executionStats",
    }
    try:
        explained = await store.db.command(command)
    except PyMongoError as exc:
        return Check(f"family {family}", "WARN", f"explain failed: {exc}")
    stages, indexes = plan_of(explained)
    examined = docs_examined(explained)
    cost = (
        f"{examined} documents examined for {rows} rows"
        + (f" ({examined / rows:.0f} per row)" if rows and examined is not None else "")
        if examined is not None
        else f"{rows} rows"
    )
    where = f"{collection}: "
    if "COLLSCAN" in stages:
        keys = suggested_index(pipeline)
        fix = (
            f"db.getCollection({_js(collection)}).createIndex({_js(keys)})"
            if keys
            else "add an index on the fields of the first $match"
        )
        return Check(f"family {family}", "WARN", f"{where}COLLSCAN, {cost}", fix)
    if not stages:
        return Check(f"family {family}", "INFO", f"{where}plan not reported, {cost}")
    used = ", ".join(indexes) if indexes else "/".join(stages)
    return Check(f"family {family}", "OK", f"{where}IXSCAN {used}, {cost}")


def plan_of(explained: Document) -> tuple[list[str], list[str]]:
    """The stages and index names of the winning plan of the pipeline's first cursor."""
    planner = explained.get("queryPlanner")
    if planner is None:
        first = (explained.get("stages") or [{}])[0]
        planner = first.get("$cursor", {}).get("queryPlanner", {})
    winning = planner.get("winningPlan", {})
    winning = winning.get("queryPlan", winning)  # the slot-based engine nests it
    stages: list[str] = []
    indexes: list[str] = []
    for node in _dicts(winning):
        if isinstance(node.get("stage"), str):
            stages.append(node["stage"])
        if isinstance(node.get("indexName"), str):
            indexes.append(node["indexName"])
    return stages, indexes


def docs_examined(explained: Document) -> int | None:
    """Documents the server read: the first cursor's, plus those of ``$lookup`` stages."""
    if "stages" in explained:
        total, found = 0, False
        for stage in explained["stages"]:
            for stats in (stage.get("$cursor", {}).get("executionStats", {}), stage):
                if isinstance(stats.get("totalDocsExamined"), int):
                    total += stats["totalDocsExamined"]
                    found = True
        return total if found else None
    value = explained.get("executionStats", {}).get("totalDocsExamined")
    return value if isinstance(value, int) else None


def suggested_index(pipeline: Pipeline) -> dict[str, int]:
    """An index for the first ``$match``: equality fields first, then range fields."""
    match = next((stage["$match"] for stage in pipeline if "$match" in stage), None)
    if not isinstance(match, dict):
        return {}
    equality, ranges = [], []
    for name, condition in match.items():
        if name.startswith("$"):
            continue
        if isinstance(condition, dict) and not ({"$eq", "$in"} & condition.keys()):
            ranges.append(name)
        else:
            equality.append(name)
    return dict.fromkeys(equality + ranges, 1)


async def _operators(db: Any, pipelines: list[Pipeline], max_time_ms: int) -> list[Check]:
    checks = []
    for operator in OPERATORS:
        used = any(operator.used(pipeline) for pipeline in pipelines)
        try:
            await (
                await db["omnigate_doctor_probe"].aggregate(
                    [{"$limit": 1}, *operator.probe], maxTimeMS=max_time_ms
                )
            ).to_list()
        except OperationFailure as exc:
            status: Status = "FAIL" if used else "INFO"
            usage = "used by omnigate" if used else "not used by omnigate"
            detail = f"unavailable (MongoDB {operator.since}+), {usage}: {exc.details or exc}"
            checks.append(Check(f"operator {operator.name}", status, detail))
            continue
        usage = "used by omnigate" if used else "not used by omnigate"
        checks.append(Check(f"operator {operator.name}", "OK", f"available, {usage}"))
    return checks


def render(url: str, checks: list[Check]) -> str:
    """The checks as a table (and the fixes under the checks that have one)."""
    width = max(len("CHECK"), *(len(c.name) for c in checks))
    lines = [
        f"omnigate doctor: {_without_password(url)}",
        "",
        f"{'CHECK':<{width}}  STATUS  DETAIL",
    ]
    for check in checks:
        lines.append(f"{check.name:<{width}}  {check.status:<6}  {check.detail}")
        if check.fix and check.status != "OK":
            lines.append(f"{'':<{width}}          fix: {check.fix}")
    counts = {s: sum(c.status == s for c in checks) for s in ("FAIL", "WARN")}
    verdict = (
        "something blocks correct answers"
        if counts["FAIL"]
        else "omnigate can answer correctly from this database"
    )
    lines += ["", f"{counts['FAIL']} failed, {counts['WARN']} warnings: {verdict}."]
    return "\n".join(lines)


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, hosts = rest.rpartition("@")
    if not at:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}{sep}{user}:***@{hosts}"


def _js(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_js(k)}: {_js(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _dicts(value: Any) -> Iterator[Document]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def _keys(value: Any) -> Iterator[str]:
    for node in _dicts(value):
        yield from node.keys()


def _values_of(value: Any, key: str) -> Iterator[Any]:
    for node in _dicts(value):
        if key in node:
            yield node[key]
