"""The shipped reverse-proxy configuration, started with a real nginx (docs/operations.md, "Reverse proxy").

`deploy/nginx/kommunalkompass.conf` is rendered for a temporary directory (a self-signed certificate,
free loopback ports, the upstream pointed at a live Django server with the production security
settings) and nginx runs in the foreground as a child process. Over HTTPS the test checks: the app
answers through the proxy; plain HTTP redirects to HTTPS; TLS below 1.2 is refused; the app's
security headers arrive exactly once; a body over the limit gets 413 and one under it reaches the app;
and the address the app counts a failed login under (django-axes, through `core.clientaddr`) is the
client's — the client connects from 127.0.0.2, the proxy from 127.0.0.1 — also when the client
forges `X-Forwarded-For`.

Needs nginx (`apt-get install nginx`). Without it the test is skipped, unless KOMPASS_REQUIRE_PROXY=1
(set by .ci/run), where a missing nginx fails.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

SHIPPED = Path(settings.BASE_DIR) / "deploy" / "nginx" / "kommunalkompass.conf"
HOST = "kompass.kreis-beispiel.de"
CLIENT = "127.0.0.2"  # the browser; the proxy talks to the app from 127.0.0.1
FORGED = "203.0.113.9"
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def _body_limit() -> int:
    return _size(re.search(r"client_max_body_size\s+(\S+);", SHIPPED.read_text()).group(1))  # type: ignore[union-attr]


def test_the_body_limit_of_the_proxy_matches_the_app():
    """A file the app accepts (IMPORT_MAX_BYTES) must pass the proxy; the proxy's limit is the app's
    limit of a whole request body, so nginx never refuses what the app would take."""
    assert _body_limit() == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert _body_limit() >= settings.IMPORT_MAX_BYTES + 64 * 1024


def test_the_proxy_sets_headers_only_on_the_pages_it_answers_itself():
    """The app sets the security headers on every response; a second copy from nginx would make two.
    Only the internal location of nginx's own error pages (413, 502, 504) adds headers."""
    text = re.sub(r"#.*", "", SHIPPED.read_text())
    own_pages = re.search(r"location \^~ /_proxy/ \{[^}]*\}", text)
    assert own_pages is not None and "internal;" in own_pages.group(0)
    assert "add_header" not in text.replace(own_pages.group(0), "")


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        if os.environ.get("KOMPASS_REQUIRE_PROXY") == "1":
            pytest.fail("nginx is not installed but KOMPASS_REQUIRE_PROXY=1: the reverse-proxy test must run")
        pytest.skip("nginx not installed (apt-get install nginx); .ci/run installs it")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the shipped config no longer has exactly one {old!r}"
    return text.replace(old, new)


@dataclass
class Proxy:
    root: Path
    http_port: int
    https_port: int
    cert: Path

    def log(self) -> str:
        return (self.root / "error.log").read_text(errors="replace")


def render(root: Path, *, app_port: int, http_port: int, https_port: int) -> str:
    """The shipped server blocks with only addresses and paths changed, in a main config of its own."""
    site = SHIPPED.read_text()
    for old, new in (
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{app_port};"),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/ssl/kommunalkompass/fullchain.pem", str(root / "cert.pem")),
        ("/etc/ssl/kommunalkompass/privkey.pem", str(root / "key.pem")),
        ("root /var/www/acme;", f"root {root / 'acme'};"),
        ("alias /srv/kommunalkompass/deploy/nginx/errors/;", f"alias {root / 'errors'}/;"),
    ):
        site = _replace_once(site, old, new)
    temp = "\n".join(
        f"    {kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"pid {root / 'nginx.pid'};\nerror_log {root / 'error.log'} info;\nworker_processes 1;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\n    access_log {root / 'access.log'};\n{temp}\n{site}\n}}\n"
    )


def _certificate(root: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped: {log.read_text(errors='replace') if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("nginx did not listen within 10 s")


@pytest.fixture
def app_server(transactional_db, settings) -> Iterator[int]:
    """A live server of the app with the production settings behind a proxy (docs/operations.md)."""
    from django.db import connections
    from django.test.testcases import LiveServerThread

    settings.ALLOWED_HOSTS = [HOST]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    # Built after the overrides, so its middleware reads them. No static handler in front: static
    # files go through the middleware to WhiteNoise, as in production.
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared, port=0)
    thread.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield int(thread.port)
    finally:
        thread.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()


@contextmanager
def running_proxy(app_port: int) -> Iterator[Proxy]:
    """nginx with the shipped file in front of whatever listens on `app_port` (or nothing)."""
    nginx = _nginx()
    # Not pytest's tmp_path: run as root, nginx's workers drop to an unprivileged user that must reach
    # the temp directories for request bodies and the error pages (pytest's base directory is closed).
    root = Path(tempfile.mkdtemp(prefix="kompass-proxy-"))
    root.chmod(0o755)
    _certificate(root)
    (root / "acme").mkdir()
    shutil.copytree(SHIPPED.parent / "errors", root / "errors")
    made = Proxy(root, _free_port(), _free_port(), root / "cert.pem")
    conf = root / "nginx.conf"
    conf.write_text(render(root, app_port=app_port, http_port=made.http_port, https_port=made.https_port))
    checked = subprocess.run([nginx, "-t", "-p", str(root), "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [nginx, "-p", str(root), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(made.https_port, process, root / "error.log")
        yield made
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def proxy(app_server: int) -> Iterator[Proxy]:
    with running_proxy(app_server) as made:
        yield made


@pytest.fixture
def bare_proxy() -> Iterator[Proxy]:
    """The proxy alone (nothing behind it): enough for TLS and the redirect, without a database."""
    with running_proxy(_free_port()) as made:
        yield made


def _tls(cert: Path, *, version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cert))
    if version is not None:
        context.minimum_version = context.maximum_version = version
        if version < ssl.TLSVersion.TLSv1_2:
            context.set_ciphers("ALL:@SECLEVEL=0")  # let the client offer it at all: the server must refuse
    return context


def _https(proxy: Proxy, *, version: ssl.TLSVersion | None = None) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection(
        "127.0.0.1", proxy.https_port, context=_tls(proxy.cert, version=version), source_address=(CLIENT, 0), timeout=30
    )


def _request(
    proxy: Proxy, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    connection = _https(proxy)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_the_app_answers_through_the_proxy_with_its_security_headers_once(proxy):
    response, body = _request(proxy, "GET", "/anmelden/")
    assert response.status == 200, body[:500]
    assert b'name="password"' in body
    for header in SECURITY_HEADERS:
        assert len(response.headers.get_all(header) or []) == 1, (header, response.headers.get_all(header))
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["Server"] == "nginx"  # server_tokens off: no version
    static, _ = _request(proxy, "GET", "/static/vendor/htmx/htmx.min.js")
    assert static.status == 200
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy"):
        assert len(static.headers.get_all(header) or []) == 1, (header, static.headers.get_all(header))


@pytest.mark.slow
def test_plain_http_redirects_to_https(bare_proxy):
    connection = http.client.HTTPConnection("127.0.0.1", bare_proxy.http_port, timeout=10)
    connection.request("GET", "/anmelden/?weiter=1", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/anmelden/?weiter=1"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")  # asked for on purpose
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1])
def test_tls_below_1_2_is_refused(bare_proxy, version):
    connection = _https(bare_proxy, version=version)
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        connection.connect()
    connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_1_2_and_1_3_work_with_forward_secret_aead_suites(bare_proxy, version):
    connection = _https(bare_proxy, version=version)
    connection.connect()
    name, protocol, _ = connection.sock.cipher()  # type: ignore[union-attr]
    connection.close()
    assert protocol == version.name.replace("_", ".")
    assert "GCM" in name or "CHACHA20" in name
    if version == ssl.TLSVersion.TLSv1_2:
        assert name.startswith("ECDHE-")


@pytest.mark.slow
@pytest.mark.parametrize(
    "suite",
    [
        "AES128-GCM-SHA256",  # no forward secrecy (RSA key exchange)
        "AES256-SHA256",  # neither forward secret nor AEAD
        "ECDHE-RSA-AES128-SHA256",  # forward secret, but CBC instead of AEAD
        "ECDHE-RSA-AES256-SHA",  # CBC with SHA-1
    ],
)
def test_tls_1_2_suites_without_forward_secrecy_or_aead_are_refused(bare_proxy, suite):
    """BSI TR-02102-2 (Mindeststandard TLS 2.4): TLS 1.2 only with ECDHE and an AEAD cipher."""
    context = _tls(bare_proxy.cert, version=ssl.TLSVersion.TLSv1_2)
    context.set_ciphers(suite)
    connection = http.client.HTTPSConnection("127.0.0.1", bare_proxy.https_port, context=context, timeout=10)
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        connection.connect()
    connection.close()


@pytest.mark.slow
def test_a_body_over_the_limit_ends_at_the_proxy_with_413(proxy):
    connection = _https(proxy)
    connection.putrequest("POST", "/anmelden/", skip_host=True)
    connection.putheader("Host", HOST)
    connection.putheader("Content-Type", "application/octet-stream")
    connection.putheader("Content-Length", str(_body_limit() + 1))
    connection.endheaders()  # the body is never sent: nginx answers on the header alone
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 413
    assert "Datei zu groß" in body  # nginx's own answer, in German
    assert response.headers.get_all("Content-Security-Policy") == ["default-src 'none'; frame-ancestors 'none'"]
    assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]


@pytest.mark.slow
def test_without_the_app_the_proxy_answers_502_in_german():
    with running_proxy(_free_port()) as proxy:  # nothing listens there
        response, body = _request(proxy, "GET", "/anmelden/")
    assert response.status == 502
    assert "Vorübergehend nicht erreichbar" in body.decode()
    assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]


@pytest.mark.slow
def test_a_body_the_size_of_an_import_file_reaches_the_app(proxy):
    body = b"x" * (settings.IMPORT_MAX_BYTES + 64 * 1024)
    response, _ = _request(proxy, "POST", "/anmelden/", body=body, headers={"Content-Type": "application/octet-stream"})
    # The app's answer (the CSRF check refuses it), not the proxy's 413.
    assert response.status == 403


def _cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        key, _, rest = header.partition("=")
        if key == name:
            return rest.split(";", 1)[0]
    raise AssertionError(f"no cookie {name}")


@pytest.mark.slow
def test_the_app_counts_the_clients_address_not_the_proxys_nor_a_forged_one(proxy):
    from axes.models import AccessAttempt

    page, body = _request(proxy, "GET", "/anmelden/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()  # type: ignore[union-attr]
    cookie = _cookie(page, settings.CSRF_COOKIE_NAME)
    form = f"csrfmiddlewaretoken={token}&username=niemand&password=falsch"
    response, body = _request(
        proxy,
        "POST",
        "/anmelden/",
        body=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={cookie}",
            "Origin": f"https://{HOST}",
            "X-Forwarded-For": FORGED,
        },
    )
    assert response.status == 200, body[:500]  # the login page again, with the German error
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]
