"""SQL functions the compiled read path renders values with, so Postgres writes
the JSON exactly as the resolvers serialize it (graph/compiler.py):

- `public_id(prefix, id)`: `<prefix>_<26 lowercase base32 chars>`, graph/ids.py's
  encoding of the UUID's 16 bytes (the 2 bits past the 128 are zero).
- `iso_timestamp(t)`: Python's `datetime.isoformat()` of a UTC timestamp
  (microseconds only when not zero, `+00:00`).

Both are single-expression SQL functions, so the planner inlines them: no
function call per value.

Revision ID: 0018
Revises: 0017b
"""

from alembic import op

revision = "0018"
down_revision = "0017b"
branch_labels = None
depends_on = None

_ALPHABET = "'abcdefghijklmnopqrstuvwxyz234567'"


def _base32_char(i: int) -> str:
    """The SQL for character i (0–25): bits 5i…5i+4 of the 16 bytes."""
    offset = 5 * i
    byte, bit = divmod(offset, 8)
    b = f"get_byte(uuid_send(id), {byte})"
    if byte == 15 and bit > 3:  # the last character: 3 bits and 2 of padding
        value = f"(({b} << {5 - (8 - bit)}) & 31)"
    elif bit <= 3:
        value = f"(({b} >> {3 - bit}) & 31)"
    else:
        nxt = f"get_byte(uuid_send(id), {byte + 1})"
        value = f"(((({b} << 8) | {nxt}) >> {11 - bit}) & 31)"
    return f"substr({_ALPHABET}, {value} + 1, 1)"


def upgrade() -> None:
    chars = " || ".join(_base32_char(i) for i in range(26))
    op.execute(
        f"CREATE FUNCTION public_id(prefix text, id uuid) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"AS $$ SELECT prefix || '_' || {chars} $$"
    )
    op.execute(
        "CREATE FUNCTION iso_timestamp(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$ "
        "SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        " || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN ''"
        " ELSE to_char(t AT TIME ZONE 'UTC', '.US') END || '+00:00' $$"
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION iso_timestamp(timestamptz)")
    op.execute("DROP FUNCTION public_id(text, uuid)")
