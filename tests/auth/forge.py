"""Hand-built JWTs for attack tests: no library decides what is "valid" here."""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

Signer = Callable[[bytes], bytes]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segment(obj: Any) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def forge(header: dict[str, Any], claims: dict[str, Any], sign: Signer) -> str:
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def ed25519_signer(private_jwk: dict[str, Any]) -> Signer:
    return Ed25519PrivateKey.from_private_bytes(_unb64(private_jwk["d"])).sign


def hmac_signer(secret: bytes, digest: str = "sha256") -> Signer:
    return lambda message: hmac.new(secret, message, digest).digest()
