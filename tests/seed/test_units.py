"""Units, monitors and ``departmentAncestors`` (SPEC §7) in the seeded data."""

from __future__ import annotations

from datetime import timedelta

from omnigate.auth.tokens import hash_token
from omnigate.db import names
from tests.seed.conftest import NOW, SeedRun


def _by_name(seed_run: SeedRun, kind: str) -> dict[str, dict]:
    return {d["name"]: d for d in seed_run.db[names.DEPARTMENTS].find({"type": kind})}


def test_units_and_their_departments(seed_run: SeedRun) -> None:
    units = _by_name(seed_run, "u")
    departments = _by_name(seed_run, "d")
    assert set(units) == {"Front Office", "Back Office"}
    front, back = units["Front Office"]["_id"], units["Back Office"]["_id"]
    members = {name: d.get("ancestors") for name, d in departments.items() if d.get("ancestors")}
    assert members == {
        "Sales": [front],
        "Customer Support": [front],
        "Onboarding": [front],
        "Atención al Cliente": [front],
        "Billing": [back],
        "Returns & Refunds": [back],
    }
    for name in members:
        assert departments[name]["parentId"] == members[name][0]
    assert units["Front Office"]["numDepartments"] == 4
    assert units["Back Office"]["numDepartments"] == 2
    assert units["Front Office"]["numMonitors"] == 1 and units["Back Office"]["numMonitors"] == 0


def test_rooms_carry_the_ancestors_of_their_department_when_they_entered_it(
    seed_run: SeedRun,
) -> None:
    units = _by_name(seed_run, "u")
    departments = _by_name(seed_run, "d")
    ancestors = {d["_id"]: d.get("ancestors") for d in departments.values()}
    left = NOW - timedelta(days=30)
    technical = departments["Technical Support"]["_id"]
    stale = 0
    for room in seed_run.db[names.ROOMS].find({"t": "l", "departmentId": {"$exists": True}}):
        department = room["departmentId"]
        if department == technical:
            if "departmentAncestors" in room:
                assert room["departmentAncestors"] == [units["Back Office"]["_id"]]
                stale += 1
            # a room created after the department left the unit never has them (a room
            # forwarded into it before then may, so only the later ones are checked)
            if room["ts"] >= left:
                assert "departmentAncestors" not in room
        else:
            assert room.get("departmentAncestors") == ancestors[department]
    assert stale > 0, "no room keeps the unit its department has left"


def test_monitors_log_in_and_watch_their_units(seed_run: SeedRun) -> None:
    report = seed_run.report
    monitor = seed_run.db[names.USERS].find_one({"_id": report.monitor_id})
    assert monitor is not None and monitor["roles"] == ["user", "livechat-monitor"]
    hashes = [t["hashedToken"] for t in monitor["services"]["resume"]["loginTokens"]]
    assert hashes == [hash_token(report.monitor_token)]
    front = _by_name(seed_run, "u")["Front Office"]["_id"]
    watches = list(seed_run.db[names.UNIT_MONITORS].find({}, {"_id": 0}))
    assert watches == [
        {"monitorId": report.monitor_id, "unitId": front, "username": "sofia.lindqvist"}
    ]
    idle = seed_run.db[names.USERS].find_one({"username": "omar.benali"})
    assert idle is not None and "livechat-monitor" in idle["roles"]
