from __future__ import annotations

import asyncio
import re
import threading
import time

import pytest
from argon2 import PasswordHasher

from graph.auth import passwords
from graph.auth.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from graph.errors import ValidationFailed
from graph.settings import get_settings

PASSWORD = "correct horse battery staple"


async def test_hash_is_argon2id_at_owasp_minimum_or_above() -> None:
    encoded = await hash_password(PASSWORD)

    match = re.fullmatch(
        r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+",
        encoded,
    )
    assert match, encoded
    memory, time_cost, parallelism = map(int, match.groups())
    assert memory >= 19456
    assert time_cost >= 2
    assert parallelism >= 1


async def test_hashes_are_salted() -> None:
    assert await hash_password(PASSWORD) != await hash_password(PASSWORD)


async def test_verify_accepts_the_password_and_rejects_others() -> None:
    encoded = await hash_password(PASSWORD)

    assert await verify_password(encoded, PASSWORD)
    assert not await verify_password(encoded, PASSWORD + "!")
    assert not await verify_password(encoded, "")


async def test_malformed_stored_hash_denies_instead_of_raising() -> None:
    assert not await verify_password("not-a-hash", PASSWORD)


@pytest.mark.parametrize("password", ["x" * 9, "", "x" * 257])
async def test_policy_rejects_length(password: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await hash_password(password)
    assert caught.value.field == ["password"]


@pytest.mark.parametrize("password", ["x" * 10, "x" * 256, "ü" * 10])
async def test_policy_accepts_bounds(password: str) -> None:
    assert await verify_password(await hash_password(password), password)


async def test_needs_rehash_for_weaker_parameters_only() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)

    assert needs_rehash(weak)
    assert not needs_rehash(await hash_password(PASSWORD))


async def test_dummy_verify_does_the_same_work_as_a_real_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown email must cost what a wrong password costs: the dummy check runs
    the same argon2 verification against a hash with the same parameters. (Shown
    by what runs, not by timing it: tests never assert timings.)"""
    encoded = await hash_password(PASSWORD)
    params = re.compile(r"^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$")
    assert params.match(encoded).group(0) == params.match(passwords._DUMMY_HASH).group(0)  # type: ignore[union-attr]

    verified: list[str] = []
    real = passwords._hasher

    class Spy:
        def verify(self, hash_: str, password: str) -> bool:
            verified.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    assert not await verify_password(encoded, "wrong password")
    await verify_dummy("wrong password")
    assert verified == [encoded, passwords._DUMMY_HASH]


async def test_concurrent_hashing_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    class SlowHasher:
        def hash(self, password: str) -> str:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.02)
            with lock:
                running -= 1
            return "hash"

    monkeypatch.setattr(passwords, "_hasher", SlowHasher())
    limit = get_settings().max_concurrent_password_hashes

    await asyncio.gather(*(hash_password(PASSWORD) for _ in range(limit * 3)))

    assert 0 < peak <= limit
