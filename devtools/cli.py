"""`hestami`: serve, migrate, seed, export the contracts."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from graph.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.server import create_app

    settings = get_settings()
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
        access_log=False,
        loop="uvloop",
    )


def _bootstrap(_: argparse.Namespace) -> None:
    from devtools.database_setup import run_bootstrap

    run_bootstrap(get_settings())


def _migrate(_: argparse.Namespace) -> None:
    from devtools.database_setup import migrate

    migrate(get_settings())


def _seed(args: argparse.Namespace) -> None:
    from app.discovery import load_domains
    from devtools.seed import MIN_UNITS, seed

    if args.associations < 0 or args.units < MIN_UNITS:
        raise SystemExit(f"--associations must be >= 0 and --units >= {MIN_UNITS} (the demo world takes units of them)")
    # The seed writes through the domains' services, which start workflows (letters' delivery) by name.
    load_domains()
    settings = get_settings()
    asyncio.run(
        seed(
            settings,
            associations=args.associations,
            units=args.units,
            organization=args.organization,
            rng_seed=args.random_seed,
        )
    )
    asyncio.run(_start_seeded_workflows(settings))


async def _start_seeded_workflows(settings: Settings) -> None:
    """The seeded work's workflows, started under DBOS in this process; the
    server recovers those still waiting when it launches."""
    from devtools.seed import start_workflows
    from graph.platform import Platform

    platform = await Platform.start(settings)
    try:
        print(f"Workflows of the seeded work: {await start_workflows(settings)} running.")
    finally:
        # Closing cancels the ones still waiting, by design (each warns): the server resumes them.
        logging.getLogger("dbos").setLevel(logging.ERROR)
        await platform.close()


def _export_schema(args: argparse.Namespace) -> None:
    from app.schema import build_schema
    from graph.schema import sdl

    _write(args.output, sdl(build_schema(get_settings())))


def _export_openapi(args: argparse.Namespace) -> None:
    from app.discovery import load_domains
    from graph.openapi import build_openapi

    load_domains()
    _write(args.output, json.dumps(build_openapi(get_settings()), indent=2, sort_keys=False) + "\n")


def _write(output: str | None, text: str) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(output).write_text(text)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for chatty in ("alembic", "dbos"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="hestami", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="Run the API server.")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(fn=_serve)
    db = sub.add_parser("db", help="Database administration.")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("bootstrap", help="Create roles and databases (needs HESTAMI_ADMIN_DATABASE_URL).").set_defaults(
        fn=_bootstrap
    )
    sub.add_parser("migrate", help="Apply migrations as the owner role.").set_defaults(fn=_migrate)
    from devtools.seed import DEMO_ASSOCIATIONS, DEMO_UNITS, RANDOM_SEED

    seed = sub.add_parser(
        "seed",
        help="Load the demo logins and N associations x M units (idempotent); print the demo logins.",
        description="Demo logins, then --associations N associations of --units M units each (owners, "
        "residents, contact points, history) in one organization, written with COPY as the owner role. "
        "Idempotent: associations whose code exists are skipped.",
    )
    seed.add_argument(
        "--associations", type=int, default=DEMO_ASSOCIATIONS, metavar="N", help=f"associations (default {DEMO_ASSOCIATIONS})"
    )
    seed.add_argument("--units", type=int, default=DEMO_UNITS, metavar="M", help=f"units per association (default {DEMO_UNITS})")
    seed.add_argument(
        "--organization",
        metavar="ID",
        help="existing association or management-company organization (org_… or UUID); default: the demo management company",
    )
    seed.add_argument("--random-seed", type=int, default=RANDOM_SEED, help=f"data generator seed (default {RANDOM_SEED})")
    seed.set_defaults(fn=_seed)
    for name, fn, default in (
        ("export-schema", _export_schema, str(ROOT / "schema.graphql")),
        ("export-openapi", _export_openapi, str(ROOT / "openapi.json")),
    ):
        p = sub.add_parser(name, help=f"Write the contract to a file (default {Path(default).name}; '-' for stdout).")
        p.add_argument("--output", "-o", default=default)
        p.set_defaults(fn=fn)
    args = parser.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
