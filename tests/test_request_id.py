"""Every log line of a request carries its request id, which is also returned to the caller."""

import io
import json
import logging

import pytest

from kb.logging import JsonFormatter
from kb.request_id import RequestIdFilter


@pytest.fixture
def log_lines():
    """JSON lines written through the project's own formatter and filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_request_id_is_generated_and_returned(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_request_id_from_caller_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.django_db
def test_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": 'x"\n{"level":"ERROR"}'})
    assert response["X-Request-ID"] != 'x"\n{"level":"ERROR"}'
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_request_id_is_on_log_lines_of_the_request(client, admin_user, log_lines):
    client.force_login(admin_user)
    response = client.get("/postmortems/PM-1999-001/", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 404
    lines = log_lines()
    assert lines, "Django logs a warning for a 404"
    assert {line["request_id"] for line in lines} == {"req-123"}
    assert lines[0]["level"] == "WARNING" and "Not Found" in lines[0]["message"]


def test_json_formatter_keeps_extra_fields_and_outside_requests_use_a_dash():
    record = logging.LogRecord("kb", logging.INFO, __file__, 1, "digest sent", None, None)
    record.team = "payments"
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "digest sent"
    assert line["team"] == "payments"
    assert line["request_id"] == "-"
