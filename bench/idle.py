"""What an idle server costs: CPU per second of a started platform doing nothing,
per thread (every replica pays it, whatever its traffic).

    .venv/bin/python -m bench.idle [--seconds 20]

Sets up like bench/nested.py (a throwaway database, migrations, `Platform.start`),
waits a few seconds for startup work to settle, then reads each thread's CPU time
from /proc over `--seconds` and prints ms of CPU per second of wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time
import uuid
from pathlib import Path

from bench.harness import run_main
from devtools import sandbox

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"


def _threads() -> dict[int, float]:
    """CPU seconds per native thread id of this process."""
    out: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


async def main(args: argparse.Namespace) -> None:
    sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=1000)
    from dbos import DBOS

    from app.discovery import load_domains
    from bench.harness import drop_redis_prefix
    from devtools.database_setup import bootstrap, drop_databases, migrate
    from graph.platform import Platform
    from graph.settings import Settings

    settings = Settings()
    await bootstrap(settings)
    platform = None
    try:
        await asyncio.to_thread(migrate, settings)
        load_domains()
        platform = await Platform.start(settings)
        await asyncio.sleep(args.settle)
        names = {t.native_id: t.name for t in threading.enumerate()}
        t0, before, cpu0 = time.monotonic(), _threads(), time.process_time()
        await asyncio.sleep(args.seconds)
        wall, after, cpu = time.monotonic() - t0, _threads(), time.process_time() - cpu0
        print(f"idle for {wall:.1f} s: {cpu * 1000 / wall:.2f} ms CPU per second in all")
        for tid, seconds in sorted(after.items(), key=lambda kv: before.get(kv[0], 0.0) - kv[1]):
            used = (seconds - before.get(tid, 0.0)) * 1000 / wall
            if used > 0:
                print(f"  {names.get(tid, f'thread {tid}'):40} {used:7.2f} ms/s")
    finally:
        if platform is not None:
            await platform.close()
            DBOS.destroy(destroy_registry=False)
        await drop_databases(settings, BENCH_DB)
        await drop_redis_prefix(settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="idle time measured (default 20)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after start before measuring (default 5)")
    run_main(main(parser.parse_args()))
