"""Communications: each association's letter templates (Jinja2's sandbox, typed
variables per kind, checked when saved, previewed with real data), messages to
its people by role through each person's channel and consent — email only with
consent, otherwise a printed letter in the print-and-mail queue — written to an
outbox in the transaction of the event that causes them and delivered over SMTP
by a DBOS workflow per message with retries, bounces and failures recorded;
announcements with audiences, a portal inbox per user, and a contact log."""

from graph.registry import Domain

domain = Domain(
    name="communications",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.message_templates",
        "operations.messages",
        "operations.announcements",
        "operations.contact_log_entries",
        "workflows",
    ),
)
