"""`make load`: a bounded load run on loopback — 50 respondents submit complete surveys at once.

1. A throw-away database: SQLite in a temporary directory, or, when `DATABASE_URL` points to
   PostgreSQL, a database `<name>_load` created for the run and dropped after it.
2. `migrate`, then `prepare.py`: an open campaign of 40 questions with `--invitations` personal
   links (default 2,000, enough that the links do not run out within the time).
3. gunicorn on 127.0.0.1 at a free port (DEBUG off, production settings otherwise, no access log:
   the personal link is in the path), then locust headless with `--users` respondents (default 50)
   for at most `--seconds` (default 60): each takes the next link and completes its survey.
4. gunicorn stops; the run prints submissions per second, requests per second, the response times
   of the pages and every error, checks that the database holds exactly one response per counted
   submission, and exits non-zero on any error.

Nothing leaves the machine: gunicorn binds to loopback and locust talks only to it.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

from kompass.demo.loadtest import survey

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SUBMIT = survey.SUBMIT
SLUG = "lastdorf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(dbname="postgres", host=parts.hostname, port=parts.port, user=parts.username,
                         password=parts.password, autocommit=True) as conn:  # fmt: skip
        name = parts.path.lstrip("/")
        if not name.endswith("_load"):  # never drop anything but the load run's own database
            raise SystemExit(f"{name} ist keine Datenbank des Lasttests.")
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def database(workdir: Path) -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        name = parts.path.strip("/")
        url = parts._replace(path="/" + (name if name.endswith("_load") else f"{name}_load")).geturl()
        _postgres(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _postgres(url, "CREATE DATABASE {}")
        return url
    return f"sqlite:///{workdir / 'load.sqlite3'}"


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603 - our own commands, no shell
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"Fehlgeschlagen: {' '.join(argv[:4])}")
    return done.stdout.strip()


# The production command line of docs/operations.md ("Application server"), on loopback.
GUNICORN_OPTIONS = ("--preload", "--timeout", "60", "--graceful-timeout", "30", "--log-level", "warning")


def gunicorn(port: int, workers: int, env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1 with the production options; no access log (survey links are in paths).
    With `log`, the server's own output (the app's JSON log lines) goes to that file."""
    return subprocess.Popen(  # noqa: S603 - gunicorn with a fixed argument list
        [str(BIN / "gunicorn"), "kompass.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         *GUNICORN_OPTIONS],
        cwd=ROOT, env={**env, "PYTHONWARNINGS": "ignore:No directory at"},
        stderr=log.open("wb") if log else None,
    )  # fmt: skip


def locust(locustfile: Path, port: int, users: int, spawn_rate: int, seconds: int, prefix: Path,
           env: dict[str, str]) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """locust headless against loopback for at most `seconds`; its statistics go to `<prefix>_stats.csv`."""
    return subprocess.run(  # noqa: S603 - locust with a fixed argument list
        [str(BIN / "locust"), "-f", str(locustfile), "--headless", "--users", str(users),
         "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s", "--stop-timeout", "0",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, check=False, capture_output=True, text=True,
    )  # fmt: skip


def wait_for(port: int, server: subprocess.Popen[bytes], path: str = f"/p/{SLUG}/", timeout: float = 60.0) -> None:
    """Until `path` answers 200 (the workers are up, the app is loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn ist beim Start beendet worden.")
        try:
            with urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn antwortet nicht.")


def read_stats(prefix: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    failures_path = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_path.open(encoding="utf-8"))) if failures_path.exists() else []
    return rows, failures


def report(rows: list[dict[str, str]], failures: list[dict[str, str]], seconds: float, stored: str, users: int) -> bool:
    """Print the figures; True when nothing failed and the database holds what locust counted.

    The database is the measure of submissions: a respondent stopped at the time limit may have
    had her or his submission stored without locust seeing the answer (at most one per user)."""
    by_name = {row["Name"]: row for row in rows}
    total = by_name.get("Aggregated", {})
    submit = by_name.get(SUBMIT, {})
    counted = int(submit.get("Request Count", 0)) - int(submit.get("Failure Count", 0))
    errors = int(total.get("Failure Count", 0))
    responses, answered = (int(n) for n in stored.split())
    rate = float(total.get("Requests/s", 0))
    print(f"\nLasttest: {seconds:.0f} s, {total.get('Request Count', 0)} Anfragen ({rate:.1f} je Sekunde)")
    print(f"{'Seite':<16}{'Anfragen':>10}{'Fehler':>8}{'Median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for row in rows:
        print(f"{row['Name']:<16}{row['Request Count']:>10}{row['Failure Count']:>8}{row['50%']:>11}"
              f"{row['95%']:>9}{float(row['Max Response Time']):>9.0f}")  # fmt: skip
    print(f"Abgesendete Umfragen: {responses} ({responses / seconds:.2f} je Sekunde); Fehler: {errors}")
    print(f"In der Datenbank: {responses} Antwortbögen, {answered} Teilnahmen als beantwortet markiert "
          f"(locust sah {counted} Dankeseiten)")  # fmt: skip
    for failure in failures:
        where = f"{failure.get('Method')} {failure.get('Name')}"
        print(f"  FEHLER {where}: {failure.get('Error')} ({failure.get('Occurrences')}×)")
    return errors == 0 and responses > 0 and responses == answered and counted <= responses <= counted + users


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--invitations", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kompass-load-"))
    url = database(workdir)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "false", "DJANGO_SECURE": "false",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_SETTINGS_MODULE": "kompass.settings"}  # fmt: skip
    python = sys.executable
    try:
        print(f"Datenbank: {url.rsplit('/', 1)[-1]}; bereite {args.invitations} Einladungen vor …", flush=True)
        run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([python, "manage.py", "createcachetable"], env)
        tokens = workdir / "links.txt"
        print(run([python, "-m", "kompass.demo.loadtest.prepare", str(tokens), str(args.invitations)], env), flush=True)
        port = free_port()
        server = gunicorn(port, args.workers, env)
        try:
            wait_for(port, server)
            print(f"gunicorn auf 127.0.0.1:{port} mit {args.workers} Prozessen; locust mit {args.users} Befragten "
                  f"für höchstens {args.seconds} s …", flush=True)  # fmt: skip
            prefix = workdir / "locust"
            started = time.monotonic()  # from spawning the users to their stop: the time of the run
            locust_env = {**env, "KOMPASS_LOAD_TOKENS": str(tokens), "KOMPASS_LOAD_SLUG": SLUG}
            done = locust(LOCUSTFILE, port, args.users, args.users, args.seconds, prefix, locust_env)
            elapsed = time.monotonic() - started
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        rows, failures = read_stats(prefix)
        stored = run([python, "-m", "kompass.demo.loadtest.prepare", "count"], env)
        ok = report(rows, failures, elapsed, stored, args.users) and done.returncode == 0
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-3000:])
        print("Ergebnis: OK" if ok else "Ergebnis: FEHLER", flush=True)
        return 0 if ok else 1
    finally:
        if url.startswith("postgres"):
            _postgres(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
