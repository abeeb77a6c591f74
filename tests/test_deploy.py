"""The production shape (issue 12): gunicorn's worker settings live in gunicorn.conf.py only, and the proxy
sends the heavy requests (reports, open-data downloads) to their own pool.

docker-compose.yml and deploy/nginx.conf are read as files: this machine runs neither Docker nor nginx.
"""

import re
import runpy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
WORKER_OPTIONS = ("-w", "--workers", "--threads", "-k", "--worker-class", "-t", "--timeout")
# The shipped web pool (chosen from the crawler mix in docs/benchmarks.md; docs/operations.md "Web workers").
SHIPPED = {"workers": 2, "threads": 1, "worker_class": "sync", "timeout": 60}


def _gunicorn_settings(monkeypatch, **environment) -> dict:
    for key in ("WEB_WORKERS", "WEB_THREADS", "WEB_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {key: conf[key] for key in SHIPPED}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_gunicorn_conf_holds_the_shipped_worker_settings(monkeypatch):
    assert _gunicorn_settings(monkeypatch) == SHIPPED


def test_gunicorn_conf_reads_the_pool_size_from_the_environment(monkeypatch):
    threaded = _gunicorn_settings(monkeypatch, WEB_WORKERS="3", WEB_THREADS="4", WEB_TIMEOUT="30")
    assert threaded == {"workers": 3, "threads": 4, "worker_class": "gthread", "timeout": 30}


@pytest.mark.parametrize("service", ["web", "web-heavy"])
def test_compose_starts_gunicorn_from_its_config_file_with_nothing_overriding_it(service):
    command = _compose()["services"][service]["command"]
    assert command[:3] == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert not [part for part in command if part.split("=")[0] in WORKER_OPTIONS]


def test_compose_heavy_pool_is_sync_workers_with_a_request_timeout():
    services = _compose()["services"]
    environment = services["web-heavy"]["environment"]
    assert environment["WEB_THREADS"] == "1"
    assert environment["WEB_TIMEOUT"] == "60"
    assert "web-heavy" in services["proxy"]["depends_on"]


def _nginx_upstream(path: str) -> str:
    """The upstream deploy/nginx.conf proxies ``path`` to, by nginx's rules: the first matching regex location
    wins, else the longest matching prefix."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    server = text[text.index("listen 443") :]
    locations = re.findall(r"location\s+(~\s+)?(\S+)\s*\{[^}]*?proxy_pass\s+http://(\w+);", server)
    for is_regex, pattern, upstream in locations:
        if is_regex and re.search(pattern, path):
            return upstream
    prefixes = [(pattern, upstream) for is_regex, pattern, upstream in locations if not is_regex]
    return max((p for p in prefixes if path.startswith(p[0])), key=lambda p: len(p[0]))[1]


HEAVY = [
    ("disclosure:subject-report", ["91220101MA0000000X"]),
    ("rights:self-report", [1]),
    ("disclosure:report-download", []),
    ("disclosure:opendata-file", [7]),
    ("disclosure:opendata-list", ["sxbzxr"]),
    ("disclosure:opendata-sgs", ["xzcf"]),
]
PAGES = [
    ("disclosure:home", []),
    ("disclosure:search", []),
    ("disclosure:subject-detail", ["91220101MA0000000X"]),
    ("disclosure:person-detail", ["token"]),
    ("disclosure:shuanggongshi", ["xzcf"]),
    ("disclosure:list-detail", ["sxbzxr"]),
    ("disclosure:opendata", []),
    ("disclosure:report-verify", []),
]


@pytest.mark.parametrize(("name", "args"), HEAVY, ids=[name for name, _ in HEAVY])
def test_nginx_sends_heavy_requests_to_the_heavy_pool(name, args):
    assert _nginx_upstream(reverse(name, args=args)) == "portal_heavy"


@pytest.mark.parametrize(("name", "args"), PAGES, ids=[name for name, _ in PAGES])
def test_nginx_keeps_pages_on_the_web_pool(name, args):
    assert _nginx_upstream(reverse(name, args=args)) == "portal"


def test_nginx_heavy_upstream_is_the_heavy_service():
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"upstream portal_heavy\s*\{\s*server web-heavy:8000;", text)
