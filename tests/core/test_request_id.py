"""Every request has an id — the caller's X-Request-ID when it is sane, a new one otherwise —
sent back in the response and written on every log line of that request, with one JSON access
line per request (method, path, status, duration) in production's log format."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.urls import reverse

from lodestar.core.logging import JsonFormatter, RequestContextFilter, TextFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The root logger's output as production writes it: JSON lines, with request context."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "lodestar.access"]


def test_a_request_gets_an_id_and_its_access_line_carries_it(client, json_log, mentee):
    client.force_login(mentee)
    response = client.get(reverse("dashboard"))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = access_lines(json_log())
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/dashboard/", 200)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert isinstance(line["duration_ms"], float)
    # Who asked, by id: never the address.
    assert line["user_id"] == mentee.pk
    assert "mentee@example.com" not in json.dumps(line)


def test_each_request_has_its_own_id(client):
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_a_sane_incoming_id_is_kept(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.01_x")
    assert response["X-Request-ID"] == "lb-7f3a.01_x"
    assert access_lines(json_log())[0]["request_id"] == "lb-7f3a.01_x"


@pytest.mark.parametrize("incoming", ["a" * 65, "bad id", "x;rm -rf", "é", "", "a\nb"])
def test_an_insane_incoming_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming and len(response["X-Request-ID"]) == 32


def test_lines_written_during_the_request_carry_its_id_and_later_ones_do_not(
    client, json_log, monkeypatch
):
    from lodestar.core import health

    original = health.check_database

    def noisy():
        logging.getLogger("lodestar.core.health").warning("checking the database")
        return original()

    monkeypatch.setattr(health, "check_database", noisy)
    response = client.get("/healthz")
    logging.getLogger("elsewhere").warning("after the request")
    during, access, after = json_log()
    assert during["message"] == "checking the database"
    assert during["request_id"] == access["request_id"] == response["X-Request-ID"]
    assert "request_id" not in after


def test_an_error_page_has_an_id_and_an_access_line_too(client, json_log):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    [line] = access_lines(json_log())
    assert line["status"] == 404 and line["request_id"] == response["X-Request-ID"]


def test_a_task_logs_its_id(json_log):
    from lodestar.engagement.scheduler import run_scheduled_job

    result = run_scheduled_job.enqueue("worker_heartbeat", "2027-01-01T00:00:00+00:00")
    lines = [line for line in json_log() if line["logger"] == "django_tasks"]
    assert lines and all(line.get("task_id") == str(result.id) for line in lines[1:])
    assert lines[-1]["task_id"] == str(result.id)


def test_production_logs_json_and_development_text(monkeypatch):
    import importlib

    import lodestar.settings as project_settings

    config = settings.LOGGING
    assert config["handlers"]["console"]["formatter"] == "json"  # tests run with DEBUG=0
    assert config["handlers"]["console"]["filters"] == ["context"]
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    try:
        development = importlib.reload(project_settings).LOGGING
        assert development["handlers"]["console"]["formatter"] == "text"
    finally:
        monkeypatch.setenv("DEBUG", "0")
        importlib.reload(project_settings)


def test_the_text_format_shows_the_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.request_id, record.task_id = "abc123", None
    assert TextFormatter().format(record).endswith("INFO x [abc123] hello")
