"""Use cases of the identity domain. Services never commit: the caller's
transaction does (see graph/runner.py)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.identity.errors import EmailTaken, InvalidCredentials
from domains.identity.models import User
from graph.auth.passwords import (
    check_password_policy,
    hash_password,
    verify_dummy,
    verify_password,
)
from graph.db import add_or_raise

_LOOKUP = text("SELECT set_config('app.lookup_email', lower(:email), true)")


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    """Look a user up by email: the users policy admits exactly this one row."""
    await session.execute(_LOOKUP, {"email": email})
    return await session.scalar(select(User).where(User.email == email.lower()))


async def register(session: AsyncSession, email: str, display_name: str, password: str, *, user_id: UUID) -> User:
    check_password_policy(password)
    user = User(id=user_id, email=email.lower(), display_name=display_name, password_hash=await hash_password(password))
    await add_or_raise(session, user, EmailTaken("An account with this email already exists.", field=["input", "email"]))
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    user = await find_by_email(session, email)
    if user is None:
        await verify_dummy(password)
        raise InvalidCredentials("Email or password is wrong.")
    if not await verify_password(user.password_hash, password):
        raise InvalidCredentials("Email or password is wrong.")
    return user


async def get_user(session: AsyncSession, user_id: UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise InvalidCredentials("The account no longer exists.")
    return user
