"""The service request's state map, arrow by arrow: every move it has is
allowed to whoever makes it (the requester, or the dispatch workflow carrying
the provider's answer) and refused to the other with the typed code; every
move it lacks is refused to both, naming the states allowed."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from uuid import uuid4

import pytest

from domains.service_requests.errors import IllegalServiceRequestTransition
from domains.service_requests.models import ServiceRequestActorKind
from domains.service_requests.models import ServiceRequestStatus as S
from domains.service_requests.service import requests

USER = (ServiceRequestActorKind.USER, uuid4())
WORKFLOW = (ServiceRequestActorKind.WORKFLOW, requests.WORKFLOW_ACTOR)
# Who makes each legal move.
REQUESTER_MOVES = {
    (S.REQUESTED, S.DISPATCHED),
    (S.REQUESTED, S.CANCELED),
    (S.DISPATCHED, S.CANCELED),
    (S.UNASSIGNED, S.DISPATCHED),
    (S.UNASSIGNED, S.CANCELED),
    (S.ACCEPTED, S.CANCELED),
    (S.SCHEDULED, S.CANCELED),
    (S.WORK_DONE, S.COMPLETED),
}
PROVIDER_MOVES = {
    (S.REQUESTED, S.UNASSIGNED),
    (S.DISPATCHED, S.ACCEPTED),
    (S.DISPATCHED, S.DISPATCHED),
    (S.DISPATCHED, S.UNASSIGNED),
    (S.ACCEPTED, S.SCHEDULED),
    (S.SCHEDULED, S.IN_PROGRESS),
    (S.SCHEDULED, S.SCHEDULED),
    (S.IN_PROGRESS, S.WORK_DONE),
}


def test_the_map_is_exactly_these_moves() -> None:
    legal = {(a, b) for a, nexts in requests.STATE_MAP.items() for b in nexts}
    assert legal == REQUESTER_MOVES | PROVIDER_MOVES
    assert {S.COMPLETED, S.CANCELED} == requests.TERMINAL


@pytest.mark.parametrize(("before", "to"), sorted(itertools.product(S, S)))
def test_each_move(before: S, to: S) -> None:
    request = SimpleNamespace(status=before)
    for actor, mine in ((USER, REQUESTER_MOVES), (WORKFLOW, REQUESTER_MOVES | PROVIDER_MOVES)):
        if (before, to) in mine:
            requests.check(request, to, actor)  # type: ignore[arg-type]
            continue
        with pytest.raises(IllegalServiceRequestTransition) as refused:
            requests.check(request, to, actor)  # type: ignore[arg-type]
        assert refused.value.code == "ILLEGAL_SERVICE_REQUEST_TRANSITION"
        assert refused.value.details["allowed"] == sorted(b.value for a, b in mine if a is before)
