"""A small OpenID Connect provider for the tests, on loopback only (127.0.0.1, a free port).

It serves the discovery document, its public key (JWKS, an RSA key made per provider), an
authorization endpoint that sends the browser straight back with a code (as if the person had
logged in there), and a token endpoint that answers with an RS256-signed ID token. A test bends
the next ID token through `next_claims` (e.g. another nonce or an expired `exp`) or signs it with
another key (`sign_with_other_key`) to see the client refuse it.
"""

from __future__ import annotations

import functools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey


@functools.cache
def _keys() -> tuple[RSAKey, RSAKey]:
    """Two keys per test process (making RSA keys is slow); the second one signs the forged tokens."""
    params = {"kid": "test-1", "use": "sig", "alg": "RS256"}
    return RSAKey.generate_key(2048, parameters=params), RSAKey.generate_key(2048, parameters=params)


class OidcProvider:
    def __init__(self, client_id: str = "kommunalkompass") -> None:
        self.client_id = client_id
        self.key, self.other_key = _keys()
        self.subject = "a1b2c3"
        self.groups: list[str] = []
        self.profile: dict[str, Any] = {"given_name": "Sara", "family_name": "Sso", "email": "sara@teststadt.example"}
        self.next_claims: dict[str, Any] = {}
        self.sign_with_other_key = False
        self.codes: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/kommune"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> OidcProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/certs",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """The login at the provider: a code bound to the nonce, and the way back."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query.get("nonce"), "client_id": query.get("client_id")}
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.subject,
            "aud": grant["client_id"] or self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "groups": list(self.groups),
            **self.profile,
            **self.next_claims,
        }
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "test-1"}, claims, key)
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                return

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                provider.requests.append(url.path)
                base = urlparse(provider.issuer).path
                if url.path == base + "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if url.path == base + "/certs":
                    return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
                if url.path == base + "/auth":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(query))
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                provider.requests.append(urlparse(self.path).path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path == urlparse(provider.issuer).path + "/token":
                    return self._json(*provider.token(form))
                return self._json(404, {"error": "not_found"})

        return Handler
