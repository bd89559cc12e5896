"""Long-running workflows: registered by name, started or signalled only after
the mutation that asked for it has committed.

A handler calls `ctx.start_workflow(...)` or `ctx.send(...)`; the request's
operation workflow performs those as durable DBOS steps once the effect is
committed, so a workflow is never started for a change that rolled back, and
is still started if the process dies right after the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID
from sqlalchemy.ext.asyncio import AsyncSession

from graph import hooks

WORKFLOWS: dict[str, Callable[..., Coroutine[Any, Any, Any]]] = {}
# Actor of the audit rows a workflow writes on its own (no user is acting).
SYSTEM_ACTOR = UUID(int=0)


def long_running(name: str) -> Callable[[Callable[..., Coroutine[Any, Any, Any]]], Callable[..., Coroutine[Any, Any, Any]]]:
    """Register a DBOS workflow that mutations may start by name."""

    def register(fn: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Coroutine[Any, Any, Any]]:
        workflow = DBOS.workflow(name=name)(fn)
        WORKFLOWS[name] = workflow
        return workflow

    return register


# Actions a service asked for in a transaction, to perform once it commits; kept
# on the session (`after_commit`), collected by whoever runs the transaction: the
# mutation's step hands them to its workflow (graph/runner.py), a long-running
# workflow's step returns them to be performed (`pending`).
_AFTER_COMMIT = "hestami.after_commit"


def start_after_commit(session: AsyncSession, name: str, workflow_id: str, *args: Any, recorded_in: UUID | None = None) -> None:
    """Start long-running workflow `name` once `session`'s transaction commits.
    With `recorded_in`, it is recorded in that organization's workflow runs (so
    `workflow(id:)` reads it, as a handler's `ctx.start_workflow` does); without,
    it has no run record: for the platform's own workflows, such as webhook
    deliveries, that no user reads."""
    if name not in WORKFLOWS:
        raise ValueError(f"no long-running workflow named {name!r}")
    if recorded_in is not None:
        hooks.workflow_run.call(session, recorded_in, workflow_id, name)
    actions = session.info.setdefault(_AFTER_COMMIT, [])
    actions.append({"kind": "start", "name": name, "workflow_id": workflow_id, "args": list(args)})


def send_after_commit(session: AsyncSession, workflow_id: str, topic: str, message: Any) -> None:
    """Send running workflow `workflow_id` an event once `session`'s transaction commits."""
    actions = session.info.setdefault(_AFTER_COMMIT, [])
    actions.append({"kind": "send", "workflow_id": workflow_id, "topic": topic, "message": message})


def pending(session: AsyncSession) -> list[dict[str, Any]]:
    """The after-commit actions asked for in `session`'s transaction (taken: asked once)."""
    return list(session.info.pop(_AFTER_COMMIT, []))


async def perform(actions: list[dict[str, Any]]) -> None:
    """Run the after-commit actions; inside a workflow each call is a durable step."""
    for action in actions:
        if action["kind"] == "start":
            with SetWorkflowID(action["workflow_id"]):
                await DBOS.start_workflow_async(WORKFLOWS[action["name"]], *action["args"])
        elif action["kind"] == "send":
            await DBOS.send_async(action["workflow_id"], action["message"], topic=action["topic"])
        else:
            raise ValueError(f"unknown after-commit action {action['kind']!r}")


def audit(session: AsyncSession, organization_id: UUID, operation: str, target_ids: list[str], summary: dict[str, Any]) -> None:
    """An audit row for what a long-running workflow did by itself (a request
    expired, late fees fell due), written in the workflow step's transaction."""
    hooks.audit_row.call(
        session,
        organization_id=organization_id,
        actor_kind="workflow",
        actor_id=SYSTEM_ACTOR,
        operation=operation,
        target_ids=target_ids,
        summary=summary,
    )


async def pause_for_crash_test(pause_file: str | None, environment: str, marker: str) -> None:
    """Test-only fault injection (refused outside environment=test): the first time
    a step reaches this point, touch `pause_file` and hang, so a crash test can
    SIGKILL the process exactly there; the restarted process runs through."""
    if pause_file and environment == "test":
        path = Path(pause_file)
        if not path.exists():  # noqa: ASYNC240 - a test-only stat
            path.write_text(marker)  # noqa: ASYNC240
            await asyncio.sleep(3600)
