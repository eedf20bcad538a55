"""`manage.py bench` (`make bench`): server time of the main pages at Großstadt scale.

The benchmark never touches the developer's database. The command re-runs itself in a child
process per database: SQLite in `var/bench.sqlite3` always, and PostgreSQL in `<name>_bench`
when `DATABASE_URL` points to PostgreSQL. The child migrates that database, generates the
Großstadt profile (`bench_profile`), and measures each page in-process with Django's test
client (full middleware stack, no network): median and p95 over `--runs` requests after
warm-ups, plus the SQL queries of one request. Budgets (product brief): every page p95
≤ 150 ms, a 20,000-row import ≤ 20 s; the role-model pages (issue 3, with 30,000 assignments
and 300 Lotsen) p95 ≤ 200 ms and a full run of the role checks ≤ 500 ms; the self-assessment
(issue 9, a campaign of 8,000 respondents × 60 criteria = 480,000 answers, `bench_assessment`):
result pages and the API's results p95 ≤ 150 ms, the survey's question page p95 ≤ 50 ms, the PDF
report ≤ 3 s, and the time of `results.store` over the 480,000 answers (reported, no budget); the
digital agenda (issue 10, 400 measures, 2,000 KPIs × 36 values, `bench_agenda`): agenda tree,
portfolio, measure detail, board and KPI list p95 ≤ 100 ms, the council report PDF ≤ 5 s, the
cached public page p95 ≤ 20 ms, and an import of 72,000 KPI values ≤ 10 s. Routes that do not
exist (yet) are listed as NICHT VORHANDEN.

Later issues add their pages to `PAGES` (and their data to `bench_profile.generate_profile`).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from kompass.core.runtime import freeze_startup_heap
from kompass.demo import bench_agenda
from kompass.demo import bench_profile as profile
from kompass.demo.bench_assessment import ANSWERS

PAGE_BUDGET_MS = 150.0
ROLE_PAGE_BUDGET_MS = 200.0
CHECK_RUN_BUDGET_MS = 500.0
SURVEY_PAGE_BUDGET_MS = 50.0
PDF_BUDGET_MS = 3000.0
PDF_RUNS = 5  # a PDF takes seconds: fewer runs than the pages
STORE_RUNS = 3  # results.store over 480,000 answers
IMPORT_BUDGET_S = 20.0
AGENDA_PAGE_BUDGET_MS = 100.0
AGENDA_PDF_BUDGET_MS = 5000.0
AGENDA_PDF_RUNS = 3
PUBLIC_PAGE_BUDGET_MS = 20.0
KPI_IMPORT_BUDGET_S = 10.0
CHILD_ENV = "KOMPASS_BENCH_DATABASE"


# --- what is measured ---------------------------------------------------------------------------


@dataclass
class BenchContext:
    """The objects the pages are measured on, picked once from the generated profile."""

    slug: str
    admin: Any
    kommune: Any
    amt: Any  # an Amt with Abteilungen below it
    dezernat: Any  # a Dezernat: a large subtree for the person filter
    head: Any  # a person who leads a unit
    api_token: str
    lotse_role: Any = None  # the Lotsen role of the adopted role model (300 holders)
    campaign: Any = None  # the closed campaign of the self-assessment (8,000 respondents)
    survey_token: str = ""  # a personal link of the open campaign
    measure: Any = None  # a measure of the agenda in Umsetzung (issue 10)


@dataclass(frozen=True)
class Page:
    """A page to measure: a label and its URL (built from the context)."""

    label: str
    url: Callable[[BenchContext], str]
    budget_ms: float = PAGE_BUDGET_MS
    max_runs: int = 0  # 0: as many as --runs; slow pages (the PDF) fewer


def _url(name: str, *args: Any, query: dict[str, Any] | None = None) -> Callable[[BenchContext], str]:
    def build(ctx: BenchContext) -> str:
        path = reverse(name, args=[ctx.slug, *(arg(ctx) for arg in args)])
        return f"{path}?{urlencode(query)}" if query else path

    return build


def _results(name: str) -> Callable[[BenchContext], str]:
    return _url(f"assessment:{name}", lambda c: c.campaign.pk)


def _survey_page(ctx: BenchContext) -> str:
    path = reverse("public:survey_questions", kwargs={"kommune_slug": ctx.slug, "token": ctx.survey_token})
    return f"{path}?seite=1"


MISSING_PREFIX = "/nicht-vorhanden/"


def _agenda(name: str, *args: Callable[[BenchContext], Any]) -> Callable[[BenchContext], str]:
    """A page of the digital agenda; a route that does not exist (yet) gives a path that resolves to
    nothing, so the page is listed as NICHT VORHANDEN instead of failing the run."""

    def build(ctx: BenchContext) -> str:
        try:
            return _url(name, *args)(ctx)
        except NoReverseMatch:
            return f"{MISSING_PREFIX}{name}"

    return build


def _public_agenda(name: str, query: str = "") -> Callable[[BenchContext], str]:
    def build(ctx: BenchContext) -> str:
        try:
            return reverse(name, kwargs={"kommune_slug": ctx.slug}) + query
        except NoReverseMatch:
            return f"{MISSING_PREFIX}{name}"

    return build


def _filtered_people(ctx: BenchContext) -> str:
    return _url("org:person_list", query={"einheit": ctx.dezernat.pk, "q": "Müller"})(ctx)


PAGES: list[Page] = [
    Page("Startseite der Kommune", _url("ui:dashboard")),
    Page("Organisationsbaum (1.500 Einheiten)", _url("org:tree")),
    Page("Einheiten, Liste", _url("org:unit_list")),
    Page("Personen, Seite 50", _url("org:person_list", query={"page": 50})),
    Page("Personen, gefiltert (Dezernat + Suche)", _filtered_people),
    Page("Personen, Suche nach Nachnamen", _url("org:person_list", query={"q": "Schmidt"})),
    # The search behind the person and unit combobox (issue 8): JSON, at most 20 suggestions.
    Page("Auswahlfeld: Personen suchen", _url("org:search_people", query={"q": "Schmidt"})),
    Page("Auswahlfeld: Einheiten suchen", _url("org:search_units", query={"q": "amt"})),
    Page("Person, Detail", _url("org:person_detail", lambda c: c.head.pk)),
    Page("Einheit, Detail", _url("org:unit_detail", lambda c: c.amt.pk)),
    Page("Protokoll", _url("audit:log")),
    Page("API: Einheiten, Liste", lambda c: f"/api/v1/kommunen/{c.slug}/organisationseinheiten"),
    Page("API: Personen, Liste", lambda c: f"/api/v1/kommunen/{c.slug}/personen"),
    # Role model (issue 3): 30,000 assignments, 300 Lotsen.
    Page("Verantwortungsmatrix", _url("roles:matrix"), ROLE_PAGE_BUDGET_MS),
    Page("Rollen-Check", _url("roles:checks"), ROLE_PAGE_BUDGET_MS),
    Page("Lotsen-Netzwerk (300 Lotsen)", _url("roles:lotsen"), ROLE_PAGE_BUDGET_MS),
    Page("Rollenprofil Lotsen", _url("roles:role_detail", lambda c: c.lotse_role.pk), ROLE_PAGE_BUDGET_MS),
    Page("Zuordnungen, Seite 50", _url("roles:assignment_list", query={"page": 50}), ROLE_PAGE_BUDGET_MS),
    Page("API: Rollen-Check", lambda c: f"/api/v1/kommunen/{c.slug}/rollen-check", ROLE_PAGE_BUDGET_MS),
    Page("API: Zuordnungen, Liste", lambda c: f"/api/v1/kommunen/{c.slug}/zuordnungen", ROLE_PAGE_BUDGET_MS),
    # Self-assessment (issue 9): a closed campaign of 8,000 respondents × 60 criteria.
    Page("Selbstbewertung: Ergebnisse, Übersicht", _results("results")),
    Page("Selbstbewertung: Ergebnisse nach Zielgruppen", _results("results_audiences")),
    Page("Selbstbewertung: Ergebnisse nach Einheiten", _results("results_units")),
    Page("Selbstbewertung: Ergebnisse je Kriterium", _results("results_criteria")),
    Page("Selbstbewertung: Verlauf", _results("results_trend")),
    Page("API: Ergebnisse einer Umfrage", lambda c: f"/api/v1/kommunen/{c.slug}/umfragen/{c.campaign.pk}/ergebnisse"),
    Page("Umfrage: Fragenseite (ohne Anmeldung)", _survey_page, SURVEY_PAGE_BUDGET_MS),
    Page("Selbstbewertung: Bericht (PDF)", _results("results_pdf"), PDF_BUDGET_MS, max_runs=PDF_RUNS),
    # Digital agenda (issue 10): 400 measures, 2,000 KPIs × 36 values.
    Page("Agenda: Baum", _agenda("agenda:overview"), AGENDA_PAGE_BUDGET_MS),
    Page("Agenda: Portfolio", _agenda("agenda:portfolio"), AGENDA_PAGE_BUDGET_MS),
    Page("Agenda: Maßnahme, Detail", _agenda("agenda:measure_detail", lambda c: c.measure.pk), AGENDA_PAGE_BUDGET_MS),
    Page("Agenda: Board", _agenda("agenda:board"), AGENDA_PAGE_BUDGET_MS),
    Page("Agenda: Kennzahlen, Liste", _agenda("agenda:kpi_list"), AGENDA_PAGE_BUDGET_MS),
    Page(
        "Agenda: Sachstandsbericht (PDF)",
        _agenda("agenda:council_report_pdf"),
        AGENDA_PDF_BUDGET_MS,
        max_runs=AGENDA_PDF_RUNS,
    ),
    Page("Agenda: öffentliche Seite (Cache)", _public_agenda("public:agenda"), PUBLIC_PAGE_BUDGET_MS),
    Page(
        "Agenda: öffentliche Kennzahlen, Seite 2 (Cache)",
        _public_agenda("public:agenda_kennzahlen", "?seite=2"),
        PUBLIC_PAGE_BUDGET_MS,
    ),
]


@dataclass
class Result:
    label: str
    budget: str
    median: str = "–"
    p95: str = "–"
    queries: str = "–"
    sql_ms: str = "–"
    cpu: str = "–"  # CPU time of the app process: less sensitive to other load on the machine
    size: str = "–"  # size of the answer in KB: a page that grows (a 1,500-option select) gets slow to load
    verdict: str = "OK"

    @property
    def failed(self) -> bool:
        return self.verdict not in {"OK", "NICHT VORHANDEN"}


def _de(number: int) -> str:
    """1500 → "1.500" (German thousands separator)."""
    return f"{number:,}".replace(",", ".")


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _exists(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def measure_page(client: Client, page: Page, ctx: BenchContext, runs: int, warmups: int) -> Result:
    result = Result(page.label, f"{page.budget_ms:.0f} ms")
    url = page.url(ctx)
    if not _exists(url):
        result.verdict = "NICHT VORHANDEN"
        return result
    for _ in range(max(1, min(warmups, page.max_runs or warmups))):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {ctx.api_token}")
        if response.status_code != 200:
            result.verdict = f"FEHLER {response.status_code}"
            return result
    with CaptureQueriesContext(connection) as captured:
        measured = client.get(url, HTTP_AUTHORIZATION=f"Bearer {ctx.api_token}")
    queries = captured.captured_queries  # read now: the next request clears the query log
    result.size = f"{len(measured.content) / 1024:.0f}"
    samples, cpu = [], []
    for _ in range(min(runs, page.max_runs or runs)):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url, HTTP_AUTHORIZATION=f"Bearer {ctx.api_token}")
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    p95 = _percentile(samples, 0.95)
    result.median, result.p95 = f"{statistics.median(samples):.1f}", f"{p95:.1f}"
    result.cpu = f"{statistics.median(cpu):.1f}"
    result.queries = str(len(queries))
    result.sql_ms = f"{sum(float(q['time']) for q in queries) * 1000:.1f}"
    result.verdict = "OK" if p95 <= page.budget_ms else "ÜBER BUDGET"
    return result


def measure_check_run(ctx: BenchContext, runs: int, warmups: int) -> Result:
    """A full run of the role checks (`run_checks(check_data(k))`), without rendering."""
    from kompass.roles.rules import run_checks
    from kompass.roles.selectors import check_data

    result = Result("Rollen-Check, kompletter Lauf", f"{CHECK_RUN_BUDGET_MS:.0f} ms")
    for _ in range(warmups):
        run_checks(check_data(ctx.kommune))
    with CaptureQueriesContext(connection) as captured:
        findings = run_checks(check_data(ctx.kommune))
    samples, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        run_checks(check_data(ctx.kommune))
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    p95 = _percentile(samples, 0.95)
    result.median, result.p95 = f"{statistics.median(samples):.1f}", f"{p95:.1f}"
    result.cpu, result.queries = f"{statistics.median(cpu):.1f}", str(len(captured.captured_queries))
    result.sql_ms = f"{sum(float(q['time']) for q in captured.captured_queries) * 1000:.1f}"
    result.verdict = "OK" if p95 <= CHECK_RUN_BUDGET_MS else "ÜBER BUDGET"
    result.label += f" ({len(findings)} Befunde)"
    return result


def measure_result_store(ctx: BenchContext, runs: int) -> Result:
    """`results.store` of the closed campaign: both GROUP BY queries over the 480,000 answers, the
    suppression and the stored JSON (what closing a campaign costs). Reported, no budget."""
    from kompass.assessment import results

    result = Result(f"results.store ({_de(ANSWERS)} Antworten)", "ohne")
    with CaptureQueriesContext(connection) as captured:
        results.store(ctx.campaign)
    samples, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        results.store(ctx.campaign)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    result.median, result.p95 = f"{statistics.median(samples):.0f}", f"{_percentile(samples, 0.95):.0f}"
    result.cpu, result.queries = f"{statistics.median(cpu):.0f}", str(len(captured.captured_queries))
    result.sql_ms = f"{sum(float(q['time']) for q in captured.captured_queries) * 1000:.0f}"
    return result


def measure_import(ctx: BenchContext, import_kommune: Any) -> Result:
    """Import 20,000 people (documented CSV format) into a Kommune that has the 1,500 units."""
    result = Result(f"Import {_de(profile.PEOPLE)} Personen (CSV)", f"{IMPORT_BUDGET_S:.0f} s")
    try:
        from kompass.tabular.importing import run_import
    except ImportError:
        result.verdict = "NICHT VORHANDEN"
        return result
    from kompass.org.models import Person

    Person.objects.for_kommune(import_kommune).delete()  # a fresh start for every run
    rows = profile.person_rows(profile.unit_rows(), "importstadt.example", seed="importstadt")
    data = profile.csv_for_import(rows)
    started = time.perf_counter()
    report = run_import(kind="people", kommune=import_kommune, actor=ctx.admin, filename="bench.csv", data=data,
                        dry_run=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    imported = Person.objects.for_kommune(import_kommune).count()
    result.median = result.p95 = f"{elapsed * 1000:.0f}"
    if imported != len(rows):
        issues = "; ".join(str(issue) for issue in getattr(report, "issues", [])[:3])
        result.verdict = f"FEHLER ({imported} von {len(rows)} importiert) {issues}"[:200]
    else:
        result.verdict = "OK" if elapsed <= IMPORT_BUDGET_S else "ÜBER BUDGET"
    return result


def measure_kpi_import(ctx: BenchContext) -> Result:
    """Import 72,000 KPI values (36 new months for each of the 2,000 KPIs, CSV) through the service
    `kpi_values_import`, all or nothing; the imported values are removed again afterwards."""
    from kompass.agenda.models import KPIValue
    from kompass.agenda.services import kpi_values_import

    data, days = bench_agenda.kpi_import_file(ctx.kommune)
    rows = data.count(b"\n") - 1
    result = Result(f"Import {_de(rows)} Kennzahlenwerte (CSV)", f"{KPI_IMPORT_BUDGET_S:.0f} s")
    started = time.perf_counter()
    report = kpi_values_import(kommune=ctx.kommune, actor=ctx.admin, filename="kennzahlen.csv", data=data,
                               dry_run=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    new = KPIValue.objects.for_kommune(ctx.kommune).filter(measured_on__in=days)
    imported = new.count()
    new.delete()  # a fresh start for the next run
    result.median = result.p95 = f"{elapsed * 1000:.0f}"
    if imported != rows:
        issues = "; ".join(str(issue) for issue in report.issues[:3])
        result.verdict = f"FEHLER ({imported} von {rows} importiert) {issues}"[:200]
    else:
        result.verdict = "OK" if elapsed <= KPI_IMPORT_BUDGET_S else "ÜBER BUDGET"
    return result


# --- the database of the benchmark ---------------------------------------------------------------


def _bench_name(name: str) -> str:
    return name if name.endswith("_bench") else f"{name}_bench"


def bench_targets(
    backend: str, default: dict[str, Any] | None = None, database_url: str | None = None
) -> list[tuple[str, str]]:
    """(label, DATABASE_URL) of every database the benchmark runs on; never the developer's own.
    `default` and `database_url` are the configured database (settings and environment)."""
    default = default if default is not None else settings.DATABASES["default"]
    database_url = database_url if database_url is not None else os.environ.get("DATABASE_URL", "")
    targets: list[tuple[str, str]] = []
    if backend in {"all", "sqlite"}:
        path = Path(settings.BASE_DIR) / "var" / "bench.sqlite3"
        targets.append(("SQLite", f"sqlite:///{path}"))
    if backend in {"all", "postgresql"} and default["ENGINE"] == "django.db.backends.postgresql":
        url = urlsplit(database_url)
        targets.append(("PostgreSQL", url._replace(path="/" + _bench_name(str(default["NAME"]))).geturl()))
    elif backend == "postgresql":
        raise CommandError("Für PostgreSQL bitte DATABASE_URL=postgres://… setzen.")
    return targets


def _on_postgres_server(url: str, statements: Callable[[Any, Any, str], None]) -> None:
    """Run maintenance statements for the benchmark database from the server's `postgres` database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_bench"):  # never create or drop anything but a benchmark database
        raise CommandError(f"{name} ist keine Benchmark-Datenbank.")
    try:
        with psycopg.connect(
            dbname="postgres", host=parts.hostname or None, port=parts.port, user=parts.username,
            password=parts.password, autocommit=True,
        ) as conn:  # fmt: skip
            statements(conn, sql, name)
    except psycopg.Error as exc:
        raise CommandError(f"PostgreSQL ist nicht erreichbar oder verweigert die Anlage von {name}: {exc}") from exc


def _drop_and_create(conn: Any, sql: Any, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _create_if_missing(conn: Any, sql: Any, name: str) -> None:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def reset_database(url: str) -> None:
    """Start from an empty benchmark database (a separate SQLite file or `<name>_bench`)."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        _on_postgres_server(url, _drop_and_create)
        return
    path = Path(parts.path[1:])
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_database(url: str) -> None:
    """Keep an existing benchmark database (for --skip-generate); create it if it is missing."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        _on_postgres_server(url, _create_if_missing)
        return
    Path(parts.path[1:]).parent.mkdir(parents=True, exist_ok=True)


def _is_bench_database() -> bool:
    name = str(settings.DATABASES["default"]["NAME"])
    return name.endswith(("bench.sqlite3", "_bench"))


# --- the command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Misst die Serverzeit der wichtigsten Seiten im Großstadt-Profil (eigene Benchmark-Datenbank)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=30, help="Messungen je Seite (Standard 30)")
        parser.add_argument("--warmups", type=int, default=3, help="Aufwärmläufe je Seite (Standard 3)")
        parser.add_argument(
            "--skip-generate",
            action="store_true",
            help="Vorhandene Benchmark-Datenbank wiederverwenden, wenn sie das Profil enthält",
        )
        parser.add_argument(
            "--backend",
            choices=["all", "sqlite", "postgresql"],
            default="all",
            help="Nur auf dieser Datenbank messen (Standard: SQLite und, falls gesetzt, PostgreSQL)",
        )
        parser.add_argument("--no-import", action="store_true", help="Den Import von 20.000 Personen auslassen")
        parser.add_argument("--page", default="", help="Nur Seiten messen, deren Bezeichnung diesen Text enthält")

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get(CHILD_ENV):
            self._measure(**options)
            return
        failed = []
        for label, url in bench_targets(options["backend"]):
            self.stdout.write(f"\n== {label}: {url.rsplit('/', 1)[-1]} ==")
            (ensure_database if options["skip_generate"] else reset_database)(url)
            if self._run_child(url, label, options) != 0:
                failed.append(label)
        if failed:
            raise CommandError(f"Benchmark nicht im Budget oder fehlerhaft: {', '.join(failed)}")

    def _run_child(self, url: str, label: str, options: dict[str, Any]) -> int:
        argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench",
                "--runs", str(options["runs"]), "--warmups", str(options["warmups"])]  # fmt: skip
        argv += ["--skip-generate"] if options["skip_generate"] else []
        argv += ["--no-import"] if options["no_import"] else []
        argv += ["--page", options["page"]] if options["page"] else []
        # Production-like: DEBUG off, no HTTPS redirect, the test client's host allowed.
        env = {**os.environ, "DATABASE_URL": url, CHILD_ENV: label, "DJANGO_DEBUG": "false",
               "DJANGO_SECURE": "false", "DJANGO_ALLOWED_HOSTS": "testserver"}  # fmt: skip
        self.stdout.flush()
        return subprocess.run(argv, env=env, check=False).returncode  # noqa: S603 - our own manage.py

    def _measure(self, *, runs: int, warmups: int, no_import: bool, page: str, **options: Any) -> None:
        if not _is_bench_database():  # belt and braces: never measure on the developer's database
            raise CommandError("Der Benchmark läuft nur auf einer eigenen Benchmark-Datenbank.")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        if not profile.profile_present():
            self.stdout.write("Erzeuge das Großstadt-Profil …")
            profile.generate_profile()
            if connection.vendor == "postgresql":  # what autovacuum does shortly after a bulk load
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"  fertig in {time.perf_counter() - started:.1f} s")
        self._role_profile()
        self._assessment_profile()
        self._agenda_profile()
        ctx, import_kommune = self._context()
        client = Client()
        client.force_login(ctx.admin)
        _second_factor_shown(client)
        # As in production (kompass/wsgi.py): start-up objects are kept out of garbage collection.
        freeze_startup_heap()
        pages = [p for p in PAGES if page.lower() in p.label.lower()]
        results = [measure_page(client, p, ctx, runs, warmups) for p in pages]
        if not page or "check" in page.lower():
            results.append(measure_check_run(ctx, runs, warmups))
        if not page or "store" in page.lower():
            results.append(measure_result_store(ctx, STORE_RUNS))
        if not no_import and not page:
            results.append(measure_import(ctx, import_kommune))
        if not no_import and (not page or "kennzahlenwerte" in page.lower()):
            results.append(measure_kpi_import(ctx))
        self._print(results, runs, warmups)
        if any(r.failed for r in results):
            raise CommandError("Mindestens eine Messung liegt über dem Budget oder ist fehlgeschlagen.")

    def _role_profile(self) -> None:
        """The role model of the Großstadt (issue 3), added to a profile that does not have it yet."""
        from kompass.demo import bench_roles as role_profile
        from kompass.tenancy.models import Kommune

        city = Kommune.objects.get(slug=profile.PROFILE_SLUG)
        if role_profile.role_profile_present(city):
            return
        started = time.perf_counter()
        self.stdout.write("Erzeuge das Rollenmodell der Großstadt …")
        role_profile.generate_role_profile(city)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"  fertig in {time.perf_counter() - started:.1f} s")

    def _assessment_profile(self) -> None:
        """The self-assessment of the Großstadt (issue 9), added to a profile that does not have it yet."""
        from kompass.demo import bench_assessment
        from kompass.tenancy.models import Kommune

        city = Kommune.objects.get(slug=profile.PROFILE_SLUG)
        if bench_assessment.assessment_profile_present(city):
            return
        started = time.perf_counter()
        self.stdout.write(f"Erzeuge die Selbstbewertung der Großstadt ({_de(ANSWERS)} Antworten) …")
        store_seconds = bench_assessment.generate_assessment_profile(city)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"  fertig in {time.perf_counter() - started:.1f} s; davon Schließen mit results.store: "
            f"{store_seconds:.1f} s"
        )

    def _agenda_profile(self) -> None:
        """The digital agenda of the Großstadt (issue 10), added to a profile that does not have it yet."""
        from kompass.tenancy.models import Kommune

        city = Kommune.objects.get(slug=profile.PROFILE_SLUG)
        if bench_agenda.agenda_profile_present(city):
            return
        started = time.perf_counter()
        self.stdout.write(
            f"Erzeuge die Digitale Agenda der Großstadt ({bench_agenda.MEASURES} Maßnahmen, "
            f"{_de(bench_agenda.KPIS)} Kennzahlen × {bench_agenda.MONTHS} Werte) …"
        )
        bench_agenda.generate_agenda_profile(city)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"  fertig in {time.perf_counter() - started:.1f} s")

    def _context(self) -> tuple[BenchContext, Any]:
        from kompass.accounts.models import User
        from kompass.accounts.services import api_token_create
        from kompass.org.models import OrgUnit, Person
        from kompass.tenancy.models import Kommune

        kommune = Kommune.objects.get(slug=profile.PROFILE_SLUG)
        admin = User.objects.get(username=profile.ADMIN_USERNAME)
        units = OrgUnit.objects.for_kommune(kommune)
        head = Person.objects.for_kommune(kommune).filter(pk__in=units.values("head")).order_by("pk")[100]
        _token, secret = api_token_create(user=admin, name="Benchmark", kommune=kommune)
        from kompass.roles.models import Role as KommuneRole

        ctx = BenchContext(
            slug=kommune.slug, admin=admin, kommune=kommune, amt=units.get(code="32"), dezernat=units.get(code="D2"),
            head=head, api_token=secret, lotse_role=KommuneRole.objects.for_kommune(kommune).get(key="lotse"),
        )  # fmt: skip
        from kompass.demo import bench_assessment

        ctx.campaign, open_campaign = bench_assessment.bench_campaigns(kommune)
        ctx.survey_token = bench_assessment.survey_token(kommune, open_campaign)
        ctx.measure = bench_agenda.bench_measure(kommune)
        return ctx, Kommune.objects.get(slug=profile.IMPORT_SLUG)

    def _print(self, results: list[Result], runs: int, warmups: int) -> None:
        from kompass.demo.bench_assessment import CRITERIA, RESPONDENTS
        from kompass.demo.bench_roles import ASSIGNMENTS, LOTSEN

        size = (
            f"{_de(sum(profile.LEVEL_SIZES))} Einheiten, {_de(profile.PEOPLE)} Personen, "
            f"{_de(ASSIGNMENTS)} Rollenzuordnungen ({LOTSEN} Lotsen), Selbstbewertung mit {_de(ANSWERS)} Antworten "
            f"({_de(RESPONDENTS)} Antwortbögen × {CRITERIA} Kriterien), Digitale Agenda mit "
            f"{bench_agenda.MEASURES} Maßnahmen und {_de(bench_agenda.KPIS)} Kennzahlen × {bench_agenda.MONTHS} Werte"
        )
        self.stdout.write(
            f"Großstadt-Profil auf {connection.vendor}: {size} in {len(profile.LEVEL_SIZES)} Ebenen; "
            f"Serverzeit, {runs} Messungen je Seite nach {warmups} Aufwärmläufen; Start-Objekte wie in "
            "kompass/wsgi.py von der Speicherbereinigung ausgenommen (gc.freeze)"
        )
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        self.stdout.write(
            f"Systemlast (1 min): {load:.1f} bei {os.cpu_count()} Kernen"
            + (" – andere Prozesse verfälschen die Zeiten; siehe Spalte CPU ms" if load > (os.cpu_count() or 1) else "")
        )
        header = ("Seite", "Median ms", "p95 ms", "CPU ms", "Abfragen", "SQL ms", "KB", "Budget", "Ergebnis")
        rows = [header] + [
            (r.label, r.median, r.p95, r.cpu, r.queries, r.sql_ms, r.size, r.budget, r.verdict) for r in results
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for n, row in enumerate(rows):
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1], strict=True)]
            self.stdout.write("  ".join([*cells, row[-1]]))
            if n == 0:
                self.stdout.write("-" * (sum(widths) + 2 * len(widths)))


def _second_factor_shown(client: Client) -> None:
    """The administrator's session has passed the second factor, as in production after the login step
    (the enforcement middleware still runs on every measured request)."""
    from kompass.sso.mfa import VERIFIED_KEY

    session = client.session
    session[VERIFIED_KEY] = "totp"
    session.save()
