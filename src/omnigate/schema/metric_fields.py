"""GraphQL fields derived from the metric catalogue: one field per ``Metric``.

``with_metric_fields(metrics)`` adds to a type, before ``@strawberry.type`` reads it, a
field per metric named and described as declared, taking ``range: DateRange!`` and the
metric's other arguments, typed by its unit. Each resolver reads the metric's family
loader; pages normally prefetch the values and never call it (``omnigate.internals``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from omnigate.context import Context
from omnigate.metrics.catalog import Metric, Unit
from omnigate.resolvers.metrics import metric_value
from omnigate.schema.inputs import DateRange


@strawberry.type
class ServiceTime:
    """Rooms that have a service time (closed in the range for a department, opened in it
    and served for an agent), and the sum of those times in seconds."""

    chats: int
    seconds: float


GRAPHQL_TYPES: dict[Unit, type] = {
    Unit.COUNT: int,
    Unit.SECONDS: float,
    Unit.PERCENT: float,
    Unit.SERVICE_TIME: ServiceTime,
}

T = TypeVar("T")
Info = strawberry.Info[Context, None]


def _python_name(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def metric_field(metric: Metric, group: Callable[[Any], str]) -> StrawberryField:
    """The field of ``metric`` on objects whose group key is ``group(self)``."""
    returns = GRAPHQL_TYPES[metric.unit]
    names = [argument.name for argument in metric.arguments]

    def resolve(self: Any, info: Info, range: DateRange, **arguments: Any) -> Any:
        values = {name: arguments.get(name) for name in names}
        return metric_value(info.context, metric, range.to_time_range(), group(self), values)

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("info", keyword, annotation=Info),
        inspect.Parameter("range", keyword, annotation=DateRange),
        *(
            inspect.Parameter(
                argument.name,
                keyword,
                annotation=bool | None,
                default=None,
            )
            for argument in metric.arguments
        ),
    ]
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    resolve.__annotations__ = {p.name: p.annotation for p in parameters[1:]} | {"return": returns}
    resolve.__name__ = _python_name(metric.name)
    return strawberry.field(resolver=resolve, name=metric.name, description=metric.description)


def with_metric_fields(
    metrics: Iterable[Metric], group: Callable[[Any], str]
) -> Callable[[type[T]], type[T]]:
    """A class decorator (under ``@strawberry.type``) adding a field per metric."""

    def add(cls: type[T]) -> type[T]:
        for metric in metrics:
            setattr(cls, _python_name(metric.name), metric_field(metric, group))
        return cls

    return add
