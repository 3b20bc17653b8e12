"""The action registry: every key of the console, once.

Each `Key` names a binding id (what the config file's ``[keys]`` table remaps, e.g.
``approve = "ctrl+a"``), its default keys, the Textual action, a label, one sentence of help, where it
applies and whether the command palette offers it. The app's, run detail's and lists' bindings, the
help screen (`?`), the palette and the README's key table are all derived from ``REGISTRY`` (a test
holds the README to it), after harlequin's actions registry and posting's keymaps by binding id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import format_key

VIEWS = ("overview", "runs", "images", "environments", "approvals")
RUN = "run"  # the run detail screen (jobs, steps, log)
DIALOG = "dialog"  # the action dialogs (approve, rollback, prune)
REPOS = "repositories"  # the Repositories view (several repositories loaded)
LISTS = "lists"  # every list and log: the movement keys
EVERYWHERE = (*VIEWS, RUN)

# Where each place is described in the help screen and the README.
PLACES = {**{name: name.capitalize() for name in VIEWS}, RUN: "run detail", DIALOG: "action dialogs",
          LISTS: "every list and log", REPOS: "Repositories"}


@dataclass(frozen=True)
class Key:
    id: str  # the binding id (config file: [defaults.keys] <id> = "<key>")
    keys: str  # Textual key names, comma-separated: the first one is shown
    action: str | None  # None: a key a widget already answers to (Enter, Tab), documented only
    label: str  # footer and palette
    help: str  # one sentence: help screen, palette, README
    where: tuple[str, ...]
    footer: bool = False
    palette: bool = False  # offered by the command palette (by its label)


def _views() -> list[Key]:
    return [Key(f"view.{name}", str(n), f"app.view('{name}')", name.capitalize(), f"Show the {name.capitalize()} view",
                (*EVERYWHERE, REPOS), palette=True) for n, name in enumerate(VIEWS, start=1)]


REGISTRY: tuple[Key, ...] = (
    *_views(),
    Key("view.repositories", "0", "app.repositories", "Repositories",
        "Show the Repositories view (several repositories loaded)", (*EVERYWHERE, REPOS),
        palette=True),
    Key("view.next", "right_square_bracket", "app.next_view(1)", "Next view", "Next view (or click a tab)", VIEWS),
    Key("view.previous", "left_square_bracket", "app.next_view(-1)", "Previous view", "Previous view", VIEWS),
    Key("help", "question_mark", "app.help", "Help", "Every key, where it works, and its id", (*EVERYWHERE, DIALOG, REPOS),
        footer=True, palette=True),
    Key("palette", "colon,ctrl+p", "app.command_palette", "Commands",
        "Command palette: every command, also 'Roll back TARGET' and 'Open run CD #42'", (*EVERYWHERE, REPOS)),
    Key("filter", "slash", "app.filter", "Filter",
        "Filter the list (Enter or Esc back to it; the filter stays); elsewhere: the Images filter", VIEWS,
        footer=True),
    Key("refresh", "r", "app.refresh", "Refresh", "Refresh now (run detail: its jobs too; Repositories: every repository)",
        (*EVERYWHERE, REPOS),
        footer=True, palette=True),
    Key("open", "o", "app.open", "Open", "Open the selected run, image commit or environment in the browser",
        EVERYWHERE, palette=True),
    Key("copy", "c", "app.copy", "Copy", "Copy the selected digest or URL (OSC 52 clipboard)", EVERYWHERE,
        palette=True),
    Key("approve", "a", "app.approve", "Approve",
        "Approve or reject the selected waiting deployment (else the first one waiting)", EVERYWHERE,
        footer=True, palette=True),
    Key("rollback", "b", "app.rollback", "Roll back",
        "Roll back the selected target's production image (plan first)", VIEWS, footer=True, palette=True),
    Key("prune", "P", "app.prune", "Prune", "Prune old images (plan first)", VIEWS, palette=True),
    Key("rerun.failed", "F", "app.run_control('failed')", "Re-run failed",
        "Re-run the selected run's failed jobs (a new attempt)", ("runs", RUN), palette=True),
    Key("rerun.all", "R", "app.run_control('all')", "Re-run all", "Re-run every job of the selected run",
        ("runs", RUN), palette=True),
    Key("run.cancel", "X", "app.run_control('cancel')", "Cancel run", "Cancel the selected run", ("runs", RUN),
        palette=True),
    Key("audit", "A", "app.audit", "Audit log", "The audit log of actions taken from this console", EVERYWHERE,
        palette=True),
    Key("quit", "q", "app.quit", "Quit", "Quit (asks first while an action runs)", (*EVERYWHERE, DIALOG, REPOS),
        footer=True),
    # Run detail
    Key("run.back", "escape,backspace", "back", "Back", "Back to the list", (RUN,), footer=True),
    Key("run.log", "l", "load_log", "Log", "Load the selected job's log (Enter too)", (RUN,), footer=True),
    Key("run.search", "slash", "search", "Search log", "Search the log; Enter goes to the first match", (RUN,),
        footer=True),
    Key("run.next", "n", "next_match(1)", "Next match", "Next match of the log search", (RUN,)),
    Key("run.previous", "N", "next_match(-1)", "Prev match", "Previous match of the log search", (RUN,)),
    Key("run.failure", "e", "failure", "Failed step", "Jump to the failed step in the log", (RUN,)),
    # Every list and log (bound on the widgets, so they work wherever a list has focus)
    Key("list.up", "up,k", "cursor_up", "Up", "Move up", (LISTS,)),
    Key("list.down", "down,j", "cursor_down", "Down", "Move down", (LISTS,)),
    Key("list.page_up", "pageup", "page_up", "Page up", "Page up", (LISTS,)),
    Key("list.page_down", "pagedown", "page_down", "Page down", "Page down", (LISTS,)),
    Key("list.top", "home,g", "scroll_top", "Top", "First row", (LISTS,)),
    Key("list.bottom", "end,G", "scroll_bottom", "Bottom", "Last row", (LISTS,)),
    Key("list.select", "enter", None, "Open", "Open the selected run (run detail: the job's log; Repositories: "
        "that repository's views, an approval waiting on you: its Approvals view)", ("overview", "runs", "approvals", RUN, REPOS)),
    Key("focus.next", "tab,shift+tab", None, "Next panel", "Next / previous panel or field", (*EVERYWHERE, DIALOG)),
    # Action dialogs
    Key("dialog.close", "escape", "close", "Close", "Close (while an action runs: press twice)", (DIALOG,),
        footer=True),
    Key("dialog.open", "o", "open_run", "Open run", "Open the run the action follows (CD #39) in the browser",
        (DIALOG,), footer=True),
    Key("dialog.replan", "r", "replan", "Re-plan", "Plan again on a fresh ECR listing (rollback, prune)",
        (DIALOG,), footer=True),
    Key("dialog.direct", "ctrl+d", "direct", "Break-glass", "Break-glass: the same change with boto3 (confirmed "
        "twice)", (DIALOG,), footer=True),
)

BY_ID = {key.id: key for key in REGISTRY}


def _binding(key: Key) -> Binding:
    action = key.action or ""
    # Bindings that live on the App drop the "app." prefix (it names the namespace for palette callbacks).
    return Binding(key.keys, action.removeprefix("app."), key.label, id=key.id, show=key.footer)


def bindings(*ids: str) -> list[BindingType]:
    return [_binding(BY_ID[i]) for i in ids]


def app_bindings(*ids: str) -> list[BindingType]:
    """App keys bound again on a modal screen: Textual looks no further than a modal for bindings."""
    return [Binding(BY_ID[i].keys, BY_ID[i].action or "", BY_ID[i].label, id=i, show=BY_ID[i].footer) for i in ids]


def bindings_for(place: str) -> list[BindingType]:
    """The bindings of one place: the App's (views and run detail), run detail's, lists', dialogs'."""
    if place == "app":
        return [_binding(k) for k in REGISTRY if k.action and k.action.startswith("app.")]
    return [_binding(k) for k in REGISTRY if k.action and not k.action.startswith("app.") and place in k.where]


def keys_of(key: Key, keymap: dict[str, str]) -> list[str]:
    """A key's Textual key names after the user's remapping."""
    return [k.strip() for k in keymap.get(key.id, key.keys).split(",") if k.strip()]


# Key names the footer and help spell out (Textual's own glyphs, ⏎ and ⌫, are missing from some fonts).
NAMES = {"escape": "Esc", "enter": "Enter", "backspace": "Backspace", "pageup": "PgUp", "pagedown": "PgDn",
         "home": "Home", "end": "End", "tab": "Tab", "shift+tab": "Shift+Tab", "space": "Space"}


def key_display(key: str) -> str:
    """How a key is shown everywhere (GhaecrApp.get_key_display uses it): `?`, `ctrl+p`, `Esc`, `↑`."""
    return NAMES.get(key) or format_key(key)


def help_rows(keymap: dict[str, str], display: Callable[[str], str] = key_display) -> Iterable[tuple[str, ...]]:
    """(keys, what, where, id) for every registry entry, after the keymap: the help screen and README."""
    for key in REGISTRY:
        shown = " ".join(display(k) for k in keys_of(key, keymap))
        where = "everywhere" if set(EVERYWHERE) <= set(key.where) else \
            "every view" if key.where == VIEWS else ", ".join(PLACES[w] for w in key.where)
        yield shown, key.help, where, key.id


def readme_table() -> str:
    """The README's key table (tests/ui/test_keys.py checks the README holds exactly this)."""
    lines = ["| key | where | what | id |", "|---|---|---|---|"]
    for shown, what, where, key_id in help_rows({}):
        keys = " ".join(f"`{k}`" for k in shown.split(" "))
        lines.append(f"| {keys} | {where} | {what} | `{key_id}` |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m console.ui.keys: print the README table
    print(readme_table())
