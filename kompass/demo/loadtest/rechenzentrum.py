"""`make loadtest`: the Rechenzentrum profile (400 Kommunen) under a bounded locust run on loopback
(docs/security.md R8).

1. A throw-away database as in `run.py`: SQLite in a temporary directory, or, when `DATABASE_URL`
   points to PostgreSQL, `<name>_load`, created for the run and dropped after it.
2. `migrate`, then `prepare.py rechenzentrum`: the profile of `kompass.demo.bench_rechenzentrum`
   with `--kommunen` Kommunen (default 400) and the manifest for locust; the time is reported.
3. gunicorn with 2 workers and `--preload` on 127.0.0.1 (the production command line of
   docs/operations.md; DEBUG off) with the second factor switched off (`KOMPASS_MFA_REQUIRED=false`:
   the members log in with the password through the real login form; the run says so), then
   locust headless (`locust_rechenzentrum.py`) with `--users` users (default 10, as R8 asks: members, API scripts,
   respondents across random Kommunen) for at most `--seconds` (≤ 60).
4. Per page: requests, failures, median, p95 and max; requests per second; the load average of
   the machine before and after; on PostgreSQL the connections the app held at the end against
   `max_connections`. Exit non-zero on any failed request (any status but 200 where 200 is
   expected, a redirect included) or a page that was never requested.

Nothing leaves the machine: gunicorn binds to loopback and locust talks only to it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from kompass.demo.loadtest.run import ROOT, _postgres, database, free_port, gunicorn, locust, read_stats, run, wait_for

LOCUSTFILE = Path(__file__).with_name("locust_rechenzentrum.py")
MAX_SECONDS = 60
WORKERS = 2


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min) bei {os.cpu_count()} Kernen"


def _connections(url: str) -> str:
    """On PostgreSQL: the connections to the run's database now, against the server's maximum."""
    if not url.startswith("postgres"):
        return ""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(dbname="postgres", host=parts.hostname, port=parts.port, user=parts.username,
                         password=parts.password, autocommit=True) as conn:  # fmt: skip
        used = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [parts.path.strip("/")])
        (count,) = used.fetchone() or (0,)
        (maximum,) = conn.execute("SHOW max_connections").fetchone() or ("?",)
    return f"PostgreSQL-Verbindungen der Anwendung am Ende: {count} von höchstens {maximum}"


def report(rows: list[dict[str, str]], failures: list[dict[str, str]], seconds: float) -> bool:
    """Print the figures per page; True when nothing failed and every page was requested."""
    total = next((row for row in rows if row["Name"] == "Aggregated"), {})
    rate = float(total.get("Requests/s", 0) or 0)
    print(f"\nLasttest: {seconds:.0f} s, {total.get('Request Count', 0)} Anfragen ({rate:.1f} je Sekunde)")
    width = max([len(row["Name"]) for row in rows] + [5]) + 2
    print(f"{'Seite':<{width}}{'Anfragen':>9}{'Fehler':>8}{'Median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for row in rows:
        print(f"{row['Name']:<{width}}{row['Request Count']:>9}{row['Failure Count']:>8}{row['50%']:>11}"
              f"{row['95%']:>9}{float(row['Max Response Time']):>9.0f}")  # fmt: skip
    for failure in failures:
        print(f"  FEHLER {failure.get('Method')} {failure.get('Name')}: {failure.get('Error')} "
              f"({failure.get('Occurrences')}×)")  # fmt: skip
    errors = int(total.get("Failure Count", 0) or 0)
    unrequested = [row["Name"] for row in rows if row["Name"] != "Aggregated" and int(row["Request Count"]) == 0]
    return errors == 0 and not unrequested and int(total.get("Request Count", 0) or 0) > 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", type=int, default=400, help="Kommunen des Profils (400)")
    parser.add_argument("--users", type=int, default=10, help="gleichzeitige locust-Nutzer (10)")
    parser.add_argument("--seconds", type=int, default=MAX_SECONDS, help="Dauer des Laufs, höchstens 60 s")
    args = parser.parse_args()
    seconds = max(1, min(args.seconds, MAX_SECONDS))
    workdir = Path(tempfile.mkdtemp(prefix="kompass-loadtest-"))
    url = database(workdir)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "false", "DJANGO_SECURE": "false",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_SETTINGS_MODULE": "kompass.settings", "KOMPASS_MFA_REQUIRED": "false"}  # fmt: skip
    python = sys.executable
    try:
        print(f"Datenbank: {url.rsplit('/', 1)[-1]}; erzeuge {args.kommunen} Kommunen (Rechenzentrum-Profil) …",
              flush=True)  # fmt: skip
        run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([python, "manage.py", "createcachetable"], env)
        manifest = workdir / "manifest.json"
        log = workdir / "app.log"  # the app's JSON log lines (generation and server), shown on failure
        with log.open("wb") as stderr:
            generation = subprocess.run(  # noqa: S603 - our own module; its progress goes straight to the terminal
                [python, "-m", "kompass.demo.loadtest.prepare", "rechenzentrum", str(manifest), str(args.kommunen)],
                env=env, cwd=ROOT, check=False, stderr=stderr,
            )  # fmt: skip
        if generation.returncode != 0:
            sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-3000:])
            raise SystemExit("Das Profil ließ sich nicht erzeugen.")
        port = free_port()
        server = gunicorn(port, WORKERS, env, workdir / "server.log")
        try:
            wait_for(port, server, "/anmelden/")
            print(
                f"gunicorn auf 127.0.0.1:{port} mit {WORKERS} Prozessen (--preload); zweiter Faktor für diesen "
                "Lauf AUS (KOMPASS_MFA_REQUIRED=false): Anmeldung mit Passwort über das Anmeldeformular",
                flush=True,
            )
            print(f"Systemlast vorher: {_load()}; locust mit {args.users} Nutzern für {seconds} s …", flush=True)
            prefix = workdir / "locust"
            started = time.monotonic()
            locust_env = {**env, "KOMPASS_LOAD_MANIFEST": str(manifest)}
            done = locust(LOCUSTFILE, port, args.users, max(1, args.users // 4), seconds, prefix, locust_env)
            elapsed = time.monotonic() - started
            connections = _connections(url)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        rows, failures = read_stats(prefix)
        ok = report(rows, failures, elapsed) and done.returncode == 0
        print(f"Systemlast nachher: {_load()}")
        if connections:
            print(connections)
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-3000:])
        if not ok:
            server_log = (workdir / "server.log").read_text(encoding="utf-8", errors="replace")
            sys.stderr.write("\n".join(line for line in server_log.splitlines() if '"error"' in line)[-3000:])
        print("Ergebnis: OK" if ok else "Ergebnis: FEHLER", flush=True)
        return 0 if ok else 1
    finally:
        if url.startswith("postgres"):
            _postgres(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
