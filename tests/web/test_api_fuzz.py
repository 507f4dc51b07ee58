"""Fuzz the payments JSON API from its own OpenAPI description: never a server error.

Schemathesis generates requests (valid and invalid) for every operation of
``/api/v1/openapi.json`` and sends them to the app in process; each answer must
be a non-5xx status the description documents, with a body that matches its
schema. Half the payment bodies name the seeded account so valid requests go
all the way through allocation.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from arrears.inbound.service import default_classifier
from arrears.payments.endpoints import PaymentsWeb
from arrears.store.uow import UnitOfWork
from arrears.web.app import create_app
from tests.payments.test_intake import AT, seed
from tests.web.test_payments_api import new_key

pytestmark = pytest.mark.db
EXAMPLES = int(os.environ.get("ARREARS_FUZZ_EXAMPLES", "25"))  # per operation and mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_env(uow_factory: Callable[[], UnitOfWork]):
    seed(uow_factory)
    key = new_key(uow_factory).key
    web = PaymentsWeb(gateways={}, rate_limit=1_000_000, failure_limit=1_000_000)
    app = create_app(
        uow_factory, webhook_secret="x", classify=default_classifier, clock=lambda: AT, payments=web
    )
    return app, key


def operations(app) -> list:
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return [result.ok() for result in loaded.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_answers_with_a_server_error(fuzz_env, mode):
    app, key = fuzz_env
    found = operations(app)
    assert len(found) == 4
    for operation in found:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case) -> None:
            if (
                isinstance(case.body, dict)
                and "account_ref" in case.body
                and len(str(case.body)) % 2
            ):
                case.body["account_ref"] = "A1"
            keyed = len(repr(case.path_parameters)) % 5 != 0
            headers = {"Authorization": f"Bearer {key}"} if keyed else {}
            response = case.call(headers=headers)
            assert response.status_code < 500, response.text
            case.validate_response(response, checks=CHECKS, headers=headers)

        fuzz()
