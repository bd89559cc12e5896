"""election/v1/{call,get,list,nominate,cancel,vote,voters,tally,certify,results,recount}."""

from __future__ import annotations

from domains.governance.models import Election, ElectionStatus
from domains.governance.schemas import (
    ElectionCallInput,
    ElectionCancelInput,
    ElectionCandidateRead,
    ElectionConnection,
    ElectionCount,
    ElectionIdInput,
    ElectionListInput,
    ElectionNominateInput,
    ElectionPageInput,
    ElectionRead,
    ElectionRecount,
    ElectionResultRead,
    ElectionResults,
    ElectionVoteInput,
    ElectionVoterConnection,
    ElectionVoteReceipt,
)
from domains.governance.service import elections
from graph.authz import ResourceRef, resource_attrs
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation

S = ElectionStatus


def _running(ctx: OperationContext, election: Election) -> None:
    """Start the election's workflow if it isn't running (an election loaded by
    the demo seed has none yet; a start with the id of a running or finished
    workflow changes nothing)."""
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": elections.WORKFLOW,
            "workflow_id": election.workflow_id,
            "args": [str(election.organization_id), str(election.id)],
        }
    )


def _wake(ctx: OperationContext, election: Election) -> None:
    """Wake the election's workflow after a step (starting it if need be)."""
    _running(ctx, election)
    ctx.send(election.workflow_id, elections.TOPIC, {"status": election.status.value})


@operation(
    "election/v1/call",
    input=ElectionCallInput,
    output=ElectionRead,
    kind="election",
    action="call",
    summary="Call an election",
)
async def call(ctx: OperationContext, data: ElectionCallInput) -> ElectionRead:
    """Call an election to a board's or committee's seats with its inspector of
    elections. Nominations are open at once until `nominationsCloseAt`; then the
    election's workflow fixes the candidate list and opens voting to every
    active unit with a voting weight until `votingClosesAt`, when it closes the
    ballot box. Cumulative voting only where the meeting settings allow it
    (CUMULATIVE_VOTING_NOT_ALLOWED); a window not ahead, or terms ending before
    they start, are INVALID_ELECTION_WINDOW; an inspector without a login is
    INSPECTOR_NOT_ELIGIBLE; a body of another association, or a meeting not a
    membership meeting of it, is MEETING_BODY_MISMATCH."""
    election = await elections.call(ctx.session, org(ctx), data, actor(ctx))
    await ctx.start_workflow(elections.WORKFLOW, election.workflow_id, str(election.organization_id), str(election.id))
    ctx.audit_summary = {
        "seats": election.seats_to_fill,
        "method": election.method.value,
        "nominationsCloseAt": election.nominations_close_at.isoformat(),
        "votingClosesAt": election.voting_closes_at.isoformat(),
    }
    return ElectionRead.model_validate(election)


@operation(
    "election/v1/get",
    input=ElectionIdInput,
    output=ElectionRead,
    kind="election",
    action="read",
    target=Election,
    mutates=False,
    summary="Read an election",
)
async def get_election(ctx: OperationContext, data: ElectionIdInput) -> ElectionRead:
    """One election (its candidates and results: `candidates` and `results` in GraphQL)."""
    return ElectionRead.model_validate(ctx.target)


@operation(
    "election/v1/list",
    input=ElectionListInput,
    output=ElectionConnection,
    kind="election",
    action="list",
    mutates=False,
    graphql_name="elections",
    summary="List elections",
)
async def list_elections(ctx: OperationContext, data: ElectionListInput) -> ElectionConnection:
    """Elections you may see, latest voting close first: staff and the board all
    of them, owners and residents their associations', an inspector theirs."""
    rows, page = await elections.election_page(ctx.session, data, await ctx.visible("election", "read", Election))
    return as_connection(ElectionConnection, rows, page)


@operation(
    "election/v1/nominate",
    input=ElectionNominateInput,
    output=ElectionCandidateRead,
    kind="election",
    action="nominate",
    target=Election,
    summary="Nominate a candidate",
)
async def nominate(ctx: OperationContext, data: ElectionNominateInput) -> ElectionCandidateRead:
    """Put a person forward while nominations are open (ELECTION_NOT_OPEN
    otherwise); once each (ALREADY_NOMINATED); never the inspector
    (INSPECTOR_NOT_ELIGIBLE)."""
    election = await elections.lock(ctx.session, data.id)
    candidate = await elections.nominate(ctx.session, election, data, actor(ctx))
    ctx.audit_summary = {"candidate": candidate.name}
    return ElectionCandidateRead.model_validate(candidate)


@operation(
    "election/v1/cancel",
    input=ElectionCancelInput,
    output=ElectionRead,
    kind="election",
    action="cancel",
    target=Election,
    summary="Cancel an election",
)
async def cancel(ctx: OperationContext, data: ElectionCancelInput) -> ElectionRead:
    """Cancel an election while nominations are open, with the reason
    (ILLEGAL_ELECTION_TRANSITION once voting has opened)."""
    election = await elections.lock(ctx.session, data.id)
    before = election.status
    await elections.cancel(ctx.session, election, actor(ctx), data.reason)
    _wake(ctx, election)
    ctx.audit_summary = {"from": before.value, "to": election.status.value, "reason": data.reason}
    return ElectionRead.model_validate(election)


@operation(
    "election/v1/vote",
    input=ElectionVoteInput,
    output=ElectionVoteReceipt,
    kind="election",
    action="vote",
    target=Election,
    summary="Cast a unit's secret ballot",
)
async def vote(ctx: OperationContext, data: ElectionVoteInput) -> ElectionVoteReceipt:
    """Cast the unit's ballot while voting is open (ELECTION_NOT_OPEN
    otherwise), as a current owner of the unit or the holder of its proxy in
    force for the election's meeting (NOT_ENTITLED_TO_VOTE otherwise). Once per
    unit, whoever casts it (ALREADY_VOTED). Plurality: up to as many
    candidates as seats, one vote each; cumulative: as many votes as seats,
    spread or piled on one (INVALID_BALLOT otherwise); none is a blank ballot.
    The ballot counts with the unit's voting weight and is secret: the marks
    are sealed before they are stored anywhere beside you, the receipt and the
    audit row name the unit only, and the ballot reaches the count with no key
    to it."""
    election = await elections.lock(ctx.session, data.id)
    voter = await elections.cast(ctx.session, election, data, ctx.user_id, actor(ctx), ctx.platform.sealer)
    # Not woken: the close is on its timer; only started, should the seed have left it without one.
    _running(ctx, election)
    ctx.audit_summary = {"unit": str(voter.unit_id), "byProxy": voter.proxy_id is not None}
    return ElectionVoteReceipt(election_id=election.id, unit_id=voter.unit_id, weight=voter.weight)


@operation(
    "election/v1/voters",
    input=ElectionPageInput,
    output=ElectionVoterConnection,
    kind="election",
    action="read_voters",
    target=Election,
    mutates=False,
    summary="Who voted in an election",
)
async def voters(ctx: OperationContext, data: ElectionPageInput) -> ElectionVoterConnection:
    """The turnout record: each unit that voted, who cast its ballot and when,
    in the order they voted — never how (there is nothing to link it to)."""
    rows, page = await elections.voters_page(ctx.session, data.id, data)
    return as_connection(ElectionVoterConnection, rows, page)


@operation(
    "election/v1/tally",
    input=ElectionIdInput,
    output=ElectionRead,
    kind="election",
    action="tally",
    target=Election,
    summary="Have a closed election counted",
)
async def tally(ctx: OperationContext, data: ElectionIdInput) -> ElectionRead:
    """The inspector of elections has the closed election's ballots counted
    (ILLEGAL_ELECTION_TRANSITION before the close): the election's workflow
    counts them into the results (`tallying`, then `tallied`), once, even if
    the service stops half-way."""
    election = await elections.lock(ctx.session, data.id)
    elections.move(ctx.session, election, S.TALLYING, actor(ctx), "The inspector asked for the count.")
    _wake(ctx, election)
    ctx.audit_summary = {"ballots": election.ballots_cast, "weight": str(election.weight_cast)}
    return ElectionRead.model_validate(election)


@operation(
    "election/v1/certify",
    input=ElectionIdInput,
    output=ElectionRead,
    kind="election",
    action="certify",
    target=Election,
    summary="Certify an election's results",
)
async def certify(ctx: OperationContext, data: ElectionIdInput) -> ElectionRead:
    """The inspector certifies the count (ELECTION_NOT_OPEN before it is
    tallied; TALLY_TIED when candidates tie for the last seat): each winner's
    term is filled on the body, elected, from `termStartsOn` to `termEndsOn`,
    so a board seat brings its holder the board role for exactly that term."""
    election = await elections.lock(ctx.session, data.id)
    results = await elections.certify(ctx.session, election, actor(ctx))
    _wake(ctx, election)
    ctx.audit_summary = {"elected": [str(r.candidate_id) for r in results if r.elected]}
    return ElectionRead.model_validate(election)


async def _may(ctx: OperationContext, action: str, row: Election) -> bool:
    """Whether the caller may `action` the election (no error: the answer shapes what they are shown)."""
    assert ctx.principal is not None
    ref = ResourceRef(id=str(row.id), attrs=resource_attrs(row))
    return bool((await ctx.platform.authorizer.check(ctx.principal, "election", [ref], {action}))[ref.id][action])


@operation(
    "election/v1/results",
    input=ElectionIdInput,
    output=ElectionResults,
    kind="election",
    action="read",
    target=Election,
    mutates=False,
    summary="An election's results",
)
async def results(ctx: OperationContext, data: ElectionIdInput) -> ElectionResults:
    """Each candidate's weighted votes, place and whether elected (with the seat
    filled once certified), best first. Owners and residents see them once
    certified; staff and the inspector from the count on."""
    election = ctx.target
    certified = election.status is S.CERTIFIED
    rows = await elections.results_of(ctx.session, data.id) if certified or await _may(ctx, "read_uncertified", election) else []
    return ElectionResults(election_id=data.id, certified=certified, results=[ElectionResultRead.model_validate(r) for r in rows])


@operation(
    "election/v1/recount",
    input=ElectionIdInput,
    output=ElectionRecount,
    kind="election",
    action="recount",
    target=Election,
    mutates=False,
    summary="Recount an election from its stored ballots",
)
async def recount(ctx: OperationContext, data: ElectionIdInput) -> ElectionRecount:
    """Count the stored ballots again, now, and compare with the results the
    count stored (`matches`): the results are reproducible from the ballots."""
    counts, weight = await elections.count(ctx.session, ctx.target)
    stored = {r.candidate_id: r.votes for r in await elections.results_of(ctx.session, data.id)}
    return ElectionRecount(
        election_id=data.id,
        counts=[ElectionCount(candidate_id=c, votes=v) for c, v in counts],
        weight_counted=weight,
        matches=bool(stored) and stored == dict(counts),
    )
