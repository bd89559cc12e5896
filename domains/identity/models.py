"""Users: people who log in. Global (not tenant) rows: a user exists before any organization."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from graph.db import Base, TimestampMixin, new_id
from graph.schemas import register_id


class User(TimestampMixin, Base):
    """A person who can log in and belong to several organizations."""

    __tablename__ = "users"
    __table_args__ = (Index("uq_users_email_lower", func.lower("email"), unique=True),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The user's id.")
    email: Mapped[str] = mapped_column(String(254), doc="Login email address, unique.")
    display_name: Mapped[str] = mapped_column(String(120), doc="Name shown to other members.")
    password_hash: Mapped[str] = mapped_column(String(255), doc="argon2id hash; never exposed.")


UserId = register_id(User, "usr", "user")
