"""Sealing secrets that must be kept for replay but never stored in the clear.

A mutation's response is stored for idempotent replay (and DBOS checkpoints its
workflow's result). When that response carries a secret — a new API key — the
field is sealed with AES-256-GCM before it is stored anywhere and unsealed
only when a response is sent. An input field may be sealed the same way (a
secret ballot's choices): DBOS checkpoints a mutation's input beside the
principal, so it is sealed before the workflow starts, and the idempotency
key's fingerprint of such an input is keyed (`digest`), not a plain hash a
reader could match by trying every possible ballot. The keys are derived (HKDF) from the JWT signing
keys, so rotating those rotates these, and a sealed value names the key it
used: anything sealed during a rotation window still opens.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, get_args, get_origin

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel

from graph.auth.tokens import KeySet

PREFIX = "sealed:v1:"
# A sealed structured value (a list or an object), JSON inside.
JSON_PREFIX = "sealed:json:v1:"


class SealedAtRest:
    """Marker for `Annotated[T, SealedAtRest()]`: stored sealed, sent (or taken) in the clear."""


class Sealer:
    def __init__(self, keyset: KeySet) -> None:
        self._active = keyset.active_kid
        self._keys: dict[str, AESGCM] = {}
        self._macs: dict[str, bytes] = {}
        for kid in keyset.kids:
            key = keyset.verification_key(kid)
            assert key is not None
            raw = key.private_key.private_bytes_raw()  # type: ignore[union-attr]
            derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"hestami stored-response seal").derive(raw)
            self._keys[kid] = AESGCM(derived)
            self._macs[kid] = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"hestami sealed-input digest").derive(raw)

    def seal(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = self._keys[self._active].encrypt(nonce, text.encode(), self._active.encode())
        return f"{PREFIX}{self._active}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def unseal(self, token: str, prefix: str = PREFIX) -> str:
        kid, _, data = token[len(prefix) :].rpartition(":")
        raw = base64.urlsafe_b64decode(data)
        return self._keys[kid].decrypt(raw[:12], raw[12:], kid.encode()).decode()

    def digest(self, text: str) -> str:
        """A keyed digest (HMAC-SHA256 under the active key): equal texts match, and
        without the key no one can test a guess against it."""
        mac = HMAC(self._macs[self._active], SHA256())
        mac.update(text.encode())
        return mac.finalize().hex()

    def _seal_value(self, value: Any) -> str:
        if isinstance(value, str):
            return self.seal(value)
        return JSON_PREFIX + self.seal(json.dumps(value, sort_keys=True))[len(PREFIX) :]

    def _unseal_value(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(JSON_PREFIX):
            return json.loads(self.unseal(value, JSON_PREFIX))
        if isinstance(value, str) and value.startswith(PREFIX):
            return self.unseal(value)
        return value

    def seal_body(self, model: type[BaseModel], body: Any) -> Any:
        return _walk(model, body, self._seal_value)

    def unseal_body(self, model: type[BaseModel], body: Any) -> Any:
        return _walk(model, body, self._unseal_value)


def has_sealed(model: type[BaseModel]) -> bool:
    """Whether any field of the model is sealed at rest."""
    return any(any(isinstance(m, SealedAtRest) for m in info.metadata) for info in model.model_fields.values())


def _walk(model: type[BaseModel], body: Any, transform: Any) -> Any:
    """Apply `transform` to every sealed field of a request or response body (by its wire alias)."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in out or out[key] is None:
            continue
        if any(isinstance(m, SealedAtRest) for m in info.metadata):
            out[key] = transform(out[key])
            continue
        nested = _model_of(info.annotation)
        if nested is not None:
            value = out[key]
            out[key] = (
                [_walk(nested, v, transform) for v in value] if isinstance(value, list) else _walk(nested, value, transform)
            )
    return out


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation) if get_origin(annotation) else ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None
