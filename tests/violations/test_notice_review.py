"""The board's review before a notice goes out: where a rule says its notices
need it, a notice is queued, the board approves or rejects it, and only the
notice it approved is sent — once."""

from __future__ import annotations

from graph.ids import decode
from tests.violations.enforcement import LAWN, code, day, observe, open_enforcement

MAIL = {"method": "first_class_mail"}


async def test_a_notice_goes_out_only_as_the_board_approved_it(api) -> None:
    e = await open_enforcement(api, "CA", rule=LAWN | {"noticeReviewRequired": True})
    v = (await observe(api, e))["violation"]
    checks = await api.call("violation/v1/checkNotice", {"id": v["id"]} | MAIL, e.manager)
    (review,) = [c for c in checks["checks"] if c["check"] == "board_review"]
    assert (checks["ok"], review["ok"], review["code"]) == (False, False, "NOTICE_REVIEW_REQUIRED")
    r = await api.rpc("violation/v1/sendNotice", {"id": v["id"], "sentOn": day(0)} | MAIL, token=e.manager.token, key="k1")
    assert code(r) == (422, "NOTICE_REVIEW_REQUIRED")

    queued = await api.call("violation/v1/queueNotice", {"id": v["id"], "note": "Second reminder."} | MAIL, e.manager)
    assert (queued["status"], queued["noticeReview"]) == ("observed", "pending")
    assert queued["events"][-1]["kind"] == "notice_queued"
    assert queued["events"][-1]["details"]["recipients"][0]["name"] == "Owner 1"
    r = await api.rpc("violation/v1/queueNotice", {"id": v["id"]} | MAIL, token=e.manager.token, key="k2")
    assert code(r) == (409, "NOTICE_REVIEW_PENDING")
    r = await api.rpc("violation/v1/sendNotice", {"id": v["id"], "sentOn": day(0)} | MAIL, token=e.manager.token, key="k3")
    assert code(r) == (409, "NOTICE_REVIEW_PENDING")
    # The board's queue.
    queue = await api.call("violation/v1/list", {"associationId": e.association, "noticeReview": "pending"}, e.board)
    assert [n["id"] for n in queue["nodes"]] == [v["id"]]
    # Managers queue; the board answers.
    r = await api.rpc("violation/v1/reviewNotice", {"id": v["id"], "approved": True}, token=e.manager.token, key="k4")
    assert code(r) == (403, "FORBIDDEN")
    r = await api.rpc("violation/v1/reviewNotice", {"id": v["id"], "approved": False}, token=e.board.token, key="k5")
    assert code(r) == (422, "REJECTION_REASON_REQUIRED")
    rejected = await api.call("violation/v1/reviewNotice", {"id": v["id"], "approved": False, "note": "Cite the photo."}, e.board)
    assert (rejected["noticeReview"], rejected["events"][-1]["kind"]) == ("rejected", "notice_reviewed")
    r = await api.rpc("violation/v1/reviewNotice", {"id": v["id"], "approved": True}, token=e.board.token, key="k6")
    assert code(r) == (409, "NO_NOTICE_QUEUED")
    r = await api.rpc(
        "violation/v1/sendNotice",
        {"id": v["id"], "sentOn": day(0), "note": "Second reminder."} | MAIL,
        token=e.manager.token,
        key="k7",
    )
    assert code(r) == (422, "NOTICE_REVIEW_REQUIRED")
    assert not (await api.call("violation/v1/list", {"associationId": e.association, "noticeReview": "pending"}, e.board))[
        "nodes"
    ]

    # Changed and queued again, approved: it goes out as approved, not otherwise.
    await api.call("violation/v1/queueNotice", {"id": v["id"], "note": "See photo 1.", "cureDays": 10} | MAIL, e.manager)
    approved = await api.call("violation/v1/reviewNotice", {"id": v["id"], "approved": True}, e.board)
    assert approved["noticeReview"] == "approved"
    r = await api.rpc(
        "violation/v1/sendNotice",
        {"id": v["id"], "sentOn": day(0), "note": "See photo 1.", "cureDays": 20} | MAIL,
        token=e.manager.token,
        key="k8",
    )
    assert code(r) == (422, "NOTICE_REVIEW_REQUIRED")
    assert r.json()["error"]["details"]["approved"] == {"method": "first_class_mail", "cureDays": 10, "note": "See photo 1."}
    sent = await api.call(
        "violation/v1/sendNotice", {"id": v["id"], "sentOn": day(0), "note": "See photo 1.", "cureDays": 10} | MAIL, e.manager
    )
    assert (sent["status"], sent["noticeReview"], sent["cureBy"]) == ("notice_sent", None, day(10))
    queued_id = [x for x in sent["events"] if x["kind"] == "notice_queued"][-1]["id"]
    assert sent["events"][-1]["details"]["review"] == {"queuedEventId": str(decode(queued_id)[1])}
    # Spent: the notice is out, and a second one would be reviewed afresh.
    assert [x["kind"] for x in sent["events"]] == [
        "observed",
        "notice_queued",
        "notice_reviewed",
        "notice_queued",
        "notice_reviewed",
        "notice_sent",
    ]


async def test_a_rule_without_review_sends_at_once_and_may_still_be_reviewed(api) -> None:
    e = await open_enforcement(api, "CA")
    v = (await observe(api, e))["violation"]
    checks = await api.call("violation/v1/checkNotice", {"id": v["id"]} | MAIL, e.manager)
    assert checks["ok"] and "board_review" not in {c["check"] for c in checks["checks"]}
    # Asked for anyway, the review is honoured until the notice goes out.
    await api.call("violation/v1/queueNotice", {"id": v["id"]} | MAIL, e.manager)
    r = await api.rpc("violation/v1/reviewNotice", {"id": v["id"], "approved": True}, token=e.admin.token, key="a1")
    assert r.status_code == 200, r.text
    sent = await api.call("violation/v1/sendNotice", {"id": v["id"], "sentOn": day(0)} | MAIL, e.manager)
    assert (sent["status"], sent["noticeReview"]) == ("notice_sent", None)
    # Nothing queues once the notice is out.
    r = await api.rpc("violation/v1/queueNotice", {"id": v["id"]} | MAIL, token=e.manager.token, key="a2")
    assert code(r) == (409, "INVALID_VIOLATION_TRANSITION")
