"""What a rollback takes out of production: the commits between the release it goes back to and the
one production runs, as GitHub's compare API (``base...head``) lists them. Pure data."""

from __future__ import annotations

from dataclasses import dataclass

# GitHub's compare API lists at most 250 commits; ``total_commits`` says how many there are.
CommitLine = tuple[str, str, str]  # (sha, first line of the message, author)


@dataclass(frozen=True)
class Comparison:
    base: str
    head: str
    commits: tuple[CommitLine, ...]  # oldest first, as GitHub lists them
    total: int  # total_commits (may exceed len(commits))
    html_url: str  # the compare page on the repository's GitHub (github.com or the Enterprise host)


@dataclass(frozen=True)
class Unshipped:
    """The commits a rollback of ``targets`` un-ships (``base`` = where it goes, ``head`` = what
    production runs), or, with ``comparison`` None, why they cannot be listed (``note``)."""

    targets: tuple[str, ...]
    base: str | None
    head: str | None
    comparison: Comparison | None = None
    note: str = ""
