"""Error codes of the governance domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class GoverningBodyNameTaken(Conflict):
    """Another body of the association has this name."""

    code = "GOVERNING_BODY_NAME_TAKEN"


class GoverningBodyDissolved(AppError):
    """A dissolved body takes no new terms or offices."""

    code = "GOVERNING_BODY_DISSOLVED"
    status = 422


class SeatsFull(AppError):
    """The term would give the body more members at once than it has seats."""

    code = "SEATS_FULL"
    status = 422


class SeatCountBelowTerms(AppError):
    """A body can't have fewer seats than it has current or future terms on some day."""

    code = "SEAT_COUNT_BELOW_TERMS"
    status = 422


class AlreadySeated(AppError):
    """The person already holds a term on this body overlapping the new one."""

    code = "ALREADY_SEATED"
    status = 422


class InvalidTerm(AppError):
    """A term (or office holding) must end after it starts."""

    code = "INVALID_TERM"
    status = 422


class TermEnded(AppError):
    """The term has already ended: its history doesn't change."""

    code = "TERM_ENDED"
    status = 409


class InvalidEarlyEnd(AppError):
    """An early end falls inside the term: after its start, before its scheduled end."""

    code = "INVALID_EARLY_END"
    status = 422


class OfficeOutsideTerm(AppError):
    """An office is held within its holder's term on the body."""

    code = "OFFICE_OUTSIDE_TERM"
    status = 422


# --- meetings -------------------------------------------------------------------


class NoticePeriodTooShort(AppError):
    """The meeting can't get the notice its rules require: it starts too soon, or the last day to send notice has passed."""

    code = "NOTICE_PERIOD_TOO_SHORT"
    status = 422


class NoticeTooEarly(AppError):
    """A membership meeting's notice can't go out more days ahead than the rules allow."""

    code = "NOTICE_TOO_EARLY"
    status = 422


class IllegalMeetingTransition(AppError):
    """The meeting's status doesn't allow this step (the state map names the steps allowed)."""

    code = "ILLEGAL_MEETING_TRANSITION"
    status = 409


class MeetingBodyMismatch(AppError):
    """Board meetings name a board, committee meetings a committee, membership meetings no body."""

    code = "MEETING_BODY_MISMATCH"
    status = 422


class QuorumNotPresent(AppError):
    """Without a quorum present, no vote is taken and no minutes are approved."""

    code = "QUORUM_NOT_PRESENT"
    status = 409


class NotEntitledToAttend(AppError):
    """The attendee doesn't bring this vote: not a current owner of the unit, not holding a proxy in force
    for it, or not a current member of the body."""

    code = "NOT_ENTITLED_TO_ATTEND"
    status = 422


class AlreadyCheckedIn(AppError):
    """This attendee is already checked in for this unit or seat."""

    code = "ALREADY_CHECKED_IN"
    status = 409


class ProxiesNotAllowed(AppError):
    """Proxies are given for membership meetings, where the association's settings allow them."""

    code = "PROXIES_NOT_ALLOWED"
    status = 422


class ProxyAlreadyGiven(AppError):
    """The unit has a proxy in force for this meeting: revoke it first."""

    code = "PROXY_ALREADY_GIVEN"
    status = 409


class ProxyLocked(AppError):
    """A proxy is given or revoked only until the meeting opens."""

    code = "PROXY_LOCKED"
    status = 409


class InvalidProxyDirections(AppError):
    """A directed proxy names agenda items of its meeting that require a vote, each once; a general one names none."""

    code = "INVALID_PROXY_DIRECTIONS"
    status = 422


class ProxyDirectionMismatch(AppError):
    """A unit voting under a directed proxy votes as the proxy directs."""

    code = "PROXY_DIRECTION_MISMATCH"
    status = 422


class MotionNotOpen(AppError):
    """Votes are taken on a seconded motion whose vote is open."""

    code = "MOTION_NOT_OPEN"
    status = 409


class VoterNotPresent(AppError):
    """Only a unit (or seat) present at the meeting votes."""

    code = "VOTER_NOT_PRESENT"
    status = 422


class AlreadyVoted(AppError):
    """A unit (or seat) votes once on a motion; a unit votes once in an election."""

    code = "ALREADY_VOTED"
    status = 409


class MinutesLocked(AppError):
    """The meeting's minutes are approved: they are permanent and take no new version."""

    code = "MINUTES_LOCKED"
    status = 409


class MinutesNotApprovable(AppError):
    """Minutes are approved at a later meeting of the same body (or of the members), in session, not at their own."""

    code = "MINUTES_NOT_APPROVABLE"
    status = 422


# --- elections ---------------------------------------------------------------


class IllegalElectionTransition(AppError):
    """The election can't make that move from where it is (the state map allows others)."""

    code = "ILLEGAL_ELECTION_TRANSITION"
    status = 409


class CumulativeVotingNotAllowed(AppError):
    """The association's meeting settings don't allow cumulative voting."""

    code = "CUMULATIVE_VOTING_NOT_ALLOWED"
    status = 422


class InvalidElectionWindow(AppError):
    """Nominations close in the future and voting closes after them; the winners' terms end after they start."""

    code = "INVALID_ELECTION_WINDOW"
    status = 422


class InspectorNotEligible(AppError):
    """The inspector of elections is a person with a login to the organization, and stands for nothing in the election."""

    code = "INSPECTOR_NOT_ELIGIBLE"
    status = 422


class AlreadyNominated(Conflict):
    """The person is already a candidate in this election."""

    code = "ALREADY_NOMINATED"


class NotEntitledToVote(AppError):
    """The caller is neither a current owner of the unit nor the holder of its proxy in force for the election's meeting."""

    code = "NOT_ENTITLED_TO_VOTE"
    status = 403


class InvalidBallot(AppError):
    """A ballot names candidates of the election, each once, with whole votes adding up to no more than the seats
    (plurality: one vote each)."""

    code = "INVALID_BALLOT"
    status = 422


class TallyTied(AppError):
    """Candidates tie for the last seat: the governing documents' tie-break (a runoff, lots) decides, not the count."""

    code = "TALLY_TIED"
    status = 409


class ElectionNotOpen(AppError):
    """The election isn't at the stage this needs (nominations, voting or the count)."""

    code = "ELECTION_NOT_OPEN"
    status = 409
