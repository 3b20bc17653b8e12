"""The shape of every setting, checked where it enters (config file, environment, flags): a wrong
value is refused with one sentence that names it and where it came from, before anything runs.

A type alone is not enough: ``refresh_seconds = nan`` is a float, ``targets = [1, 2]`` a list,
``workflows.cd = "../../../x.yml"`` a string that would become another URL path, and
``/dev/zero`` a config file that never ends.
"""

from __future__ import annotations

import math
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from console.errors import ConfigError
from console.model.text import one_line

MAX_CONFIG_BYTES = 1 << 20  # a config file is a few hundred bytes; anything near this is not one
MAX_REFRESH_SECONDS = 24 * 3600

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a target or an environment
KEY_RE = re.compile(r"^[A-Za-z0-9_+\-]+(,[A-Za-z0-9_+\-]+)*$")  # Textual key names, comma-separated
WORKFLOW_RE = re.compile(r"^[A-Za-z0-9_.-]+\.ya?ml$")  # a file in .github/workflows, no path


def read_config_text(path: Path) -> str:
    """The file's text: a regular file, at most MAX_CONFIG_BYTES, UTF-8."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"Config file {path} is not a regular file; point GHAECR_CONSOLE_CONFIG at a .toml file.")
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"Config file {path} is {info.st_size:,} bytes, too large for a config file "
                              f"(at most {MAX_CONFIG_BYTES:,}); is it the right file?")
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)  # a file that grows while read stops here too
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {path} ({exc.strerror}).") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"Config file {path} is too large for a config file; is it the right file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"Config file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None


def check_setting(where: str, key: str, value: Any) -> None:
    """Values a type check lets through but nothing can use (``where``: the file and section)."""
    if key in ("targets", "environments"):
        for item in value:
            if not isinstance(item, str) or not NAME_RE.match(item):
                raise ConfigError(f"{where}: '{key}' must list names like \"api\", not {_shown(item)}.")
    elif key == "keys":
        for binding, keys in value.items():
            if not isinstance(keys, str) or not KEY_RE.match(keys):
                raise ConfigError(f"{where}: [keys] {binding} must be a key name such as \"ctrl+a\" or \"a,x\", "
                                  f"not {_shown(keys)}.")
    elif key == "workflows":
        for name, file in value.items():
            if not isinstance(file, str) or not WORKFLOW_RE.match(file):
                raise ConfigError(f"{where}: workflows.{name} must be a file name in .github/workflows like "
                                  f"\"cd.yml\", not {_shown(file)}.")
    elif key == "refresh_seconds":
        check_refresh(value, f"{where}: refresh_seconds")
    elif key == "prune_keep" and value < 1:
        raise ConfigError(f"{where}: prune_keep must be at least 1, not {value}.")
    elif key == "github_url":
        check_url(value, f"{where}: github_url")


def check_refresh(value: Any, source: str) -> float:
    """A refresh interval: a finite number of seconds, 1 to a day."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source} must be a number of seconds, not {_shown(value)}.") from None
    if not math.isfinite(seconds) or not 1 <= seconds <= MAX_REFRESH_SECONDS:
        raise ConfigError(f"{source} must be between 1 and {MAX_REFRESH_SECONDS} seconds, not {_shown(value)}.")
    return seconds


def check_url(url: str, source: str) -> str:
    """An http(s) URL with a host (``http://[::1`` is refused here, not deep inside httpx)."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"{source} {_shown(url)} is not a web address; use e.g. https://github.example.com/api/v3.")
    return url


def _shown(value: Any) -> str:
    return repr(one_line(value, 80)) if isinstance(value, str) else one_line(repr(value), 80)
