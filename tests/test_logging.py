"""Logs without personal information (credit_portal/logging.py, gunicorn.conf.py; issue 10)."""

import datetime
import importlib.util
import io
import logging
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings

from credit_portal.logging import PrivacyFilter, mask_addresses, mask_log_text, mask_query_values
from subjects import identifiers as ids

CITIZEN_ID = ids.make_citizen_id(division_code="220102", birth_date=datetime.date(1990, 3, 7), sequence=118)
MASKED = ids.mask_citizen_id(CITIZEN_ID)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        pytest.param(f"Bad Request: /subjects/{CITIZEN_ID}/", f"Bad Request: /subjects/{MASKED}/", id="path"),
        pytest.param(f"GET /search/?q={CITIZEN_ID.lower()}", f"GET /search/?q={MASKED}", id="lower-case-x"),
        pytest.param(
            f"GET /search/?q={quote('张' + CITIZEN_ID.translate(FULL_WIDTH))}",
            f"GET /search/?q=张{MASKED}",
            id="percent-encoded-full-width",
        ),
        pytest.param("client 203.0.113.9 refused", "client 203.0.*.* refused", id="ipv4"),
        pytest.param("from [2001:db8:85a3::8a2e:370:7334]:443", "from [2001:db8:*]:443", id="ipv6"),
        pytest.param("via ::ffff:198.51.100.7,", "via 0:0:*,", id="ipv4-mapped-ipv6"),
        pytest.param("at 12:30:45 took 1.5s, version 1.2.3.4.5", "at 12:30:45 took 1.5s, version 1.2.3.4.5", id="kept"),
        pytest.param("999.1.1.1 is not an address", "999.1.1.1 is not an address", id="not-an-address"),
    ],
)
def test_mask_log_text(text, logged):
    assert mask_log_text(text) == logged


def test_query_values_are_masked_names_are_kept():
    assert mask_query_values('"GET /search/?q=张三&page=2 HTTP/1.1"') == '"GET /search/?q=***&page=*** HTTP/1.1"'
    assert mask_query_values("/search/?q=") == "/search/?q="


def test_addresses_need_no_context():
    assert mask_addresses("10.1.2.3, 172.16.0.1") == "10.1.*.*, 172.16.*.*"


def test_the_filter_masks_arguments_and_tracebacks_and_never_drops_a_record():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PrivacyFilter())
    logger = logging.getLogger("tests.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("%s from %s (%d)", f"/subjects/{CITIZEN_ID}/", "203.0.113.9", 400)
        try:
            raise ValueError(f"公民身份号码“{CITIZEN_ID}”校验位错误")
        except ValueError:
            logger.exception("failed for %(id)s", {"id": CITIZEN_ID})
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert f"/subjects/{MASKED}/ from 203.0.*.* (400)" in output
    assert f"failed for {MASKED}" in output
    assert f"公民身份号码“{MASKED}”校验位错误" in output  # the traceback's message
    assert CITIZEN_ID not in output
    assert "113.9" not in output


def _handlers(name: str | None) -> list[logging.Handler]:
    """The handlers ``settings.LOGGING`` installed on a logger (pytest adds its own capture handlers)."""
    return [handler for handler in logging.getLogger(name).handlers if type(handler) is logging.StreamHandler]


def test_settings_put_the_filter_on_every_handler_that_writes():
    """Django's default handlers of the ``django`` logger would print unmasked; the settings replace them."""
    assert settings.LOGGING["loggers"]["django"]["handlers"] == []
    assert all("privacy" in handler["filters"] for handler in settings.LOGGING["handlers"].values())
    for name in (None, "django.server"):
        assert _handlers(name), name
        for handler in _handlers(name):
            assert any(isinstance(f, PrivacyFilter) for f in handler.filters), (name, handler)
    assert not logging.getLogger("django").handlers
    assert not logging.getLogger("django.request").handlers


@pytest.mark.django_db
def test_a_bad_request_for_a_citizen_id_is_logged_masked(client):
    stream = io.StringIO()
    [handler] = _handlers(None)
    previous = handler.setStream(stream)
    try:
        response = client.get(f"/subjects/{CITIZEN_ID}/", REMOTE_ADDR="203.0.113.9")
    finally:
        handler.setStream(previous)
    assert response.status_code == 400
    assert f"Bad Request: /subjects/{MASKED}/" in stream.getvalue()
    assert CITIZEN_ID not in stream.getvalue()


def test_runserver_request_lines_are_masked():
    from django.core.servers.basehttp import WSGIRequestHandler

    stream = io.StringIO()
    [handler] = _handlers("django.server")
    previous = handler.setStream(stream)
    fake = SimpleNamespace(request=None, log_date_time_string=lambda: "30/Nov/2026 09:00:00")
    try:
        WSGIRequestHandler.log_message(fake, '"%s" %s %s', f"GET /search/?q={CITIZEN_ID} HTTP/1.1", "200", "10")
    finally:
        handler.setStream(previous)
    assert f"GET /search/?q={MASKED} HTTP/1.1" in stream.getvalue()


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", Path(settings.BASE_DIR) / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_access_log_masks_query_values_addresses_and_ids():
    from gunicorn.config import Config

    conf = _gunicorn_conf()
    assert conf.logger_class is conf.PrivacyLogger
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %({x-forwarded-for}i)s %(q)s')
    logger = conf.PrivacyLogger(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/subjects/{CITIZEN_ID}/?tab=xzcf",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.7",
        "PATH_INFO": f"/subjects/{CITIZEN_ID}/",
        "QUERY_STRING": "tab=xzcf",
        "HTTP_REFERER": f"https://credit.example/search/?q={CITIZEN_ID}",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.9, 2001:db8:85a3::7334")])
    response = SimpleNamespace(status="400 Bad Request", sent=10, headers=[])
    try:
        logger.access(response, request, environ, datetime.timedelta(microseconds=1500))
    finally:
        logging.getLogger("gunicorn.access").handlers.clear()
        logging.getLogger("gunicorn.error").handlers.clear()
    line = stream.getvalue()
    assert line == (
        f'198.51.*.* "GET /subjects/{MASKED}/?tab=*** HTTP/1.1" 400 "https://credit.example/search/?q=***" '
        "203.0.*.*, 2001:db8:* tab=***\n"
    )
    assert any(isinstance(f, PrivacyFilter) for f in logger.error_log.filters)
    assert any(isinstance(f, PrivacyFilter) for f in logger.access_log.filters)
    sys.modules.pop("gunicorn_conf", None)


def test_celery_workers_keep_the_settings_handlers():
    """Celery would replace the root handlers with its own (no filter) unless ``setup_logging`` is answered."""
    from celery.signals import setup_logging

    from credit_portal import celery

    assert setup_logging.has_listeners()
    assert any(receiver() is celery._logging_from_settings for _, receiver in setup_logging.receivers)
