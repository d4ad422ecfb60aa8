"""The example operations that GraphiQL opens as tabs, loaded from ``playground/``.

Each example is a ``NAME.graphql`` file holding one operation, whose first line is a
``# title`` comment, with its variables, when it has any, in ``NAME.variables.json``.

Demo data is generated relative to the current date, so fixed dates in the examples would
drift out of it. Instead, a top-level variable that takes a ``DateRange`` is written in the
JSON file as a placeholder string, which ``load_examples`` replaces with the range computed
when it runs, in whole UTC days:

* ``"last-N-days"``: the N days that end today, from 00:00:00.000Z N-1 days ago to
  23:59:59.999Z today;
* ``"previous-N-days"``: the N days before those.

Every other value is kept as written. The examples live in ``playground/`` at the root of
the source tree; a wheel carries them as ``omnigate/_playground`` (pyproject's
``force-include``), and ``load_examples`` reads whichever exists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

_PACKAGED_DIR = Path(__file__).with_name("_playground")
_SOURCE_DIR = Path(__file__).resolve().parents[2] / "playground"
_RANGE_PLACEHOLDER = re.compile(r"(?P<which>last|previous)-(?P<days>[1-9][0-9]*)-days")


@dataclass(frozen=True, slots=True)
class Example:
    """One example operation: ``name`` is its file name without ``.graphql``."""

    name: str
    title: str
    query: str
    variables: dict[str, Any]


def examples_dir() -> Path:
    """The directory holding the examples: the packaged copy, else the source tree's."""
    return _PACKAGED_DIR if _PACKAGED_DIR.is_dir() else _SOURCE_DIR


def load_examples(today: date | None = None) -> list[Example]:
    """Every example, sorted by file name, with range placeholders resolved for ``today``.

    ``today`` defaults to the current UTC date.
    """
    today = today or datetime.now(UTC).date()
    return [_load(path, today) for path in sorted(examples_dir().glob("*.graphql"))]


def _load(path: Path, today: date) -> Example:
    name = path.name.removesuffix(".graphql")
    query = path.read_text(encoding="utf-8")
    first_line = query.partition("\n")[0]
    if not first_line.startswith("#"):
        raise ValueError(f"{path}: the first line must be a '# title' comment")
    variables_path = path.with_name(f"{name}.variables.json")
    variables: dict[str, Any] = (
        json.loads(variables_path.read_text(encoding="utf-8")) if variables_path.exists() else {}
    )
    return Example(
        name=name,
        title=first_line.lstrip("#").strip(),
        query=query,
        variables={key: _resolve(value, today) for key, value in variables.items()},
    )


def _resolve(value: Any, today: date) -> Any:
    """The ``DateRange`` a placeholder string stands for; any other value unchanged."""
    match = _RANGE_PLACEHOLDER.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return value
    days = int(match["days"])
    last_day = today if match["which"] == "last" else today - timedelta(days=days)
    first_day = last_day - timedelta(days=days - 1)
    return {
        "start": f"{first_day.isoformat()}T00:00:00.000Z",
        "end": f"{last_day.isoformat()}T23:59:59.999Z",
    }
