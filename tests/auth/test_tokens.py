"""Access tokens against the RFC 8725 attacks, each token forged by hand."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey

from graph.auth.principal import PrincipalKind
from graph.auth.tokens import (
    AccessClaims,
    KeySet,
    TokenInvalid,
    TokenService,
    generate_jwks,
    load_keyset,
)
from graph.errors import ErrorCode, Unauthenticated
from graph.settings import Settings
from tests.auth.forge import (
    _segment,
    _unb64,
    ed25519_signer,
    forge,
    hmac_signer,
)

NOW = 1_800_000_000
TTL = 900
LEEWAY = 30
ISSUER = "https://hestami.test"
AUDIENCE = "hestami-api"
SESSION_ID = "s" * 24


def claims(**overrides: Any) -> dict[str, Any]:
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "sid": SESSION_ID,
        "jti": "token-1",
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + TTL,
        "pk": "user",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture(scope="module")
def jwks() -> dict[str, Any]:
    return generate_jwks(["k1"])


@pytest.fixture(scope="module")
def private_jwk(jwks: dict[str, Any]) -> dict[str, Any]:
    return jwks["keys"][0]


@pytest.fixture(scope="module")
def service(jwks: dict[str, Any]) -> TokenService:
    return _service(KeySet(jwks))


def _service(keyset: KeySet, issuer: str = ISSUER, audience: str = AUDIENCE) -> TokenService:
    return TokenService(keyset, issuer, audience, ttl_seconds=TTL, leeway_seconds=LEEWAY)


def header(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"alg": "EdDSA", "kid": "k1", "typ": "at+jwt"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def assert_rejected(service: TokenService, token: str) -> None:
    with pytest.raises(TokenInvalid) as caught:
        service.verify_access(token, now=NOW)
    assert caught.value.code == ErrorCode.TOKEN_INVALID


def test_issued_token_round_trips(service: TokenService) -> None:
    token = service.issue_access("user-1", SESSION_ID, "service_account", now=NOW)

    head, payload, _ = token.split(".")
    assert json.loads(_unb64(head)) == {"alg": "EdDSA", "kid": "k1", "typ": "at+jwt"}
    body = json.loads(_unb64(payload))
    assert set(body) == {"iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "pk"}
    assert body["exp"] == NOW + TTL
    verified = service.verify_access(token, now=NOW + 1)
    assert verified == AccessClaims(
        subject="user-1",
        session_id=SESSION_ID,
        principal_kind=PrincipalKind.SERVICE_ACCOUNT,
        token_id=body["jti"],
        issued_at=NOW,
        expires_at=NOW + TTL,
    )


def test_token_ids_are_unique(service: TokenService) -> None:
    first = service.verify_access(service.issue_access("u", SESSION_ID, "user", now=NOW), now=NOW)
    second = service.verify_access(service.issue_access("u", SESSION_ID, "user", now=NOW), now=NOW)
    assert first.token_id != second.token_id


def test_hand_forged_token_with_our_key_verifies(service: TokenService, private_jwk: dict[str, Any]) -> None:
    # Proves the forging helpers are right, so each rejection below is caused
    # by the one defect that test introduces.
    token = forge(header(), claims(), ed25519_signer(private_jwk))
    assert service.verify_access(token, now=NOW).subject == "user-1"


def test_token_invalid_is_a_401(service: TokenService) -> None:
    with pytest.raises(Unauthenticated) as caught:
        service.verify_access("garbage", now=NOW)
    assert isinstance(caught.value, TokenInvalid)
    assert caught.value.status == 401


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_rejected(service: TokenService, alg: str) -> None:
    assert_rejected(service, forge(header(alg=alg), claims(), lambda _: b""))


@pytest.mark.parametrize(("alg", "digest"), [("HS256", "sha256"), ("HS384", "sha384"), ("HS512", "sha512")])
@pytest.mark.parametrize("encoding", ["raw", "pem", "jwk"])
def test_hmac_signed_with_the_public_key_is_rejected(
    service: TokenService,
    jwks: dict[str, Any],
    alg: str,
    digest: str,
    encoding: str,
) -> None:
    public_jwk = KeySet(jwks).public_jwks()["keys"][0]
    raw = _unb64(public_jwk["x"])
    secret = {
        "raw": raw,
        "pem": Ed25519PublicKey.from_public_bytes(raw).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        "jwk": json.dumps(public_jwk).encode(),
    }[encoding]
    token = forge(header(alg=alg), claims(), hmac_signer(secret, digest))
    assert_rejected(service, token)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256", "Ed25519", "Ed448", "eddsa"])
def test_any_other_algorithm_is_rejected_even_with_a_valid_signature(
    service: TokenService, private_jwk: dict[str, Any], alg: str
) -> None:
    assert_rejected(service, forge(header(alg=alg), claims(), ed25519_signer(private_jwk)))


def test_unknown_kid_is_rejected(service: TokenService) -> None:
    attacker = generate_jwks(["attacker"])["keys"][0]
    token = forge(header(kid="attacker"), claims(), ed25519_signer(attacker))
    assert_rejected(service, token)


def test_missing_kid_is_rejected(service: TokenService, private_jwk: dict[str, Any]) -> None:
    assert_rejected(service, forge(header(kid=None), claims(), ed25519_signer(private_jwk)))


def test_known_kid_signed_by_another_key_is_rejected(service: TokenService) -> None:
    attacker = generate_jwks(["k1"])["keys"][0]
    assert_rejected(service, forge(header(), claims(), ed25519_signer(attacker)))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("jku", "https://attacker.example/jwks.json"),
        ("x5u", "https://attacker.example/cert.pem"),
        ("jwk", {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
        ("x5c", ["MIIB"]),
        ("crit", ["exp"]),
        ("b64", False),
    ],
)
def test_key_pointing_and_unexpected_headers_are_rejected(
    service: TokenService, private_jwk: dict[str, Any], name: str, value: Any
) -> None:
    token = forge(header(**{name: value}), claims(), ed25519_signer(private_jwk))
    assert_rejected(service, token)


def test_attacker_key_embedded_in_jwk_header_is_rejected(service: TokenService) -> None:
    attacker = generate_jwks(["k1"])["keys"][0]
    public = {k: attacker[k] for k in ("kty", "crv", "x")}
    token = forge(header(jwk=public), claims(), ed25519_signer(attacker))
    assert_rejected(service, token)


def test_expiry_honours_leeway_and_no_more(service: TokenService) -> None:
    token = service.issue_access("user-1", SESSION_ID, "user", now=NOW)

    assert service.verify_access(token, now=NOW + TTL + LEEWAY - 1).subject == "user-1"
    with pytest.raises(TokenInvalid):
        service.verify_access(token, now=NOW + TTL + LEEWAY + 1)


def test_a_token_is_checked_once_and_still_expires(service: TokenService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its signature is checked the first time it is seen; its time, every time."""
    token = service.issue_access("user-1", SESSION_ID, "user", now=NOW)
    decoded: list[str] = []
    decode = jwt.decode

    def counted(value: str, *args: Any, **kwargs: Any) -> Any:
        decoded.append(value)
        return decode(value, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)

    for moment in (NOW, NOW + 1, NOW + TTL + LEEWAY - 1):
        assert service.verify_access(token, now=moment).subject == "user-1"
    assert decoded == [token]
    with pytest.raises(TokenInvalid):
        service.verify_access(token, now=NOW + TTL + LEEWAY + 1)
    # A refused token is not kept: one with its text changed is checked, and refused.
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for _ in range(2):
        assert_rejected(service, tampered)
    assert decoded == [token, tampered, tampered]


def test_future_nbf_is_rejected(service: TokenService, private_jwk: dict[str, Any]) -> None:
    sign = ed25519_signer(private_jwk)

    assert service.verify_access(forge(header(), claims(nbf=NOW + LEEWAY), sign), now=NOW).subject == "user-1"
    assert_rejected(service, forge(header(), claims(nbf=NOW + LEEWAY + 60), sign))


def test_future_iat_is_rejected(service: TokenService, private_jwk: dict[str, Any]) -> None:
    token = forge(header(), claims(iat=NOW + LEEWAY + 60), ed25519_signer(private_jwk))
    assert_rejected(service, token)


@pytest.mark.parametrize("missing", ["exp", "iss", "aud", "iat", "nbf", "sub", "sid", "jti", "pk"])
def test_missing_required_claim_is_rejected(service: TokenService, private_jwk: dict[str, Any], missing: str) -> None:
    token = forge(header(), claims(**{missing: None}), ed25519_signer(private_jwk))
    assert_rejected(service, token)


@pytest.mark.parametrize(
    "bad",
    [
        {"aud": "another-api"},
        {"aud": ["another-api"]},
        {"iss": "https://attacker.example"},
        {"exp": "never"},
        {"exp": True},
        {"sid": 123},
        {"sub": ""},
        {"pk": "admin"},
    ],
)
def test_wrong_claim_values_are_rejected(service: TokenService, private_jwk: dict[str, Any], bad: dict[str, Any]) -> None:
    assert_rejected(service, forge(header(), claims(**bad), ed25519_signer(private_jwk)))


def test_token_for_another_audience_or_issuer_is_rejected(jwks: dict[str, Any]) -> None:
    keyset = KeySet(jwks)
    ours = _service(keyset)
    for other in (
        _service(keyset, audience="billing-api"),
        _service(keyset, issuer="https://x"),
    ):
        assert_rejected(ours, other.issue_access("user-1", SESSION_ID, "user", now=NOW))


@pytest.mark.parametrize("typ", ["rt+jwt", "JWT", "jwt", "AT+JWT", None])
def test_wrong_typ_is_rejected(service: TokenService, private_jwk: dict[str, Any], typ: str | None) -> None:
    assert_rejected(service, forge(header(typ=typ), claims(), ed25519_signer(private_jwk)))


def test_tampered_payload_is_rejected(service: TokenService) -> None:
    head, _, signature = service.issue_access("user-1", SESSION_ID, "user", now=NOW).split(".")
    tampered = f"{head}.{_segment(claims(sub='admin-user'))}.{signature}"
    assert_rejected(service, tampered)


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c", "a.b.c.d", "..", "e30.e30.", "rt_x.y"])
def test_garbage_is_rejected(service: TokenService, token: str) -> None:
    assert_rejected(service, token)


def test_key_rotation_without_downtime() -> None:
    old_jwks = generate_jwks(["old"])
    new_jwks = generate_jwks(["new"])
    both = {"keys": old_jwks["keys"] + new_jwks["keys"]}

    before = _service(KeySet(old_jwks))
    old_token = before.issue_access("user-1", SESSION_ID, "user", now=NOW)

    # Step 1: the new key is added and made active; the old one still verifies.
    during = _service(KeySet(both, active_kid="new"))
    new_token = during.issue_access("user-1", SESSION_ID, "user", now=NOW)
    assert json.loads(_unb64(new_token.split(".")[0]))["kid"] == "new"
    assert during.verify_access(old_token, now=NOW).subject == "user-1"
    assert during.verify_access(new_token, now=NOW).subject == "user-1"
    # An instance still holding only the old key can't verify the new tokens,
    # so in a fleet the new key is first deployed verifying-only (active "old").
    assert_rejected(before, new_token)
    assert _service(KeySet(both, active_kid="old")).verify_access(new_token, now=NOW).subject == "user-1"

    # Step 2: the old key is retired.
    after = _service(KeySet(new_jwks))
    assert after.verify_access(new_token, now=NOW).subject == "user-1"
    assert_rejected(after, old_token)


class TestKeySet:
    def test_active_kid_defaults_to_the_first_key(self) -> None:
        keyset = KeySet(generate_jwks(["a", "b"]))
        assert keyset.active_kid == "a"
        assert keyset.kids == ["a", "b"]

    def test_public_jwks_holds_no_private_part(self) -> None:
        public = KeySet(generate_jwks(["a", "b"])).public_jwks()
        assert [key["kid"] for key in public["keys"]] == ["a", "b"]
        assert all("d" not in key for key in public["keys"])

    def test_repr_shows_no_key_material(self) -> None:
        jwks = generate_jwks(["a"])
        text = repr(KeySet(jwks))
        assert jwks["keys"][0]["d"] not in text
        assert jwks["keys"][0]["x"] not in text

    @pytest.mark.parametrize(
        "jwks",
        [
            {"keys": []},
            {},
            {"keys": ["not-a-key"]},
            {"keys": [OKPKey.generate_key("Ed25519").as_dict(private=True)]},  # no kid
            {"keys": [OKPKey.generate_key("Ed25519", {"kid": "a"}).as_dict(private=False)]},
            {"keys": [OKPKey.generate_key("Ed448", {"kid": "a"}).as_dict(private=True)]},
            {"keys": [ECKey.generate_key("P-256", {"kid": "a"}).as_dict(private=True)]},
            {"keys": [{**generate_jwks(["a"])["keys"][0], "alg": "HS256"}]},
            {"keys": generate_jwks(["a"])["keys"] + generate_jwks(["a"])["keys"]},
        ],
        ids=[
            "empty",
            "no-keys-member",
            "not-an-object",
            "no-kid",
            "public-only",
            "ed448",
            "ec",
            "pinned-to-hs256",
            "duplicate-kid",
        ],
    )
    def test_rejects_unusable_jwks(self, jwks: dict[str, Any]) -> None:
        with pytest.raises((ValueError, TypeError)):
            KeySet(jwks)

    def test_rejects_unknown_active_kid(self) -> None:
        with pytest.raises(ValueError, match="not in the JWKS"):
            KeySet(generate_jwks(["a"]), active_kid="b")

    def test_import_error_does_not_echo_key_material(self) -> None:
        broken = {**generate_jwks(["a"])["keys"][0], "d": "not base64 !!"}
        with pytest.raises(ValueError) as caught:
            KeySet({"keys": [broken]})
        assert "not base64" not in str(caught.value)
        assert caught.value.__cause__ is None


class TestLoadKeyset:
    def test_from_inline_json(self, tmp_path: Path) -> None:
        jwks = generate_jwks(["a", "b"])
        settings = Settings(jwt_keys=json.dumps(jwks), jwt_active_kid="b")

        keyset = load_keyset(settings, dev_keys_path=tmp_path / "jwks.json")

        assert (keyset.kids, keyset.active_kid) == (["a", "b"], "b")
        assert not (tmp_path / "jwks.json").exists()

    def test_from_file(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        path.write_text(json.dumps(generate_jwks(["file-key"])))
        settings = Settings(jwt_keys=None, jwt_keys_file=str(path), jwt_active_kid=None)

        assert load_keyset(settings, dev_keys_path=tmp_path / "dev.json").kids == ["file-key"]

    def test_development_generates_once_and_persists(self, tmp_path: Path) -> None:
        settings = Settings(
            environment="development",
            jwt_keys=None,
            jwt_keys_file=None,
            jwt_active_kid=None,
        )
        path = tmp_path / ".hestami" / "jwks.json"

        first = load_keyset(settings, dev_keys_path=path)
        token = _service(first).issue_access("user-1", SESSION_ID, "user", now=NOW)
        second = load_keyset(settings, dev_keys_path=path)

        assert second.kids == first.kids
        assert _service(second).verify_access(token, now=NOW).subject == "user-1"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert list(path.parent.iterdir()) == [path]

    def test_production_without_keys_refuses_to_start(self, tmp_path: Path) -> None:
        settings = Settings(
            environment="production",
            jwt_keys=None,
            jwt_keys_file=None,
            jwt_active_kid=None,
        )
        with pytest.raises(RuntimeError, match="HESTAMI_JWT_KEYS"):
            load_keyset(settings, dev_keys_path=tmp_path / "jwks.json")
        assert not (tmp_path / "jwks.json").exists()


def test_generate_jwks_gives_private_ed25519_keys() -> None:
    keys = generate_jwks(["a", "b"])["keys"]
    assert [(k["kid"], k["kty"], k["crv"], k["alg"]) for k in keys] == [
        ("a", "OKP", "Ed25519", "EdDSA"),
        ("b", "OKP", "Ed25519", "EdDSA"),
    ]
    assert keys[0]["d"] != keys[1]["d"]
