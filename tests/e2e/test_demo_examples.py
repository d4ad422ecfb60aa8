"""Every example of ``playground/`` runs as GraphiQL would send it, on the demo's own data."""

from __future__ import annotations

import json
import urllib.request

import pytest

from omnigate.playground import Example, load_examples
from tests.e2e.conftest import Demo


@pytest.mark.parametrize("example", load_examples(), ids=lambda example: example.name)
def test_example_answers_in_the_demo(example: Example, demo: Demo) -> None:
    request = urllib.request.Request(
        demo.url,
        data=json.dumps({"query": example.query, "variables": example.variables}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-User-Id": demo.user_id,
            "X-Auth-Token": demo.token,
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    assert "errors" not in body, body["errors"]
    assert all(value is not None for value in body["data"].values()), body["data"]
