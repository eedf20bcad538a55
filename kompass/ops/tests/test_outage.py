"""A real database outage (docs/security.md R7): the app runs against a throwaway PostgreSQL cluster
that this test starts, stops and starts again — not a mock and not the shared server.

Readiness turns 503 within 5 s of the stop, a page answers the German 503 page, and after the
restart readiness is 200 again without restarting the app process (persistent connections with
health checks reconnect). Needs the PostgreSQL server binaries (initdb, pg_ctl); as root the
cluster runs as the user `postgres`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow


def _pg_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin, self.data, self.port = bin_dir, root / "data", _free_port()
        self.root = root

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(_as_owner([str(self.bin / tool), *args]), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    root = Path(tempfile.mkdtemp(prefix="kompass-outage-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    made = Cluster(bin_dir, root)
    made.run("initdb", "-D", str(made.data), "-A", "trust", "-U", "kompass", "--no-sync")
    made.start()
    try:
        yield made
    finally:
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(made.data), "-m", "immediate", "stop"]),
                       capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError):
        return 0, ""


def _wait_for(url: str, status: int, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if _get(url)[0] == status:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s")


def test_a_database_outage_is_reported_answered_with_503_and_recovered_without_restart(cluster: Cluster) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kompass.test_settings",
        "DATABASE_URL": f"postgres://kompass@127.0.0.1:{cluster.port}/postgres",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "false",  # as in production: error handlers, not Django's debug page
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (["migrate", "--verbosity", "0"], ["createcachetable"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=600)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/readyz", 200, 60)

        cluster.stop()
        down = _wait_for(f"{base}/readyz", 503, 5)
        status, body = _get(f"{base}/readyz")
        assert '"failing": ["database"]' in body
        status, body = _get(f"{base}/p/musterstadt/")
        assert status == 503 and "Vorübergehend nicht erreichbar" in body and "Traceback" not in body
        assert _get(f"{base}/healthz")[0] == 200  # liveness: the process is fine

        cluster.start()
        up = _wait_for(f"{base}/readyz", 200, 15)
        print(f"readyz: 503 {down:.2f} s after the stop, 200 {up:.2f} s after the start")
        assert server.poll() is None, "the app process was not restarted"
        assert _get(f"{base}/p/musterstadt/")[0] == 404  # the database answers again: no such Kommune
    finally:
        server.terminate()
        server.wait(timeout=10)
