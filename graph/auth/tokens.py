"""Access tokens: short-lived JWTs signed with Ed25519 (EdDSA), following RFC 8725.

Every key in the `KeySet` verifies and one of them signs, so a new key can be
introduced (verifying), then made active, and the old one removed once its last
token has expired: rotation without downtime.

Validation trusts nothing in the header beyond `kid` as a lookup into our own
keys: the algorithm is pinned, and any header that could point at another key
(`jku`, `x5u`, `jwk`, `x5c`, ...) rejects the token.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwa import EdDSAAlgorithm, JWSAlgModel
from joserfc.jwk import GuestProtocol, OKPKey
from joserfc.jws import JWSRegistry

from graph.auth.principal import PrincipalKind
from graph.errors import ErrorCode, Unauthenticated
from graph.lru import LRU
from graph.settings import Settings

ALGORITHM = "EdDSA"
CURVE: Final = "Ed25519"
ACCESS_TOKEN_TYPE = "at+jwt"
DEV_KEYS_PATH = Path(".hestami/jwks.json")

_ALLOWED_HEADERS = frozenset({"alg", "kid", "typ"})


class TokenInvalid(Unauthenticated):
    code = ErrorCode.TOKEN_INVALID


class _Ed25519Only(EdDSAAlgorithm):
    # RFC 9864 deprecates "EdDSA" because the name doesn't fix the curve, which is
    # why joserfc warns on every use; refusing every curve but Ed25519 here
    # removes that ambiguity, so the warning no longer applies (joserfc warns when it is set).
    security_warning = ""

    def check_key(self, key: Any) -> None:
        super().check_key(key)
        if key.curve_name != CURVE:
            raise JoseError(f"Only {CURVE} keys may be used")


class _Registry(JWSRegistry):
    # A registry that knows no other algorithm: `none`, HS*, RS* cannot even be looked up.
    # Class attributes shared by every instance, as joserfc declares them.
    algorithms: dict[str, JWSAlgModel] = {ALGORITHM: _Ed25519Only()}  # noqa: RUF012
    recommended: list[str] = []  # noqa: RUF012


_REGISTRY = _Registry(algorithms=[ALGORITHM])
VERIFIED_TOKENS = 10_000


class KeySet:
    """Private Ed25519 signing keys by `kid`; the active one signs, all verify."""

    def __init__(self, jwks: Mapping[str, Any], active_kid: str | None = None) -> None:
        keys: dict[str, OKPKey] = {}
        for data in jwks.get("keys", []):
            kid, key = _import_signing_key(data)
            if kid in keys:
                raise ValueError(f"Duplicate kid {kid!r} in JWKS")
            keys[kid] = key
        if not keys:
            raise ValueError("JWKS holds no keys")
        self.active_kid = active_kid or next(iter(keys))
        if self.active_kid not in keys:
            raise ValueError(f"Active kid {self.active_kid!r} is not in the JWKS")
        self._keys = keys

    @property
    def kids(self) -> list[str]:
        return list(self._keys)

    @property
    def signing_key(self) -> OKPKey:
        return self._keys[self.active_kid]

    def verification_key(self, kid: str) -> OKPKey | None:
        return self._keys.get(kid)

    def public_jwks(self) -> dict[str, Any]:
        """The verifying half of every key, safe to publish."""
        return {"keys": [key.as_dict(private=False) for key in self._keys.values()]}

    def __repr__(self) -> str:
        # Never the key material: this may end up in a log or a traceback.
        return f"KeySet(kids={self.kids!r}, active_kid={self.active_kid!r})"


def _import_signing_key(data: Any) -> tuple[str, OKPKey]:
    if not isinstance(data, Mapping):
        raise TypeError("A JWKS entry is not an object")
    kid = data.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ValueError("Every JWKS key needs a kid")
    # Checked before importing so that no error message can echo key material.
    if data.get("kty") != "OKP" or data.get("crv") != CURVE or "d" not in data:
        raise ValueError(f"Key {kid!r} must be a private OKP {CURVE} key")
    if data.get("alg", ALGORITHM) != ALGORITHM:
        raise ValueError(f"Key {kid!r} is pinned to another algorithm")
    try:
        return kid, OKPKey.import_key(dict(data))
    except (JoseError, ValueError, TypeError):
        raise ValueError(f"Key {kid!r} could not be imported") from None


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: str
    session_id: str
    principal_kind: PrincipalKind
    token_id: str
    issued_at: int
    expires_at: int


class TokenService:
    def __init__(
        self,
        keyset: KeySet,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        leeway_seconds: int,
    ) -> None:
        self._keyset = keyset
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        self._leeway = leeway_seconds
        # Claims of tokens whose signature checked out, by the token's text: a
        # client sends one token on every request until it expires, and the
        # signature check is most of reading it (0.13 of 0.15 ms). The keys never
        # change in a process; the time claims are checked again on every use.
        self._verified: LRU[str, dict[str, Any]] = LRU(VERIFIED_TOKENS)

    def issue_access(self, subject: str, session_id: str, principal_kind: str, now: int | None = None) -> str:
        issued_at = int(time.time()) if now is None else now
        header = {
            "alg": ALGORITHM,
            "kid": self._keyset.active_kid,
            "typ": ACCESS_TOKEN_TYPE,
        }
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": subject,
            "sid": session_id,
            "jti": secrets.token_urlsafe(16),
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + self._ttl,
            "pk": PrincipalKind(principal_kind).value,
        }
        return jwt.encode(header, claims, self._keyset.signing_key, registry=_REGISTRY)

    def verify_access(self, token: str, now: int | None = None) -> AccessClaims:
        """Return the claims of a valid access token; `TokenInvalid` for anything else."""
        known = self._verified.get(token)
        try:
            claims = known if known is not None else jwt.decode(token, self._select_key, registry=_REGISTRY).claims
            self._claims_registry(now).validate(claims)
            access = _access_claims(claims)
        except (JoseError, ValueError, TypeError) as exc:
            # The reason stays server-side (chained); clients only learn "invalid".
            raise TokenInvalid("Access token is invalid") from exc
        if known is None:
            self._verified.put(token, claims)
        return access

    def _select_key(self, obj: GuestProtocol) -> OKPKey:
        header = obj.headers()
        kid = header.get("kid")
        key = self._keyset.verification_key(kid) if isinstance(kid, str) else None
        if (
            key is None
            or not header.keys() <= _ALLOWED_HEADERS
            or header.get("alg") != ALGORITHM
            or header.get("typ") != ACCESS_TOKEN_TYPE
        ):
            raise TokenInvalid("Access token is invalid")
        return key

    def _claims_registry(self, now: int | None) -> jwt.JWTClaimsRegistry:
        # joserfc checks only the claims registered here; "essential" is what
        # makes a token without, say, `exp` fail instead of living forever.
        return jwt.JWTClaimsRegistry(
            now=now,
            leeway=self._leeway,
            iss={"essential": True, "value": self._issuer},
            aud={"essential": True, "value": self._audience},
            exp={"essential": True},
            iat={"essential": True},
            nbf={"essential": True},
            sub={"essential": True},
            sid={"essential": True},
            jti={"essential": True},
            pk={"essential": True, "values": [kind.value for kind in PrincipalKind]},
        )


def _access_claims(claims: Mapping[str, Any]) -> AccessClaims:
    # The registry checked presence and values; these are the types it doesn't check.
    if not isinstance(claims["sid"], str):
        raise TypeError("sid must be a string")
    return AccessClaims(
        subject=claims["sub"],
        session_id=claims["sid"],
        principal_kind=PrincipalKind(claims["pk"]),
        token_id=claims["jti"],
        issued_at=int(claims["iat"]),
        expires_at=int(claims["exp"]),
    )


def generate_jwks(kids: list[str]) -> dict[str, Any]:
    """A private JWKS with one fresh Ed25519 key per kid."""
    return {
        "keys": [
            OKPKey.generate_key(CURVE, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"}).as_dict(private=True)
            for kid in kids
        ]
    }


def load_keyset(settings: Settings, dev_keys_path: Path = DEV_KEYS_PATH) -> KeySet:
    """The signing keys from settings; outside production, a persisted generated set."""
    if settings.jwt_keys is not None:
        jwks = json.loads(settings.jwt_keys.get_secret_value())
    elif settings.jwt_keys_file:
        jwks = json.loads(Path(settings.jwt_keys_file).read_text())
    elif settings.environment == "production":
        raise RuntimeError(
            "No JWT signing keys: set HESTAMI_JWT_KEYS or HESTAMI_JWT_KEYS_FILE (a private Ed25519 JWKS) in production"
        )
    else:
        jwks = _dev_jwks(dev_keys_path)
    return KeySet(jwks, settings.jwt_active_kid)


def _dev_jwks(path: Path) -> dict[str, Any]:
    # Persisted so a restart keeps issued tokens valid. Written to a temporary
    # file and linked into place, so that concurrent first starts agree on one
    # key set and no reader ever sees a half-written file.
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(generate_jwks([f"dev-{secrets.token_hex(4)}"]), f)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    jwks: dict[str, Any] = json.loads(path.read_text())
    return jwks
