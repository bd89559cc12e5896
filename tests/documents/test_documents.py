"""The library end to end: versions declared, uploaded to a sealed URL and
confirmed against the stored bytes (size, SHA-256, the file's type), each
refusal with its code and the refused file deleted; the file URLs refuse
forgeries, other methods and oversized uploads; who reads what by visibility
(owners apart from tenants); retention, in the application and in the database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import text

from graph.db import scoped_transaction
from graph.ids import decode
from tests.documents.library import PDF, PNG, declared, file, open_library, transfer, upload
from tests.tenancy.conftest import CHECK_VIOLATION, INSUFFICIENT_PRIVILEGE, sqlstate
from tests.violations.enforcement import code

STORED = (200, 204)  # S3 answers a PUT 200, the local store 204


async def test_versions_are_confirmed_against_the_stored_bytes_and_earlier_ones_stay(api, store) -> None:
    lib = await open_library(api)
    e = lib.e
    document = await file(api, e.manager, e.association, title="Annual meeting minutes 2026")
    assert (document["retentionClass"], document["retainUntil"], document["library"]) == ("permanent", None, "association")
    first = await upload(api, e.manager, document["id"], PDF)
    second_bytes = PDF.replace(b"annual", b"ANNUAL")
    second = await upload(api, e.board, document["id"], second_bytes)
    assert [v["number"] for v in second["versions"]] == [1, 2]
    assert first["versions"][0]["sha256"] == second["versions"][0]["sha256"]
    latest = await api.call("document/v1/download", {"id": document["id"]}, lib.owner)
    assert latest["version"]["number"] == 2
    assert latest["url"].startswith("http://" if store == "s3" else "/api/v1/files/")
    got = await transfer(api, "GET", latest["url"])
    assert (got.status_code, got.content, got.headers["content-type"]) == (200, second_bytes, "application/pdf")
    older = await api.call("document/v1/download", {"id": document["id"], "number": 1}, lib.owner)
    assert (await transfer(api, "GET", older["url"])).content == PDF


async def test_each_refusal_has_its_code_and_a_refused_file_is_deleted(api, settings, store) -> None:
    lib = await open_library(api)
    e = lib.e
    document = (await file(api, e.manager, e.association))["id"]
    token = e.manager.token

    async def start(**declaration):
        body = {"id": document} | declared(PDF) | declaration
        return await api.rpc("document/v1/startUpload", body, token=token, key=uuid.uuid4().hex)

    assert code(await start(mediaType="application/x-msdownload")) == (422, "UNSUPPORTED_CONTENT_TYPE")
    assert code(await start(size=settings.document_max_bytes + 1)) == (422, "FILE_TOO_LARGE")

    async def confirm(ticket):
        return await api.rpc(
            "document/v1/confirmUpload", {"versionId": ticket["version"]["id"]}, token=token, key=uuid.uuid4().hex
        )

    ticket = (await start()).json()
    assert code(await confirm(ticket)) == (409, "UPLOAD_MISSING")
    for content, expected in (
        (PDF[:-1], "FILE_SIZE_MISMATCH"),
        (PDF[:-1] + b"X", "CHECKSUM_MISMATCH"),
    ):
        assert (await transfer(api, "PUT", ticket["uploadUrl"], content)).status_code in STORED
        assert code(await confirm(ticket)) == (422, expected)
        # The refused file is gone: confirming again finds nothing.
        assert code(await confirm(ticket)) == (409, "UPLOAD_MISSING")
    # A PNG declared as a PDF, with its own size and hash: the leading bytes tell.
    png = (await start(**declared(PNG))).json()
    assert (await transfer(api, "PUT", png["uploadUrl"], PNG)).status_code in STORED
    assert code(await confirm(png)) == (422, "FILE_TYPE_MISMATCH")
    assert code(await confirm(png)) == (409, "UPLOAD_MISSING")
    # The version is still pending: the right bytes confirm it.
    assert (await transfer(api, "PUT", ticket["uploadUrl"], PDF)).status_code in STORED
    done = await confirm(ticket)
    assert done.status_code == 200 and [v["number"] for v in done.json()["versions"]] == [1]
    assert code(await confirm(ticket)) == (409, "VERSION_NOT_PENDING")


async def test_local_file_urls_refuse_forgeries_other_methods_and_oversized_uploads(api) -> None:
    lib = await open_library(api)
    e = lib.e
    document = (await file(api, e.manager, e.association))["id"]
    ticket = await api.call("document/v1/startUpload", {"id": document} | declared(PDF), e.manager)
    url = ticket["uploadUrl"]
    mac = url.rsplit(".", 1)[1]
    forged = url.replace(mac, mac[:-2] + ("AA" if not mac.endswith("AA") else "BB"))
    assert (await api.client.put(forged, content=PDF)).status_code == 403
    assert (await api.client.get(url)).status_code == 403  # an upload token does not download
    assert (await api.client.put(url, content=PDF + b"more")).status_code == 413
    assert (await api.client.put(url, content=PDF)).status_code == 204
    confirmed = await api.call("document/v1/confirmUpload", {"versionId": ticket["version"]["id"]}, e.manager)
    link = (await api.call("document/v1/download", {"id": confirmed["id"]}, e.manager))["url"]
    assert (await api.client.put(link, content=PDF)).status_code == 403  # a download token does not upload
    assert (await api.client.get("/api/v1/files/garbage")).status_code == 403


async def test_who_reads_what(api) -> None:
    lib = await open_library(api)
    e = lib.e
    docs = {
        v: (await file(api, e.manager, e.association, visibility=v, title=v))["id"]
        for v in ("staff", "board", "owners", "residents", "public")
    }
    own = {v: (await file(api, e.manager, None, visibility=v, title=f"org {v}"))["id"] for v in ("owners", "residents")}
    expected = {
        "manager": {"staff", "board", "owners", "residents", "public"},
        "board": {"board", "owners", "residents", "public"},
        "owner": {"owners", "residents", "public"},
        "tenant": {"residents", "public"},
        "outsider": {"public"},
    }
    callers = {"manager": e.manager, "board": e.board, "owner": lib.owner, "tenant": lib.tenant, "outsider": lib.outsider}
    for name, caller in callers.items():
        listed = await api.call("document/v1/list", {"associationId": e.association}, caller)
        assert {n["title"] for n in listed["nodes"]} == expected[name], name
        for visibility, document in docs.items():
            r = await api.rpc("document/v1/get", {"id": document}, token=caller.token)
            assert (r.status_code == 200) == (visibility in expected[name]), (name, visibility, r.text)
        theirs = await api.call("document/v1/list", {}, caller)
        org_expected = {
            "manager": {"org owners", "org residents"},
            "board": {"org owners", "org residents"},
            "owner": {"org owners", "org residents"},
            "tenant": {"org residents"},
            "outsider": set(),
        }[name]
        assert {n["title"] for n in theirs["nodes"]} == org_expected, name
    assert set(own)
    # Owners and tenants file for the board only (tests/documents/test_owner_filing.py), outsiders nothing.
    for caller, refusal in (
        (lib.owner, "DOCUMENT_VISIBILITY_NOT_ALLOWED"),
        (lib.tenant, "DOCUMENT_VISIBILITY_NOT_ALLOWED"),
        (lib.outsider, "FORBIDDEN"),
    ):
        r = await api.rpc(
            "document/v1/create",
            {"associationId": e.association, "category": "photos", "title": "x", "visibility": "public"},
            token=caller.token,
            key=uuid.uuid4().hex,
        )
        assert code(r) == (403, refusal)


async def test_retention_holds_a_record_until_its_date_then_destroys_its_files_and_keeps_it(api, platform) -> None:
    lib = await open_library(api)
    e = lib.e
    minutes = await file(api, e.manager, e.association)
    recent = await file(
        api, e.manager, e.association, category="financial", recordDate=(date.today() - timedelta(days=400)).isoformat()
    )
    old = await file(api, e.manager, e.association, category="financial", recordDate="2015-03-31")
    assert recent["retentionClass"] == "seven_years"
    assert old["retainUntil"] == "2022-03-31"
    short = {
        "associationId": e.association,
        "category": "minutes",
        "title": "x",
        "visibility": "board",
        "retentionClass": "three_years",
    }
    assert code(await api.rpc("document/v1/create", short, token=e.manager.token, key=uuid.uuid4().hex)) == (
        422,
        "RETENTION_SHORTENED",
    )
    await upload(api, e.manager, old["id"], PDF)
    link = (await api.call("document/v1/download", {"id": old["id"]}, e.manager))["url"]
    for held in (minutes, recent):
        r = await api.rpc("document/v1/destroy", {"id": held["id"]}, token=e.manager.token, key=uuid.uuid4().hex)
        assert code(r) == (409, "RETENTION_HOLD")
    assert code(await api.rpc("document/v1/destroy", {"id": old["id"]}, token=e.board.token, key=uuid.uuid4().hex)) == (
        403,
        "FORBIDDEN",
    )
    destroyed = await api.call("document/v1/destroy", {"id": old["id"]}, e.manager)
    assert destroyed["destroyedAt"] and [v["status"] for v in destroyed["versions"]] == ["purged"]
    assert (await api.client.get(link)).status_code == 404
    r = await api.rpc("document/v1/download", {"id": old["id"]}, token=e.manager.token)
    assert code(r) == (409, "DOCUMENT_DESTROYED")
    listed = await api.call("document/v1/list", {"associationId": e.association, "includeDestroyed": True}, e.manager)
    assert old["id"] in {n["id"] for n in listed["nodes"]}
    async with scoped_transaction(platform.sessions, decode(e.org)[1], None) as s:
        operations = (await s.execute(text("SELECT operation, target_ids FROM audit_events"))).all()
    assert [old["id"] in t for o, t in operations if o == "document/v1/destroy"] == [True]


async def test_the_database_refuses_the_app_role_early_destruction_and_deletion(api, platform) -> None:
    lib = await open_library(api)
    e = lib.e
    kept = decode((await file(api, e.manager, e.association, category="financial"))["id"])[1]
    permanent = decode((await file(api, e.manager, e.association))["id"])[1]
    old = await file(api, e.manager, e.association, category="financial", recordDate="2015-03-31")
    await api.call("document/v1/destroy", {"id": old["id"]}, e.manager)
    gone = decode(old["id"])[1]
    org = decode(e.org)[1]
    refused = {
        "destroy early": (
            f"UPDATE documents SET destroyed_at = now(), destroyed_by = gen_random_uuid() WHERE id = '{kept}'",
            CHECK_VIOLATION,
        ),
        "move the date earlier": (f"UPDATE documents SET retain_until = retain_until - 1 WHERE id = '{kept}'", CHECK_VIOLATION),
        "make a permanent record destructible": (
            f"UPDATE documents SET retain_until = '2020-01-01' WHERE id = '{permanent}'",
            CHECK_VIOLATION,
        ),
        "undo a destruction": (
            f"UPDATE documents SET destroyed_at = NULL, destroyed_by = NULL WHERE id = '{gone}'",
            CHECK_VIOLATION,
        ),
        "delete a document": (f"DELETE FROM documents WHERE id = '{kept}'", INSUFFICIENT_PRIVILEGE),
        "delete a version": (f"DELETE FROM document_versions WHERE document_id = '{gone}'", INSUFFICIENT_PRIVILEGE),
    }
    for name, (sql, state) in refused.items():
        with pytest.raises(Exception) as raised:
            async with scoped_transaction(platform.sessions, org, None) as s:
                await s.execute(text(sql))
        assert sqlstate(raised.value) == state, name
    # Moving the date later is allowed.
    async with scoped_transaction(platform.sessions, org, None) as s:
        await s.execute(text(f"UPDATE documents SET retain_until = retain_until + 365 WHERE id = '{kept}'"))


async def test_a_replayed_key_files_once_and_answers_the_same(api) -> None:
    lib = await open_library(api)
    e = lib.e
    body = {"associationId": e.association, "category": "insurance", "title": "Master policy 2026", "visibility": "board"}
    key = uuid.uuid4().hex
    first = await api.rpc("document/v1/create", body, token=e.manager.token, key=key)
    again = await api.rpc("document/v1/create", body, token=e.manager.token, key=key)
    assert first.status_code == again.status_code == 200 and first.text == again.text
    listed = await api.call("document/v1/list", {"associationId": e.association, "category": "insurance"}, e.manager)
    assert [n["id"] for n in listed["nodes"]] == [first.json()["id"]]
    # A refusal is an outcome too: replayed as it was.
    held = {"id": first.json()["id"]}
    refused = await api.rpc("document/v1/destroy", held, token=e.manager.token, key=key + "-destroy")
    replayed = await api.rpc("document/v1/destroy", held, token=e.manager.token, key=key + "-destroy")
    assert code(refused) == code(replayed) == (409, "RETENTION_HOLD") and refused.text == replayed.text


async def test_the_bucket_is_private_and_its_urls_are_presigned(api, s3_store) -> None:
    lib = await open_library(api)
    e = lib.e
    document = await file(api, e.manager, e.association)
    ticket = await api.call("document/v1/startUpload", {"id": document["id"]} | declared(PDF), e.manager)
    assert "X-Amz-Signature=" in ticket["uploadUrl"]
    assert (await transfer(api, "PUT", ticket["uploadUrl"], PDF)).status_code in STORED
    await api.call("document/v1/confirmUpload", {"versionId": ticket["version"]["id"]}, e.manager)
    link = (await api.call("document/v1/download", {"id": document["id"]}, lib.owner))["url"]
    unsigned = link.split("?", 1)[0]
    async with httpx.AsyncClient(timeout=30) as client:
        assert (await client.get(unsigned)).status_code == 403
        assert (await client.get(link)).content == PDF
