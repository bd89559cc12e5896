"""Fixtures for the auth tests: a real Redis, with keys isolated per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from redis.asyncio import Redis


@pytest.fixture(scope="session")
def redis_url() -> str:
    return os.environ.get("HESTAMI_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def redis_prefix(redis_client: Redis) -> AsyncIterator[str]:
    """A key prefix no other test (or parallel run) uses; its keys go afterwards."""
    prefix = f"test-auth:{uuid4().hex}"
    yield prefix
    keys = [key async for key in redis_client.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis_client.delete(*keys)
