"""A private PostgreSQL cluster, Redis server, gunicorn and Celery worker (with beat) for the fault tests.

Everything runs in a temporary folder on free ports, never on the machine's shared servers (5432, 6379),
and is stopped at the end, also when a test fails. Running as root (CI), the cluster is created and run as
the ``postgres`` OS user, since initdb refuses root."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def pg_bin(name: str) -> str | None:
    """The PostgreSQL server binary, from PATH or the Debian layout (/usr/lib/postgresql/<ver>/bin)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return candidates[-1] if candidates else None


def missing_binaries() -> list[str]:
    names = [n for n in ("initdb", "pg_ctl", "psql") if pg_bin(n) is None]
    if shutil.which("redis-server") is None:
        names.append("redis-server")
    if os.geteuid() == 0 and not _postgres_user():
        names.append("OS user postgres (initdb refuses root)")
    return names


def _postgres_user():
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NOISE = ("outbox-sweep (outbox.tasks.outbox_sweep_task)", "outbox.tasks.outbox_sweep_task[")


def tail(path: Path, lines: int = 60) -> str:
    """The last lines of a log, without the sweep's every-2-seconds lines."""
    try:
        text = path.read_text(errors="replace").splitlines()
        return "\n".join([line for line in text if not any(n in line for n in NOISE)][-lines:])
    except OSError:
        return "(no log)"


class Cluster:
    """The servers and processes of one fault-test module."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="credit-faults-"))
        self.tmp.chmod(0o755)
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.pgdata = self.tmp / "pgdata"
        self.media = self.tmp / "media"
        self.media.mkdir()
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.workers_started = 0
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))},
            "DJANGO_SETTINGS_MODULE": "credit_portal.settings.base",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/credit",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_MEDIA_ROOT": str(self.media),
            # Short enough for a test: the sweep every 2 s, a killed delivery taken again after 10 s, a
            # killed task back from the broker after 20-25 s (production: 60 s, 10 min, 5-5.5 min).
            "OUTBOX_SWEEP_SECONDS": "2",
            "OUTBOX_LEASE_SECONDS": "10",
            "CELERY_VISIBILITY_TIMEOUT": "20",
            "CELERY_UNACKED_RESTORE_SECONDS": "5",
            "RATE_LIMIT_PAGE": "100000",
            "RATE_LIMIT_SEARCH": "100000",
            "RATE_LIMIT_FILTER": "100000",
            "DJANGO_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("PYTEST_CURRENT_TEST", None)

    # PostgreSQL ------------------------------------------------------------------------------------------

    def _as_postgres(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        return ["runuser", "-u", "postgres", "--", *argv]

    def pg_start(self) -> None:
        argv = [
            pg_bin("pg_ctl"),
            "-D",
            str(self.pgdata),
            "-l",
            str(self.tmp / "postgres.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.pg_port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ]
        subprocess.run(self._as_postgres(argv), check=True, timeout=90, capture_output=True)

    def pg_ctl(self, *args: str) -> None:
        argv = [pg_bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "60", *args]
        subprocess.run(self._as_postgres(argv), check=True, timeout=90, capture_output=True)

    def start_postgres(self) -> None:
        if os.geteuid() == 0:
            user = _postgres_user()
            os.chown(self.tmp, user.pw_uid, user.pw_gid)
        initdb = [
            pg_bin("initdb"),
            "-D",
            str(self.pgdata),
            "--locale=C.UTF-8",
            "--encoding=UTF8",
            "-A",
            "trust",
            "-U",
            "postgres",
        ]
        subprocess.run(self._as_postgres(initdb), check=True, timeout=120, capture_output=True)
        self.pg_start()
        sql = "CREATE DATABASE credit ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        psql = [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "-d", "postgres"]
        subprocess.run([*psql, "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, timeout=60, capture_output=True)

    # Redis -----------------------------------------------------------------------------------------------

    def start_redis(self) -> None:
        log = open(self.tmp / "redis.log", "ab")  # noqa: SIM115 (closed with the process)
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait(lambda: self._redis_ping(), 20, "redis-server to answer")

    def _redis_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop_redis(self) -> None:
        """SHUTDOWN NOSAVE: Redis goes away with its queue and cache, as a crash would leave it."""
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.redis_port), timeout=2) as s:
            s.sendall(b"SHUTDOWN NOSAVE\r\n")
        self.redis.wait(timeout=20)
        self.redis = None

    # The application ---------------------------------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start_web(self) -> None:
        log = open(self.tmp / "web.log", "ab")  # noqa: SIM115
        self.web = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{self.web_port}",
                "-w",
                "2",
                "--timeout",
                "60",
                "credit_portal.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait(lambda: self.get("/healthz")[0] == 200, 60, "gunicorn to answer /healthz")

    def start_worker(self) -> None:
        self.workers_started += 1
        log = open(self.tmp / "worker.log", "ab")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "credit_portal",
                "worker",
                "-B",
                "-l",
                "INFO",
                "--concurrency",
                "1",
                "-n",
                f"faults{self.workers_started}@%h",
                "-s",
                str(self.tmp / "beat-schedule"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_worker(self) -> None:
        """kill -9 of the worker's every process (main, pool child, embedded beat): nothing acknowledged."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=20)
        self.worker = None

    def stop(self) -> None:
        for proc in (self.worker, self.web):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        if self.redis is not None and self.redis.poll() is None:
            self.redis.kill()
            self.redis.wait(timeout=10)
        if self.pgdata.exists():
            with contextlib.suppress(Exception):
                self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def logs(self) -> str:
        return "\n".join(
            f"----- {name} (last lines) -----\n{tail(self.tmp / name)}"
            for name in ("web.log", "worker.log", "redis.log", "postgres.log")
        )

    # HTTP ------------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}{path}", data=body, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
            return 0, {}, repr(err)

    def get(self, path: str):
        return self.request("GET", path)

    def get_with_token(self, path: str):
        return self.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})

    def push(self, token: str, items: list[dict]):
        return self.request(
            "POST",
            "/api/v1/records/",
            json.dumps(items).encode(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

    def upload_batch(self, token: str, record_type: str, filename: str, content: bytes):
        boundary = "----credit-faults-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="record_type"\r\n\r\n{record_type}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "POST",
            "/api/v1/batches/",
            body,
            {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    # Waiting ---------------------------------------------------------------------------------------------

    def wait(self, predicate, seconds: float, what: str, every: float = 0.5):
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            last = predicate()
            if last:
                return last
            time.sleep(every)
        raise AssertionError(f"timed out after {seconds} s waiting for {what} (last: {last!r})\n{self.logs()}")

    def state(self) -> dict:
        """What the database says now, read by a separate process as an operator would: the subjects whose
        stored lists or status differ from a fresh evaluation, the batches not ended, the outbox pending."""
        out = self.manage("shell", "-c", STATE_SCRIPT, timeout=120)
        return json.loads(out.strip().splitlines()[-1])


STATE_SCRIPT = """
import json
from outbox.models import OutboxItem
from records.models import IngestBatch, CreditRecord
from sanctions.consistency import status_drift
from sanctions.models import Membership
checked, drifts = status_drift()
print(json.dumps({
    "checked": checked,
    "drift": [d.describe() for d in drifts],
    "batches": {str(b.pk): b.state for b in IngestBatch.objects.all()},
    "outbox": dict((s, OutboxItem.objects.filter(state=s).count()) for s in ("pending", "failed", "done")),
    "records": CreditRecord.objects.count(),
    "memberships": Membership.objects.count(),
}))
"""
