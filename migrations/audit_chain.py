"""What the audit hash covers, shared by the trigger and the verifier (0003, 0005)."""


def row_text(prefix: str) -> str:
    """The hashed text of an audit row; timestamps as epoch seconds so the
    session's TimeZone can't change a hash."""
    p = prefix
    return f"""concat_ws('|', {p}prev_hash, {p}id, {p}organization_id, {p}actor_kind, {p}actor_id, {p}operation,
    array_to_string({p}target_ids, ','), {p}idempotency_key, {p}trace_id, {p}summary::text,
    extract(epoch FROM {p}occurred_at)::text)"""
