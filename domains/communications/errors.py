"""Error codes of the communications domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class TemplateInvalid(AppError):
    """The template is not valid Jinja2 (the message says where it fails to parse)."""

    code = "TEMPLATE_INVALID"
    status = 422


class TemplateUnknownVariable(AppError):
    """The template reads a variable its kind does not have; `details.unknown`
    lists them and `details.allowed` the kind's variables."""

    code = "TEMPLATE_UNKNOWN_VARIABLE"
    status = 422


class TemplateKindTaken(Conflict):
    """The association already has a template of this kind: update it instead."""

    code = "TEMPLATE_KIND_TAKEN"


class AudienceRefMissing(AppError):
    """The audience names a unit, a committee or a vendor, and none was given."""

    code = "AUDIENCE_REF_MISSING"
    status = 422


class NoRecipients(AppError):
    """The audience reaches nobody in the association today (no current owner, tenant or member)."""

    code = "NO_RECIPIENTS"
    status = 422


class MessageNotMailable(Conflict):
    """The message is not in a state for this step: only a letter queued for
    print is mailed, only a sent email bounces."""

    code = "MESSAGE_NOT_MAILABLE"


class MessageNotUnread(Conflict):
    """The message is already marked read."""

    code = "MESSAGE_NOT_UNREAD"


class LetterNotPrinted(Conflict):
    """The message has no printed letter: it went by email, or its letter is not generated yet."""

    code = "LETTER_NOT_PRINTED"
