"""`ghaecr-console completion bash|zsh|fish`: a shell completion script generated from the parser itself,
so every command and flag the parser knows is completed and none is forgotten.

bash and zsh come from shtab; shtab has no fish back end, and fish's `complete` lines are simple enough
to write from the parser here (commands, their flags with help, the choices of a positional)."""

from __future__ import annotations

import argparse
import shlex

SHELLS = ("bash", "zsh", "fish")
PROG = "ghaecr-console"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "completion", help="print a shell completion script",
        description="Print a completion script. bash: eval \"$(ghaecr-console completion bash)\" in ~/.bashrc; "
                    "zsh: ghaecr-console completion zsh > \"${fpath[1]}/_ghaecr-console\"; "
                    "fish: ghaecr-console completion fish > ~/.config/fish/completions/ghaecr-console.fish")
    parser.add_argument("shell", choices=SHELLS)
    parser.set_defaults(handler=_completion, wiring="none")


def _completion(args: argparse.Namespace) -> int:
    parser = args.root_parser  # the whole parser, as main() built it
    if args.shell == "fish":
        print(fish_script(parser))
    else:
        import shtab  # only this command needs it

        print(shtab.complete(parser, shell=args.shell))
    return 0


def fish_script(parser: argparse.ArgumentParser) -> str:
    lines = [f"complete -c {PROG} -f"]
    lines += _options(parser, "")
    for name, sub in _subcommands(parser).items():
        lines.append(f"complete -c {PROG} -n __fish_use_subcommand -a {shlex.quote(name)} -d {_quote(sub.description or '')}")
        when = f"-n {shlex.quote('__fish_seen_subcommand_from ' + name)} "
        lines += _options(sub, when)
        for nested, leaf in _subcommands(sub).items():
            lines.append(f"complete -c {PROG} {when}-a {shlex.quote(nested)} -d {_quote(leaf.description or '')}")
    return "\n".join(lines)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser, when: str) -> list[str]:
    lines = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
            continue
        help_text = _quote((action.help or "").split("(")[0].strip())
        if not action.option_strings and action.choices:
            choices = shlex.quote(" ".join(map(str, action.choices)))
            lines.append(f"complete -c {PROG} {when}-a {choices} -d {help_text}")
        for option in action.option_strings:
            if option.startswith("--"):
                takes = "" if action.nargs == 0 else " -r"
                lines.append(f"complete -c {PROG} {when}-l {option[2:]}{takes} -d {help_text}")
    return lines


def _quote(text: str) -> str:
    return shlex.quote(text[:80])
