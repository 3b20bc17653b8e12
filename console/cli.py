"""Command-line entry point: argument parsing and wiring.

This is the only place that chooses the back end: real GitHub/ECR from flags, environment and the
config file, or the embedded sandbox (``--sandbox``). Every ConsoleError ends as one line on stderr
and a non-zero exit; a token never reaches the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
import traceback
from collections.abc import Awaitable, Sequence
from dataclasses import replace
from typing import Any, NoReturn

from console import __version__
from console.commands import register_all
from console.commands.flags import add_backend_flags
from console.config import Settings, build_settings, config_path, detect_repo_from_git, read_config_file
from console.errors import AuthError, ConfigError, ConsoleError, Stopped
from console.github_host import DOTCOM_TOKENS, ENTERPRISE_TOKENS, find_token, host_of, missing_token_message, remote_host
from console.model.text import one_line
from console.repositories import chosen_repos, refuse_several

PROG = "ghaecr-console"
_OWN_ALL = ("rollback",)  # subcommands whose own --all means something else (every target); `--all rollback` still works
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line instead of a traceback (or a usage block) on bad flags."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message, 300)} (see --help)\n")


class _Version(argparse.Action):
    """``--version``: ours, plus the libraries whose behaviour a bug report depends on (read only when asked)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        def of(name: str) -> str:
            try:
                return version(name)
            except PackageNotFoundError:
                return "not installed"

        libraries = ", ".join(f"{name} {of(name)}" for name in ("textual", "githubkit", "botocore"))
        print(f"{PROG} {__version__} ({libraries}; Python {sys.version.split()[0]})")
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Operator console for GitHub Actions -> AWS ECR pipelines. With no command, opens the console.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the versions of this program and of the libraries it runs on")
    add_backend_flags(parser, suppress=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    register_all(subparsers)
    for name, sub in subparsers.choices.items():
        if name not in ("config", "sandbox", "completion", "init"):
            add_backend_flags(sub, suppress=True, all_repos=name not in _OWN_ALL)
    parser.set_defaults(root_parser=parser)  # for `completion`, which describes the whole parser
    return parser


def entry() -> None:
    """The ``ghaecr-console`` executable (and ``python -m console``): main(), then exit.

    gc.freeze() first: the interpreter's last collection would otherwise scan everything still
    alive (~40 ms after listing 10,000 images) only to find nothing; reference counting, the
    flushed streams and the closed files need no collector."""
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    sandbox = None
    settings: Settings | None = None
    try:
        if args.sandbox and getattr(args, "wiring", "backend") not in ("none", "on-demand"):
            sandbox = _start_sandbox(getattr(args, "production_repo", None), _sandbox_repos(args))
        if getattr(args, "wiring", "backend") == "none":
            return args.handler(args)
        if getattr(args, "wiring", "backend") == "on-demand":  # `audit`: GitHub only if an earlier attempt needs reconciling
            return asyncio.run(_stoppable(args.handler(args, lambda: _connect(args))))
        # `images` reads ECR only: no token, so no `gh auth token` subprocess either.
        wants_token = getattr(args, "needs_token", getattr(args, "wiring", "backend") != "settings")
        every = load_all_settings(args, needs_token=wants_token)
        settings = every[0]
        refuse_several(args.command, [s.repo for s in every])
        if args.command is None:
            return _run_tui(every)
        if len(every) > 1:
            return asyncio.run(_run_several(args, every))
        return asyncio.run(_run_command(args, settings))
    except ConsoleError as exc:
        _print_error(exc.message, settings)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): not an error. Point stdout at devnull so the
        # interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        _print_error(f"unexpected failure ({type(exc).__name__}: {exc}); run again with --debug and report it.", settings)
        return 1
    finally:
        if sandbox is not None:
            sandbox.stop()


def load_settings(args: argparse.Namespace, env: dict[str, str] | None = None, *, needs_token: bool = True) -> Settings:
    """The settings of the one repository a command works on (ConfigError when several were named)."""
    every = load_all_settings(args, env, needs_token=needs_token)
    refuse_several(args.command, [s.repo for s in every])
    return every[0]


def load_all_settings(args: argparse.Namespace, env: dict[str, str] | None = None, *,
                      needs_token: bool = True) -> list[Settings]:
    """One Settings per repository named by --repo (repeatable) and --all; one for the default otherwise."""
    env = dict(os.environ if env is None else env)
    flags = {k: v for k, v in vars(args).items() if v is not None}
    file_data = read_config_file()
    named = flags.pop("repo", None) or []
    repos = chosen_repos(named, flags.pop("all_repos", False), file_data, str(config_path()))
    return [_settings_for(repo, flags, env, file_data, needs_token, from_all=bool(repo) and repo not in named)
            for repo in repos]


def _settings_for(repo: str | None, flags: dict[str, Any], env: dict[str, str], file_data: dict[str, Any],
                  needs_token: bool, *, from_all: bool = False) -> Settings:
    flags = {**flags, "repo": repo} if repo else flags
    repo = repo or env.get("GHAECR_REPO") or detect_repo_from_git()
    explicit = flags.get("github_url") or env.get("GITHUB_API_URL") or env.get("GH_HOST")
    settings = build_settings(flags, env, file_data, git_repo=repo, git_host=None if explicit else remote_host())
    if from_all:  # `config show` says where the repository came from: a section --all loaded, not a --repo
        settings = replace(settings, sources={**settings.sources, "repo": f'flag --all (config [repos."{repo}"])'})
    # The token is chosen for the host the settings point at: a github.com token never goes elsewhere.
    token = find_token(env, host_of(settings.github_url)) if needs_token else None
    return replace(settings, token=token.value, token_source=token.source) if token else settings


async def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "wiring", "backend") == "settings":
        return await args.handler(args, None, settings)
    backend = _build_backend(settings)
    try:
        return await _stoppable(args.handler(args, backend, settings))
    finally:
        await backend.aclose()


async def _run_several(args: argparse.Namespace, every: list[Settings]) -> int:
    """A command that reads several repositories (``status``): one back end per repository; a
    command wired to settings only (``config show``) gets none."""
    if getattr(args, "wiring", "backend") == "settings":
        return int(await args.several(args, None, every))
    backends = [_build_backend(settings) for settings in every]
    try:
        return await _stoppable(args.several(args, backends, every))
    finally:
        for backend in backends:
            await backend.aclose()


async def _stoppable(command: Awaitable[int]) -> int:
    """Run ``command``; SIGTERM, SIGHUP or SIGINT cancel it with the signal's name (an action in
    progress records ``interrupted`` with its run id), then the process exits 128 + the signal."""
    task = asyncio.ensure_future(command)
    loop = asyncio.get_running_loop()
    stopped: list[signal.Signals] = []

    def stop(sig: signal.Signals) -> None:
        if not stopped:  # a second signal must not cut the recording of the first short
            stopped.append(sig)
            task.cancel(f"stopped by {sig.name}")

    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop, sig)
            installed.append(sig)
        except (ValueError, RuntimeError):  # main() called off the main thread (an embedding, a test)
            pass
    try:
        return await task
    except asyncio.CancelledError:
        if stopped:
            raise Stopped(stopped[0]) from None
        raise
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _connect(args: argparse.Namespace):
    """(backend, settings) for a command that only sometimes needs them."""
    settings = load_settings(args)
    return _build_backend(settings), settings


def _build_backend(settings: Settings):
    if not settings.token:
        raise AuthError(missing_token_message(host_of(settings.github_url)))
    from console.services.backend import Backend  # imported late: githubkit is slow to import

    return Backend.from_settings(settings)


def _run_tui(every: list[Settings]) -> int:
    from console.ui.app import GhaecrApp

    if len(every) > 1:  # the Repositories view first
        from console.ui.repositories import open_repositories

        several = open_repositories(every, _build_backend)
        several.run()
        return tui_exit_code(several)
    settings = every[0]
    backend = _build_backend(settings)
    app = GhaecrApp(backend, settings)
    app.run()
    return tui_exit_code(app)


def tui_exit_code(app) -> int:
    """0 when the operator quit; after a fatal error, 1 and one line naming the crash report."""
    if app.fatal is None:
        return app.return_code or 0  # 128 + the signal when TERM/HUP stopped it
    from console import crash

    error, path = app.fatal
    reason = crash.redact(crash.one_line(error), (app.settings.token or "",))
    print(f"{PROG}: the console stopped on an unexpected error ({reason}); {crash.where_to_find(path)}. "
          "Please report it with that file.", file=sys.stderr)
    return 1


def _sandbox_repos(args: argparse.Namespace) -> list[str]:
    """The repositories --repo and --all name (none: the sandbox's own acme/shop)."""
    all_repos = getattr(args, "all_repos", False)
    return [r for r in chosen_repos(args.repo, all_repos, read_config_file() if all_repos else {}) if r]


def _start_sandbox(production_repository: str | None = None, repos: Sequence[str] = ()):
    """Start the embedded sandbox and point this process at it (environment, like `sandbox serve`).
    ``production_repository``: seed the two-repository layout (production's tags in that repository).
    Several ``repos``: one sandbox repository each, on one GitHub stand-in and one ECR."""
    try:
        from console.sandbox import Sandbox
        from console.sandbox.several import Sandboxes
    except ImportError as exc:
        raise ConfigError(f"The sandbox needs its extra: pip install 'ghaecr-console[sandbox]' ({exc.name} is missing).") from None
    sandbox = Sandboxes(repos) if len(repos) > 1 else Sandbox(production_repository=production_repository)
    sandbox.start()
    os.environ.update(sandbox.env())
    return sandbox


def _print_error(message: str, settings: Settings | None) -> None:
    """One line, whatever the message quotes (a newline or an escape in a flag is shown, not obeyed)."""
    print(f"error: {one_line(redact(message, settings), limit=400)}", file=sys.stderr)


def redact(text: str, settings: Settings | None) -> str:
    secrets = [*(os.environ.get(n) for n in (*DOTCOM_TOKENS, *ENTERPRISE_TOKENS)), settings.token if settings else None]
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "***")
    return text
