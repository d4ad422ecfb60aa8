"""The metric catalogue is the one source of every metric: each declared metric is a
``Department`` (or ``Agent``) field of its unit's type, an ordering and (with a REST shape)
a REST list; and nothing in those places exists without a declaration."""

from __future__ import annotations

import pytest
from graphql import GraphQLEnumType, GraphQLNonNull, GraphQLObjectType, get_named_type
from starlette.routing import Route

from omnigate.http.rest import routes
from omnigate.http.rest.endpoint import BASE_PATH
from omnigate.metrics.catalog import AGENT_METRICS, DEPARTMENT_METRICS, Metric, Unit
from omnigate.metrics.families import FAMILIES, Family
from omnigate.schema import schema

GRAPHQL_TYPE_NAMES = {
    Unit.COUNT: "Int",
    Unit.SECONDS: "Float",
    Unit.PERCENT: "Float",
    Unit.SERVICE_TIME: "ServiceTime",
}
TRENDS = {"series", "percentiles", "serviceLevel"}  # SPEC §9, from ``with_trend_fields``
# type name -> (its metrics, its fields that are not metrics, its ordering enum, text order,
# REST list prefix, number of REST lists)
TYPES = {
    "Department": (
        DEPARTMENT_METRICS,
        {"id", "departmentId", "name", "enabled", "archived", "overview", "agents", *TRENDS},
        "DepartmentOrderField",
        "NAME",
        "departments",
        8,
    ),
    "Agent": (
        AGENT_METRICS,
        {
            "id",
            "agentId",
            "username",
            "name",
            "active",
            "status",
            "statusLivechat",
            "departments",
            *TRENDS,
        },
        "AgentOrderField",
        "USERNAME",
        "agents",
        3,
    ),
}


def _object(name: str) -> GraphQLObjectType:
    found = schema._schema.get_type(name)
    assert isinstance(found, GraphQLObjectType)
    return found


@pytest.mark.parametrize("type_name", TYPES)
def test_every_declared_metric_is_a_field_of_its_units_type(type_name: str) -> None:
    metrics: tuple[Metric, ...] = TYPES[type_name][0]
    fields = _object(type_name).fields
    for metric in metrics:
        field = fields[metric.name]
        assert isinstance(field.type, GraphQLNonNull)
        assert get_named_type(field.type).name == GRAPHQL_TYPE_NAMES[metric.unit]
        assert field.description == metric.description
        assert set(field.args) == {"range", *(a.name for a in metric.arguments)}


@pytest.mark.parametrize("type_name", TYPES)
def test_every_field_with_a_range_is_declared(type_name: str) -> None:
    metrics, not_metrics, *_ = TYPES[type_name]
    assert set(_object(type_name).fields) - not_metrics == {metric.name for metric in metrics}


@pytest.mark.parametrize("type_name", TYPES)
def test_orderings_are_the_text_field_and_one_per_metric(type_name: str) -> None:
    metrics, _, enum, text, *_ = TYPES[type_name]
    order = schema._schema.get_type(enum)
    assert isinstance(order, GraphQLEnumType)
    assert list(order.values) == [text, *(metric.order for metric in metrics)]


def test_orderings_have_the_specs_names() -> None:
    departments = schema._schema.get_type("DepartmentOrderField")
    agents = schema._schema.get_type("AgentOrderField")
    assert isinstance(departments, GraphQLEnumType) and isinstance(agents, GraphQLEnumType)
    # SPEC §3 and §8
    assert "AVERAGE_WAITING_TIME" in departments.values
    assert "TOTAL_SERVICE_TIME" in departments.values
    assert list(agents.values) == [
        "USERNAME", "CHATS", "CONVERSATION_SHARE", "MESSAGES", "AVERAGE_CHAT_DURATION",
        "AVERAGE_FIRST_RESPONSE_TIME", "BEST_FIRST_RESPONSE_TIME", "AVERAGE_RESPONSE_TIME",
        "AVERAGE_REACTION_TIME", "AVERAGE_SERVICE_TIME", "TOTAL_SERVICE_TIME", "AVAILABLE_TIME",
    ]  # fmt: skip


@pytest.mark.parametrize("type_name", TYPES)
def test_rest_lists_are_exactly_the_metrics_with_a_rest_shape(type_name: str) -> None:
    metrics, *_, prefix, count = TYPES[type_name]
    served = {
        route.path.removeprefix(f"{BASE_PATH}/{prefix}/")
        for route in routes
        if isinstance(route, Route) and route.path.startswith(f"{BASE_PATH}/{prefix}/")
    }
    declared = {metric.rest.path for metric in metrics if metric.rest is not None}
    assert served == declared
    assert len(declared) == count


def test_every_family_is_registered_and_used() -> None:
    assert set(FAMILIES) == set(Family)
    assert {metric.family for metric in DEPARTMENT_METRICS + AGENT_METRICS} == set(Family)
    by_agent = {family for family, spec in FAMILIES.items() if spec.by_agent}
    assert by_agent == {metric.family for metric in AGENT_METRICS}
