"""Documents tests run against both stores where a test takes `store`: the local
folder behind sealed URLs, and moto's S3 server (started by devservices)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["local", "s3"])
def store(request, platform):
    saved = platform.settings.document_storage
    platform.settings.document_storage = request.param
    yield request.param
    platform.settings.document_storage = saved


@pytest.fixture
def s3_store(platform):
    saved = platform.settings.document_storage
    platform.settings.document_storage = "s3"
    yield
    platform.settings.document_storage = saved
