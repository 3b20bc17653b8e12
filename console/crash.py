"""Crash reports: what a bug report needs (traceback, versions), written to the state directory.

An unexpected exception is never shown as a traceback on the operator's screen; it is written here
and the screen says one line with this file's path. The report never holds a token: the known one is
replaced, and anything shaped like a GitHub or AWS secret is masked too (a traceback can quote a
header or an environment value). No local variables are written, only the stack.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from console import __version__
from console.config import state_dir

# GitHub tokens (classic and fine-grained); values after the names of AWS keys, tokens, authorization.
_SECRET = re.compile(
    r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"
    r"|((?:aws_secret_access_key|aws_session_token|authorization|token)[ \t:=\"']{1,4}(?:bearer[ \t]+)?)"
    r"(?!\[redacted\])[^\s\"',]+",
    re.IGNORECASE,
)
MASK = "[redacted]"
LIBRARIES = ("textual", "githubkit", "botocore", "httpx", "rich")
KEEP = 20  # newest reports kept; older ones are removed when a new one is written


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if len(secret) >= 8:  # a real token; a placeholder of a few letters would mask ordinary words
            text = text.replace(secret, MASK)
    return _SECRET.sub(lambda m: f"{m.group(2)}{MASK}" if m.group(2) else MASK, text)


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def report_text(error: BaseException, where: str, secrets: tuple[str, ...] = ()) -> str:
    stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    lines = [
        f"ghaecr-console {__version__} crash report",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"where: {where}",
        f"python: {sys.version.split()[0]} ({platform.platform()})",
        f"libraries: {_versions()}",
        f"error: {type(error).__name__}: {error}",
        "",
        stack,
    ]
    return redact("\n".join(lines), secrets)


def write_report(error: BaseException, where: str, secrets: tuple[str, ...] = ()) -> Path | None:
    """Write a crash report and return its path; None when the state directory cannot be written
    (the caller still says what happened, without a path)."""
    try:
        directory = state_dir()
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = directory / f"crash-{stamp}-{os.getpid()}-{id(error) % 10_000:04d}.txt"
        path.write_text(report_text(error, where, secrets), encoding="utf-8")
        for old in sorted(directory.glob("crash-*.txt"))[:-KEEP]:
            old.unlink(missing_ok=True)
        return path
    except OSError:
        return None


def one_line(error: BaseException) -> str:
    """The reason in one line for a panel or stderr: the type and the first line of the message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def where_to_find(path: Path | None) -> str:
    return f"crash report: {path}" if path else "no crash report (the state directory is not writable)"
