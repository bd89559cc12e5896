"""Email over SMTP: one message, one SMTP transaction, no database.

The MIME message is built from the outbox row alone, so every attempt sends the
same bytes but for its attempt header: above all the same `Message-ID`, derived
from the message's id (`<msg_…@domain>`). A receiver that sees that id twice
knows the second is a resend of the first.

The answer is sorted for the workflow: accepted (250 after DATA); refused for
good (a 5xx to the recipient or the data: a bounce); or a temporary failure to
try again (a 4xx, a refused or dropped connection, a timeout).
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from graph.settings import Settings

ACCEPTED, BOUNCED, DEFERRED = "accepted", "bounced", "deferred"


@dataclass(frozen=True)
class Outcome:
    """What the mail server said."""

    result: str
    detail: str


def message_id(public_id: str, settings: Settings) -> str:
    return f"<{public_id}@{settings.smtp_message_id_domain}>"


def build(envelope: dict[str, Any], settings: Settings) -> EmailMessage:
    """The MIME message of an outbox row (`envelope`: what the claim step read)."""
    mime = EmailMessage()
    mime["Message-ID"] = message_id(envelope["public_id"], settings)
    mime["Date"] = format_datetime(datetime.fromisoformat(envelope["created_at"]).astimezone(UTC))
    mime["From"] = settings.smtp_from
    mime["To"] = formataddr((envelope["name"], envelope["address"]))
    mime["Subject"] = envelope["subject"]
    # Notices, not conversation: auto-responders should not answer (RFC 3834).
    mime["Auto-Submitted"] = "auto-generated"
    mime["X-Hestami-Message"] = envelope["public_id"]
    mime["X-Hestami-Attempt"] = str(envelope["attempt"])
    mime.set_content(envelope["body"])
    return mime


def _send(mime: EmailMessage, to: str, settings: Settings) -> Outcome:
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(mime, to_addrs=[to])
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        return Outcome(BOUNCED if code >= 500 else DEFERRED, f"{code} {text.decode(errors='replace')}")
    except smtplib.SMTPResponseException as exc:
        detail = (
            f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
        )
        return Outcome(BOUNCED if exc.smtp_code >= 500 else DEFERRED, detail)
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome(DEFERRED, f"{type(exc).__name__}: {exc}"[:500])
    return Outcome(ACCEPTED, "250 accepted")


_slots: asyncio.Semaphore | None = None


async def send(envelope: dict[str, Any], settings: Settings) -> Outcome:
    """Send one outbox row; at most `smtp_concurrency` SMTP sessions at once per process."""
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(settings.smtp_concurrency)
    async with _slots:
        return await asyncio.to_thread(_send, build(envelope, settings), envelope["address"], settings)
