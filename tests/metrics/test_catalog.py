"""The metric catalogue is the one source of every metric: each declared metric is a
``Department`` field of its unit's type, an ordering and (with a REST shape) a REST list;
and nothing in those places exists without a declaration."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLNonNull, GraphQLObjectType, get_named_type
from starlette.routing import Route

from omnigate.http.rest import routes
from omnigate.http.rest.endpoint import BASE_PATH
from omnigate.metrics.catalog import DEPARTMENT_METRICS, Unit
from omnigate.metrics.families import FAMILIES, Family
from omnigate.schema import schema

GRAPHQL_TYPE_NAMES = {
    Unit.COUNT: "Int",
    Unit.SECONDS: "Float",
    Unit.PERCENT: "Float",
    Unit.SERVICE_TIME: "ServiceTime",
}
NOT_METRICS = {"id", "departmentId", "name", "enabled", "archived", "overview"}
TRENDS = {"series", "percentiles", "serviceLevel"}  # SPEC §9, from ``with_trend_fields``


def _department() -> GraphQLObjectType:
    department = schema._schema.get_type("Department")
    assert isinstance(department, GraphQLObjectType)
    return department


def test_every_declared_metric_is_a_department_field_of_its_units_type() -> None:
    fields = _department().fields
    for metric in DEPARTMENT_METRICS:
        field = fields[metric.name]
        assert isinstance(field.type, GraphQLNonNull)
        assert get_named_type(field.type).name == GRAPHQL_TYPE_NAMES[metric.unit]
        assert field.description == metric.description
        assert set(field.args) == {"range", *(a.name for a in metric.arguments)}


def test_every_department_field_with_a_range_is_declared() -> None:
    declared = {metric.name for metric in DEPARTMENT_METRICS}
    assert set(_department().fields) - NOT_METRICS - TRENDS == declared


def test_orderings_are_name_and_one_per_metric() -> None:
    order = schema._schema.get_type("DepartmentOrderField")
    assert isinstance(order, GraphQLEnumType)
    assert list(order.values) == ["NAME", *(metric.order for metric in DEPARTMENT_METRICS)]
    # the spec's names (SPEC §3)
    assert "AVERAGE_WAITING_TIME" in order.values and "TOTAL_SERVICE_TIME" in order.values


def test_rest_lists_are_exactly_the_metrics_with_a_rest_shape() -> None:
    served = {
        route.path.removeprefix(f"{BASE_PATH}/departments/")
        for route in routes
        if isinstance(route, Route) and route.path.startswith(f"{BASE_PATH}/departments/")
    }
    declared = {metric.rest.path for metric in DEPARTMENT_METRICS if metric.rest is not None}
    assert served == declared
    assert len(declared) == 8


def test_every_family_is_registered_and_used() -> None:
    assert set(FAMILIES) == set(Family)
    assert {metric.family for metric in DEPARTMENT_METRICS} == set(Family)
