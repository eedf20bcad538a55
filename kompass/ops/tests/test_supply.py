"""Supply chain (S4 in docs/security.md): the SBOM, the vulnerability audit and `make test`'s browser rule.

The audit is run as `make audit` runs it, as a process, against a fake PyPI: a local HTTPS proxy
(HTTPS_PROXY) that answers the CONNECT to pypi.org itself with a certificate the process trusts through
REQUESTS_CA_BUNDLE — so pip-audit's real requests and parsing are exercised, with the answers chosen
here. The tests that need the tools of requirements/supply.txt (pip-audit, cyclonedx-py) are skipped
when they are not installed (`make sbom` installs them), unless KOMPASS_REQUIRE_SUPPLY=1.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from kompass.ops import supply

ROOT = Path(settings.BASE_DIR)
VULN_ID = "PYSEC-2099-1"


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        if os.environ.get("KOMPASS_REQUIRE_SUPPLY") == "1":
            pytest.fail(f"{module} is not installed but KOMPASS_REQUIRE_SUPPLY=1")
        pytest.skip(f"{module} not installed (make sbom installs requirements/supply.txt)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_pin_of_the_requirement_files_is_read():
    pins = supply.read_pins(ROOT / "requirements" / "base.txt")
    names = {pin.name.lower() for pin in pins}
    assert {"django", "weasyprint", "psycopg"} <= names
    lines = [line for line in (ROOT / "requirements" / "base.txt").read_text().splitlines() if "==" in line]
    assert len(pins) == len(lines)


# --- the audit against a fake PyPI ---------------------------------------------------------------


Answer = Callable[[str], tuple[int, dict[str, object]]]


class _FakePyPI(http.server.BaseHTTPRequestHandler):
    """An HTTPS proxy that is pypi.org: CONNECT is accepted, the tunnel is answered here."""

    protocol_version = "HTTP/1.1"
    server: _FakeServer

    def do_CONNECT(self) -> None:
        self.send_response(200, "Connection established")
        self.end_headers()
        tls = self.server.tls.wrap_socket(self.connection, server_side=True)
        self.connection = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb", buffering=0)
        self.close_connection = False  # requests in the tunnel follow, also after an HTTP/1.0 CONNECT

    def do_GET(self) -> None:
        status, document = self.server.answer(self.path)
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        self.server.requests.append(format % args)


class _FakeServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext, answer: Answer) -> None:
        super().__init__(("127.0.0.1", 0), _FakePyPI)
        self.tls, self.answer, self.requests = tls, answer, []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pypi")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=pypi.org",
         "-addext", "subjectAltName=DNS:pypi.org", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return folder


def _fake_pypi(certificate: Path, answer: Answer) -> Iterator[str]:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server = _FakeServer(tls, answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _requirements(tmp_path: Path) -> Path:
    """Two pins of base.txt with their hashes, so a run asks PyPI two questions."""
    wanted, lines, keep = ("django==", "sqlparse=="), [], False
    for line in (ROOT / "requirements" / "base.txt").read_text().splitlines():
        if line and not line.startswith(" "):
            keep = line.lower().startswith(wanted)
        if keep and not line.strip().startswith("#"):
            lines.append(line)
    path = tmp_path / "pins.txt"
    path.write_text("\n".join(lines) + "\n")
    assert len(supply.read_pins(path)) == 2
    return path


def _audit(tmp_path: Path, proxy: str, ca: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HTTPS_PROXY": proxy,
        "https_proxy": proxy,
        "NO_PROXY": "",
        "no_proxy": "",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    if ca is not None:
        env["REQUESTS_CA_BUNDLE"] = str(ca)
    return subprocess.run(
        [sys.executable, "-m", "kompass.ops.supply", "audit", "-r", str(_requirements(tmp_path)), "--timeout", "10"],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT, check=False,
    )  # fmt: skip


def _answer_with_finding(path: str) -> tuple[int, dict[str, object]]:
    parts = path.strip("/").split("/")  # pypi/<name>/<version>/json
    vulns = []
    if parts[1] == "django":
        vulns = [{"id": VULN_ID, "aliases": ["CVE-2099-0001"], "fixed_in": ["99.0"], "summary": "Testlücke"}]
    return 200, {"info": {"name": parts[1], "version": parts[2]}, "vulnerabilities": vulns}


def test_an_unreachable_service_is_said_clearly_with_its_own_exit_code(tmp_path):
    closed = f"http://127.0.0.1:{_free_port()}"  # nothing listens: no connection comes about
    result = _audit(tmp_path, closed)
    assert result.returncode == supply.UNREACHABLE == 3
    assert "Schwachstellenprüfung nicht möglich" in result.stderr
    assert "nicht erreichbar" in result.stderr
    assert "Vulnerability check not possible" in result.stderr


def test_a_mirror_without_vulnerability_data_is_not_taken_for_a_clean_result(tmp_path, certificate):
    for proxy in _fake_pypi(certificate, lambda path: (404, {"message": "Not Found"})):
        result = _audit(tmp_path, proxy, certificate / "cert.pem")
    assert result.returncode == supply.UNREACHABLE
    assert "404" in result.stderr
    assert "Schwachstellenprüfung nicht möglich" in result.stderr


def test_a_known_vulnerability_fails_the_audit_with_its_id(tmp_path, certificate):
    _require("pip_audit")
    for proxy in _fake_pypi(certificate, _answer_with_finding):
        result = _audit(tmp_path, proxy, certificate / "cert.pem")
    assert result.returncode == supply.FOUND == 1, result.stderr
    assert VULN_ID in result.stderr
    assert "CVE-2099-0001" in result.stderr
    assert "django" in result.stderr.lower()
    assert "sqlparse" not in result.stderr.lower()


def test_pins_without_findings_pass(tmp_path, certificate):
    _require("pip_audit")

    def clean(path: str) -> tuple[int, dict[str, object]]:
        return 200, {"info": {}, "vulnerabilities": []}

    for proxy in _fake_pypi(certificate, clean):
        result = _audit(tmp_path, proxy, certificate / "cert.pem")
    assert result.returncode == supply.CLEAN, result.stderr
    assert "Keine bekannten Schwachstellen in 2 Paketen" in result.stdout


# --- the SBOM -------------------------------------------------------------------------------------


def test_the_sbom_names_every_runtime_pin_and_the_served_npm_packages(tmp_path):
    _require("cyclonedx")
    output = tmp_path / "sbom.cdx.json"
    supply.build_sbom(output)
    supply.validate_sbom(output)
    bom = json.loads(output.read_text())
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["specVersion"] == "1.6"
    assert bom["metadata"]["component"]["name"] == "kommunalkompass"
    components = {(c["name"].lower(), c["version"]): c for c in bom["components"]}
    for pin in supply.read_pins(ROOT / "requirements" / "base.txt"):
        component = components.get((pin.name.lower(), pin.version))
        assert component is not None, pin
        assert component["purl"] == f"pkg:pypi/{pin.name.lower()}@{pin.version}"
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name in json.loads((ROOT / "package.json").read_text())["dependencies"]:
        version = lock[f"node_modules/{name}"]["version"]
        component = components[(name, version)]
        assert component["purl"].startswith("pkg:npm/") and component["purl"].endswith(f"@{version}")
        assert component["hashes"][0]["alg"] == "SHA-512"
    assert not any(name == "axe-core" for name, _ in components)  # a test tool, not served
    root_edges = bom["dependencies"][0]["dependsOn"]
    refs = {c["bom-ref"]: c["name"].lower() for c in bom["components"]}
    assert {"django", "htmx.org", "@kern-ux/native"} <= {refs[ref] for ref in root_edges}


# --- make test and the browser tests --------------------------------------------------------------


@pytest.fixture
def fake_venv(tmp_path: Path) -> Path:
    """A virtual environment whose pytest only says how it was called (exit code from PYTEST_EXIT)."""
    script = tmp_path / "bin" / "pytest"
    script.parent.mkdir()
    script.write_text('#!/bin/sh\necho "pytest called with: $*"\nexit "${PYTEST_EXIT:-0}"\n')
    script.chmod(0o755)
    return tmp_path


def _make(venv: Path, chromium: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("KOMPASS_REQUIRE_BROWSER", "MAKEFLAGS", "MAKELEVEL")
    }
    return subprocess.run(
        ["make", "--no-print-directory", "_test", f"VENV={venv}", f"CHROMIUM={chromium}", "PYTEST_ARGS=-q"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env={**environment, **env}, check=False,
    )  # fmt: skip


def test_make_test_fails_instead_of_skipping_when_chromium_is_missing_and_required(fake_venv):
    result = _make(fake_venv, "/nonexistent/chromium", KOMPASS_REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert "/nonexistent/chromium not found and KOMPASS_REQUIRE_BROWSER=1" in result.stderr
    assert "pytest called" not in result.stdout  # nothing was run


def test_make_test_skips_the_browser_tests_with_a_notice_when_not_required(fake_venv):
    result = _make(fake_venv, "/nonexistent/chromium")
    assert result.returncode == 0, result.stderr
    assert "browser tests are SKIPPED" in result.stdout
    assert "pytest called with: -m not browser -q" in result.stdout


def test_make_test_runs_the_browser_tests_when_chromium_is_there(fake_venv):
    result = _make(fake_venv, sys.executable, KOMPASS_REQUIRE_BROWSER="1")
    assert result.returncode == 0, result.stderr
    assert "pytest called with: -q" in result.stdout


def test_make_test_fails_when_pytest_collects_nothing(fake_venv):
    result = _make(fake_venv, sys.executable, PYTEST_EXIT="5")
    assert result.returncode != 0
    assert "pytest collected no tests: failing." in result.stdout
