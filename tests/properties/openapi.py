"""Response bodies drawn from GitHub's own description of its API (tests/data/openapi/).

``body(name)`` draws what the description allows; ``body(name, loose=True)`` also draws what real
answers contain that the description does not promise: any field missing (required or not), nulls
where a value is documented, enum values GitHub adds later, huge strings, hostile unicode (control
characters, right-to-left marks, Rich markup, terminal escapes), unknown fields, and lists that
repeat an id (list endpoints page by offset, so an item created between two page reads repeats).

Only the fields the console reads are drawn at random (their names are read from the parser's
source, so a newly read field is covered without editing this file); the other fields get one fixed,
schema-valid value. That keeps a workflow run (with two full repositories inside) cheap to draw.

The vendored schemas use a small set of keywords (see KEYWORDS); ``test_openapi_generator.py``
checks that no other keyword appears and that strict bodies validate against the schemas.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "tests" / "data" / "openapi" / "github-subset.json"
PARSERS = (ROOT / "console" / "services" / "github_parse.py", ROOT / "console" / "services" / "github.py")
KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "oneOf",
            "format", "maxLength"}

# Text that has broken terminals and widgets before: markup, escapes, bidi, combining, wide, NUL.
HOSTILE = ["[bold red]x[/]", "[/]", "[link=https://x]y[/link]", "\x1b[31mred\x1b[0m", "\x1b]8;;https://x\x07",
           "\u202eevil\u202c", "e\u0301\u0301\u0301", "漢字🚀👩‍👩‍👧", "\x00\x07\x08", "line\nbreak\r\n", "\t", ""]


@cache
def subset() -> dict[str, Any]:
    return json.loads(SUBSET.read_text(encoding="utf-8"))


def schema(name: str) -> dict[str, Any]:
    return subset()["endpoints"][name]["schema"]


@cache
def read_fields() -> frozenset[str]:
    """Every field name the parsers read: d["x"], d.get("x"), .get("x") in their source."""
    names: set[str] = set()
    for path in PARSERS:
        names.update(re.findall(r"""(?:\.get\(|\[)["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    return frozenset(names)


def body(name: str, *, loose: bool = False) -> st.SearchStrategy[Any]:
    return draw_schema(schema(name), loose, depth=0)


# --- one schema node -> a strategy ------------------------------------------------------------


def draw_schema(node: dict[str, Any], loose: bool, depth: int) -> st.SearchStrategy[Any]:
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        strategy = st.one_of([draw_schema(o, loose, depth) for o in options])
    elif "enum" in node:
        strategy = st.sampled_from(node["enum"])
        if loose:  # a value GitHub added after this description was written
            strategy = st.one_of(strategy, st.sampled_from(["queued_v2", "ÜNKNOWN", "[b]new[/b]"]))
    else:
        types = node.get("type", "object")
        types = [types] if isinstance(types, str) else types
        strategy = st.one_of([_typed(t, node, loose, depth) for t in types])
    if loose:
        strategy = st.one_of(strategy, st.none()) if depth else strategy
    return strategy


def _typed(kind: str, node: dict[str, Any], loose: bool, depth: int) -> st.SearchStrategy[Any]:
    if kind == "object":
        return _object(node, loose, depth)
    if kind == "array":
        return _array(node, loose, depth)
    if kind == "string":
        return _string(node, loose)
    if kind == "integer":
        ints = st.integers(1, 2**53) if node.get("format") == "int64" else st.integers(0, 2**31 - 1)
        return st.one_of(ints, st.integers(-(2**63), 2**63)) if loose else ints
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    return st.none()


def _object(node: dict[str, Any], loose: bool, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    properties = node.get("properties") or {}
    required = set(node.get("required") or ())
    read = read_fields()
    fields: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, sub in properties.items():
        drawn = draw_schema(sub, loose, depth + 1) if name in read else st.just(canonical(sub))
        if name in required and not loose:
            fields[name] = drawn
        elif name in read or name in required:
            optional[name] = drawn  # loose: a required field may be missing too
    strategy = st.fixed_dictionaries(fields, optional=optional)
    if loose and depth:
        extra = st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=2)
        strategy = st.tuples(strategy, extra).map(lambda pair: {**pair[1], **pair[0]})
    return strategy


def _array(node: dict[str, Any], loose: bool, depth: int) -> st.SearchStrategy[list[Any]]:
    items = st.lists(draw_schema(node.get("items") or {}, loose, depth + 1), max_size=4 if depth < 2 else 2)
    if not loose:
        return items
    return items.flatmap(_maybe_repeat)


def _maybe_repeat(items: list[Any]) -> st.SearchStrategy[list[Any]]:
    """The same id twice: a copy of one item (changed a little, as a newer read would be) put back."""
    if not items:
        return st.just(items)
    index = st.integers(0, len(items) - 1)
    position = st.integers(0, len(items))

    def repeat(choice: tuple[int, int, bool]) -> list[Any]:
        i, where, repeat_it = choice
        if not repeat_it:
            return items
        copy = dict(items[i], status="completed") if isinstance(items[i], dict) else items[i]
        return [*items[:where], copy, *items[where:]]

    return st.tuples(index, position, st.booleans()).map(repeat)


def _string(node: dict[str, Any], loose: bool) -> st.SearchStrategy[str]:
    fmt = node.get("format")
    if fmt == "date-time":
        strict = st.datetimes(datetime(2008, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)).map(_iso)
        weird = st.sampled_from(["", "yesterday", "2024-13-45T99:99:99Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                 "2024-02-29T12:00:00+14:00"])
        return st.one_of(strict, weird) if loose else strict
    if fmt == "uri":
        strict = st.from_regex(r"\Ahttps://github\.example/[a-z0-9/]{0,20}\Z")
        return st.one_of(strict, st.sampled_from(["", "javascript:alert(1)", "https://x/" + "a" * 5000])) if loose else strict
    if fmt == "email":
        return st.emails()
    limit = node.get("maxLength")
    text = st.text(max_size=min(limit or 40, 40))
    if not loose:
        return text
    return st.one_of(text, st.sampled_from(HOSTILE), st.integers(1, 5).map(lambda n: "長" * (4000 * n)),
                     st.text(min_size=200, max_size=400))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- fixed values for the fields the console never reads -----------------------------------------


def canonical(node: dict[str, Any]) -> Any:
    """One simple, schema-valid value (required fields only)."""
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        return canonical(options[0])
    if "enum" in node:
        return next((v for v in node["enum"] if v is not None), None)
    types = node.get("type", "object")
    kind = types if isinstance(types, str) else next((t for t in types if t != "null"), "null")
    if kind == "object":
        props = node.get("properties") or {}
        return {name: canonical(props.get(name, {})) for name in node.get("required") or ()}
    return {"array": [], "integer": 1, "number": 1.0, "boolean": False, "null": None}.get(kind, _canonical_string(node))


def _canonical_string(node: dict[str, Any]) -> str:
    return {"date-time": _iso(datetime(2024, 1, 1) + timedelta()), "uri": "https://github.example/x",
            "email": "octocat@github.example"}.get(node.get("format", ""), "x")
