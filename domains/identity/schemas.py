"""API models of the identity domain, derived from its tables."""

from __future__ import annotations

from pydantic import Field

from domains.identity.models import User
from graph.schemas import ApiModel, derive

# Deliberately loose (one @, a dot in the domain): deliverability is proven by use, not regex.
EMAIL = {"email": {"pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"}}

UserRead = derive(User, "User", ["id", "email", "display_name", "created_at"])

_PASSWORD = (str, Field(min_length=10, max_length=256, description="At least 10 characters."))

AuthRegisterInput = derive(
    User,
    "AuthRegisterInput",
    ["email", "display_name"],
    doc="A new account: email, display name and password.",
    constraints=EMAIL,
    extra={"password": _PASSWORD},
    examples=[{"email": "treasurer@example.org", "displayName": "Pat Treasurer", "password": "correct horse battery"}],
)
AuthLoginInput = derive(
    User,
    "AuthLoginInput",
    ["email"],
    doc="Credentials for logging in.",
    extra={"password": (str, Field(min_length=1, max_length=256, description="The account's password."))},
    examples=[{"email": "treasurer@example.org", "password": "correct horse battery"}],
)


class AuthRefreshInput(ApiModel):
    """A refresh token to exchange for a new access token and a new refresh token."""

    refresh_token: str = Field(min_length=10, max_length=200, description="The refresh token from login or the last refresh.")


class AuthLogoutInput(ApiModel):
    """Logging out needs no input: the session of the bearer token ends."""


class AuthSession(ApiModel):
    """Tokens for a session. Send the access token as `Authorization: Bearer …`;
    when it expires, exchange the refresh token (each refresh token works once)."""

    access_token: str = Field(description="Short-lived JWT (EdDSA) for the Authorization header.")
    refresh_token: str = Field(description="Opaque, single-use token for authRefresh.")
    token_type: str = Field("Bearer", description="Always Bearer.")
    expires_in: int = Field(description="Seconds until the access token expires.")
    user: UserRead = Field(description="The logged-in user.")


class AuthLogoutResult(ApiModel):
    """Confirmation that the session ended; its tokens stop working at once."""

    revoked: bool = Field(description="True when the session was ended.")
