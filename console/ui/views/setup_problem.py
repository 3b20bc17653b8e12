"""What the Overview says when nothing could be loaded: the failure, then what `ghaecr-console doctor`'s
checks find (a bad token, a missing permission, an unset variable, a wrong ECR repository — each ✗
and ⚠ line with its fix), so a new user learns what to change instead of only what failed.
Every line is data (names and messages come from GitHub, AWS and the config): Text, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from console.model.checks import FAIL, OK, Check
from console.model.text import plain

DOCTOR = "ghaecr-console doctor"
SHOWN = 5  # lines that fit an 80×24 Overview beside the reason (many unset variables would push the rest off)


@dataclass(frozen=True)
class Findings:
    """What the checks found about one failure: the ✗/⚠ lines, or why the checks could not run."""

    problems: tuple[Check, ...] = ()
    note: str = ""  # the checks themselves could not run: why

    @classmethod
    def of(cls, checks: Sequence[Check]) -> Findings:
        """The ✗ lines first (what most likely stops the console), then the ⚠ ones, each in doctor's order."""
        return cls(problems=tuple(sorted((check for check in checks if check.status != OK),
                                         key=lambda check: check.status != FAIL)))


def problem_text(reason: str, findings: Findings | None) -> Text:
    """The reason, then the checks' verdict (``None``: they are still running)."""
    text = Text.assemble(("Could not load anything yet.", "bold"), "\n\n", plain(reason, lines=True), "\n\n")
    text.append_text(_verdict(findings))
    text.append_text(Text.assemble("\n\nThe console retries by itself; press ", ("r", "bold"), " to retry now."))
    return text


def _verdict(findings: Findings | None) -> Text:
    if findings is None:
        return Text(f"Checking the setup as `{DOCTOR}` does…", "italic")
    if findings.note:
        return Text(f"The setup checks ({DOCTOR}) could not run either: {plain(findings.note)}", "italic")
    failed = any(check.status == FAIL for check in findings.problems)
    text = Text(f"`{DOCTOR}` finds:", "bold") if failed else Text(
        f"✓ No check of `{DOCTOR}` fails: the setup looks right, so the failure is likely transient.", "green")
    for check in findings.problems[:SHOWN]:
        text.append("\n")
        text.append(plain(check.line()), "red" if check.status == FAIL else "yellow")
    if len(findings.problems) > SHOWN:
        text.append(f"\n… and {len(findings.problems) - SHOWN} more: `{DOCTOR}` lists them all.", "italic")
    return text
