"""A minimal OpenID Connect identity provider on loopback, for single sign-on tests.

It serves discovery, an authorization endpoint that consents at once (it redirects back to the
client's redirect_uri with a code and the state), a token endpoint that checks the client, the code,
the redirect_uri and the PKCE verifier and returns an RS256-signed id_token, userinfo and the JWKS.
Tests choose who signs in next (`sign_in_as`) and may spoil the id_token (`id_token_changes`).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from lodestar.accounts.sso_config import oidc_settings


@dataclass
class Grant:
    claims: dict
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


@dataclass
class OIDCProvider:
    client_id: str = "lodestar-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    # Claims of the person the next authorization request signs in (at least "sub").
    identity: dict = field(default_factory=dict)
    # Applied to the id_token's claims after they are built: {"aud": "someone-else"}, ….
    id_token_changes: dict = field(default_factory=dict)
    grants_used: list[Grant] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = secrets.token_hex(8)
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- life cycle ------------------------------------------------------------------------

    def start(self) -> OIDCProvider:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def issuer(self) -> str:
        assert self._server, "start() the provider first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def sign_in_as(self, **claims) -> None:
        self.identity = {"sub": claims.pop("sub", secrets.token_hex(6)), **claims}

    # --- the browser's side ----------------------------------------------------------------

    def authorize(self, url: str) -> str:
        """Visit the authorization URL as a browser would; return where the provider sends it."""
        assert url.startswith(self.issuer + "/authorize?"), url
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
        try:
            opener.open(url, timeout=5)
        except urllib.error.HTTPError as redirect:
            if redirect.code == 302:
                return redirect.headers["Location"]
            raise
        raise AssertionError("the authorization endpoint did not redirect")

    # --- the endpoints ---------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self._kid, "alg": "RS256", "use": "sig"}]}

    def issue_code(self, query: dict) -> tuple[int, str]:
        """The authorization endpoint: returns (status, redirect location or error text)."""
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, "unknown client or response type"
        if not self.identity:
            return 400, "the test did not say who signs in"
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = Grant(
                claims=dict(self.identity),
                client_id=query["client_id"],
                redirect_uri=query["redirect_uri"],
                nonce=query.get("nonce"),
                code_challenge=query.get("code_challenge"),
            )
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return 302, f"{query['redirect_uri']}{separator}{urlencode(params)}"

    def exchange_code(self, form: dict, basic_auth: tuple[str, str] | None) -> tuple[int, dict]:
        """The token endpoint: checks the client, the code and PKCE, then issues the tokens."""
        client_id, secret = basic_auth or (form.get("client_id"), form.get("client_secret"))
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant.code_challenge and _s256(form.get("code_verifier", "")) != grant.code_challenge:
            return 400, {"error": "invalid_grant", "error_description": "code_verifier"}
        self.grants_used.append(grant)
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant.claims
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant),
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            **grant.claims,
            "iss": self.issuer,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        claims.update(self.id_token_changes)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        token = authorization.removeprefix("Bearer ").strip()
        with self._lock:
            claims = self._tokens.get(token)
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, claims


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _handler_for(provider: OIDCProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet: the tests read the outcome, not a log
            pass

        def do_GET(self):
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                status, target = provider.issue_code(query)
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(status, {"error": target})
            elif url.path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self):
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            form = {key: values[0] for key, values in parse_qs(body).items()}
            self._json(*provider.exchange_code(form, self._basic_auth()))

        def _basic_auth(self) -> tuple[str, str] | None:
            header = self.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return None
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret

        def _json(self, status: int, data: dict) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def switch_on_sso(
    settings,
    provider: OIDCProvider,
    *,
    provider_id: str = "acme",
    name: str = "Acme SSO",
    allowed_domains: tuple[str, ...] = ("acme.test",),
) -> None:
    """Turn SSO on for one test (pytest-django's `settings`), as the OIDC_* variables would."""
    values = oidc_settings(
        server_url=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        provider_id=provider_id,
        name=name,
        allowed_domains=allowed_domains,
        form_action=settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
    )
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = values.pop("CSP_FORM_ACTION")
    settings.CONTENT_SECURITY_POLICY = policy
    for setting, value in values.items():
        setattr(settings, setting, value)
