"""A sighting's photos are documents of the library, named by id: shown nested
on the read (those the caller may read), refused from elsewhere, and a list of
violations with photos reads flat."""

from __future__ import annotations

import uuid

from tests.documents.attached import assert_flat, assert_refused
from tests.documents.library import PNG, file, open_library, upload
from tests.violations.enforcement import day, observe

READ = """query($id: ID!) {
  violations(associationId: $id, first: 100) {
    nodes { observations { documentIds documents { id title visibility versions { number mediaType } } } }
  }
}"""


async def test_photos_are_library_documents_shown_on_the_sighting(api) -> None:
    lib = await open_library(api)
    e = lib.e
    photos = [
        await file(api, e.manager, e.association, category="photos", title=f"Lawn {i}", visibility=v)
        for i, v in enumerate(("board", "owners"))
    ]
    await upload(api, e.manager, photos[0]["id"], PNG, mediaType="image/png", filename="lawn.png")
    ids = [p["id"] for p in photos]
    logged = await observe(api, e, 0, documentIds=ids)
    assert logged["violation"]["observations"][0]["documentIds"] == ids
    (violation,) = (await api.gql(READ, {"id": e.association}, token=e.manager.token))["data"]["violations"]["nodes"]
    (sighting,) = violation["observations"]
    assert [(d["id"], d["title"]) for d in sighting["documents"]] == [(ids[0], "Lawn 0"), (ids[1], "Lawn 1")]
    assert sighting["documents"][0]["versions"] == [{"number": 1, "mediaType": "image/png"}]
    # The unit's owner reads their violation, but only the photos their visibility lets them.
    (theirs,) = (await api.gql(READ, {"id": e.association}, token=lib.owner.token))["data"]["violations"]["nodes"]
    assert theirs["observations"][0]["documentIds"] == ids
    assert [d["id"] for d in theirs["observations"][0]["documents"]] == [ids[1]]


async def test_a_photo_from_elsewhere_is_refused(api) -> None:
    lib = await open_library(api)
    e = lib.e

    async def attach(ids: list[str]):
        body = {"unitId": e.units[1], "ruleId": e.rule, "observedOn": day(-1), "description": "Weeds", "documentIds": ids}
        return await api.rpc("violation/v1/observe", body, token=e.manager.token, key=uuid.uuid4().hex)

    await assert_refused(api, e.admin, e.association, attach, ["documentIds", "0"])
    # A re-inspection's photos are checked alike, and kept with the event.
    logged = await observe(api, e, 0, observed=day(-30))
    violation = logged["violation"]["id"]
    await api.call("violation/v1/sendNotice", {"id": violation, "method": "first_class_mail", "sentOn": day(-29)}, e.manager)

    async def reinspect(ids: list[str]):
        body = {"id": violation, "inspectedOn": day(0), "cured": True, "documentIds": ids}
        return await api.rpc("violation/v1/reinspect", body, token=e.manager.token, key=uuid.uuid4().hex)

    await assert_refused(api, e.admin, e.association, reinspect, ["documentIds", "0"])
    still = await file(api, e.manager, e.association, category="photos", title="Cured")
    done = (await reinspect([still["id"]])).json()
    assert done["status"] == "closed" and done["events"][-1]["details"]["documentIds"] == [still["id"]]


async def test_violations_with_photos_read_flat(api, statements) -> None:
    lib = await open_library(api)
    e = lib.e

    async def log(unit: int) -> None:
        photos = [await file(api, e.manager, e.association, category="photos", title=f"Unit {unit}, {i}") for i in range(2)]
        await observe(api, e, unit, observed=day(-unit), documentIds=[p["id"] for p in photos])

    await log(0)

    async def more() -> None:
        await log(1)

    data = await assert_flat(api, statements, e.manager, READ, {"id": e.association}, more)
    assert [len(v["observations"][0]["documents"]) for v in data["violations"]["nodes"]] == [2, 2]
