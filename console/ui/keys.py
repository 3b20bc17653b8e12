"""Every key of the console, with a binding id so `settings.keys` (binding id -> keys) can remap it.

The ids are the names users put in the config file's ``[keys]`` table, e.g. ``approve = "ctrl+a"``.
"""

from __future__ import annotations

from textual.binding import Binding

# The movement keys every scrolling list and log shares (vi letters too), hidden from the footer.
MOVES = (("up,k", "Up"), ("down,j", "Down"), ("pageup", "Page up"), ("pagedown", "Page down"),
         ("home,g", "Top"), ("end,G", "Bottom"))


def movement_bindings(up: str, down: str, page_up: str, page_down: str, top: str, bottom: str,
                      *, extra_page_down: str = "") -> list[Binding]:
    """The shared movement keys bound to a widget's own actions, in MOVES order."""
    actions = (up, down, page_up, page_down, top, bottom)
    return [Binding(keys + (f",{extra_page_down}" if extra_page_down and label == "Page down" else ""),
                    action, label, show=False)
            for (keys, label), action in zip(MOVES, actions)]


VIEWS = ("overview", "runs", "images", "environments", "approvals")

APP_BINDINGS = [
    *(Binding(str(n), f"view('{name}')", name.capitalize(), id=f"view.{name}", show=False)
      for n, name in enumerate(VIEWS, start=1)),
    Binding("right_square_bracket", "next_view(1)", "Next view", id="view.next", show=False),
    Binding("left_square_bracket", "next_view(-1)", "Previous view", id="view.previous", show=False),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("slash", "filter", "Filter", id="filter"),
    Binding("r", "refresh", "Refresh", id="refresh"),
    Binding("o", "open", "Open", id="open", show=False),
    Binding("c", "copy", "Copy", id="copy", show=False),
    Binding("a", "approve", "Approve", id="approve"),
    Binding("b", "rollback", "Roll back", id="rollback"),
    Binding("P", "prune", "Prune", id="prune", show=False),
    Binding("F", "run_control('failed')", "Re-run failed", id="rerun.failed", show=False),
    Binding("R", "run_control('all')", "Re-run all", id="rerun.all", show=False),
    Binding("X", "run_control('cancel')", "Cancel run", id="run.cancel", show=False),
    Binding("A", "audit", "Audit log", id="audit", show=False),
    Binding("colon", "command_palette", "Commands", id="palette", show=False),
    Binding("q", "quit", "Quit", id="quit"),
]

# Shown by `?` in this order, with the view each one applies to.
HELP_NOTES = {
    "view.overview": "Overview: what runs where, approvals, latest runs",
    "view.runs": "Runs: CI / CD / Security runs (Enter opens a run)",
    "view.images": "Images: ECR images by target, filter as you type",
    "view.environments": "Environments: deployments and rollback targets",
    "view.approvals": "Approvals: deployments waiting for a reviewer",
    "view.next": "Next view (or click a tab)",
    "view.previous": "Previous view",
    "help": "This help",
    "filter": "Filter the current list (Esc or Enter returns to the table)",
    "refresh": "Refresh now",
    "open": "Open the selected run / image commit / environment in the browser",
    "copy": "Copy the selected digest or URL (OSC 52 clipboard)",
    "approve": "Approve or reject the selected pending deployment",
    "rollback": "Roll back the selected target's production image",
    "prune": "Prune old images (shows the plan first)",
    "rerun.failed": "Runs / run detail: re-run the selected run's failed jobs (a new attempt)",
    "rerun.all": "Runs / run detail: re-run every job of the selected run",
    "run.cancel": "Runs / run detail: cancel the selected run",
    "audit": "Audit log of actions taken from this console",
    "palette": "Command palette (also ctrl+p)",
    "quit": "Quit",
    "run.back": "Run detail: back to the list",
    "run.log": "Run detail: load the selected job's log",
    "run.search": "Run detail: search the log",
    "run.next": "Run detail: next match",
    "run.previous": "Run detail: previous match",
    "run.failure": "Run detail: jump to the failed step",
}

TABLE_KEYS = [
    ("↑ ↓  j k", "Move the cursor"),
    ("PgUp PgDn", "Page up / down"),
    ("g G", "Top, bottom (images and logs)"),
    ("Enter", "Open the selected run"),
    ("Tab S-Tab", "Next / previous panel (S-Tab: Shift+Tab)"),
    ("ctrl+p", "Command palette: every console command, runs and targets by name"),
]


def key_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The key(s) a binding answers to after the user's keymap, in display form."""
    keys = keymap.get(binding.id or "", binding.key)
    names = {"question_mark": "?", "slash": "/", "colon": ":", "right_square_bracket": "]",
             "left_square_bracket": "[", "escape": "Esc", "backspace": "Backspace"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))
