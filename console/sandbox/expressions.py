"""GitHub Actions expressions, the subset the bundled workflows use, evaluated like the runner does.

``evaluate("github.event_name == 'push' && needs.preflight.outputs.promote == 'true'", context)``.
Literals ('text', numbers, true/false/null), property access (``a.b.c``, ``a['b']``), ``!``, ``==``,
``!=``, ``&&``, ``||`` (which return an operand, as GitHub's do), parentheses, and the functions
``startsWith``, ``endsWith``, ``contains``, ``format``, ``fromJSON``, ``toJSON``, ``join`` plus the
status functions given in ``functions`` (``success()``, ``failure()``, ``always()``,
``cancelled()``). ``interpolate`` expands every ``${{ }}`` in a string. Comparisons of strings
ignore case, as GitHub's do. Anything else raises ExpressionError (a simulator bug, not user data).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>&&|\|\||==|!=|<=|>=|[!()\[\].,<>])"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))")
_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.S)
STATUS_FUNCTIONS = ("success", "failure", "always", "cancelled")


class ExpressionError(ValueError):
    pass


def strip(expression: str) -> str:
    """The expression inside an ``if:`` (which may or may not be wrapped in ``${{ }}``)."""
    text = expression.strip()
    match = _EMBEDDED.fullmatch(text)
    return match.group(1).strip() if match else text


def uses_status_function(expression: str) -> bool:
    return any(re.search(rf"\b{name}\s*\(", expression) for name in STATUS_FUNCTIONS)


def evaluate(expression: str, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    parser = _Parser(strip(expression), context, {**_FUNCTIONS, **(functions or {})})
    value = parser.expression()
    parser.expect_end()
    return value


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", 0.0)


def interpolate(text: Any, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    """``text`` with each ``${{ expr }}`` replaced; a string that is ONE expression keeps its type."""
    if not isinstance(text, str):
        return text
    whole = _EMBEDDED.fullmatch(text.strip())
    if whole:
        return evaluate(whole.group(1), context, functions)
    return _EMBEDDED.sub(lambda m: _to_text(evaluate(m.group(1), context, functions)), text)


def _to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    return _to_text(a) == _to_text(b) if isinstance(a, str) != isinstance(b, str) else a == b


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: _to_text(args[int(m.group(1))]), template)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "startswith": lambda s, p: _to_text(s).lower().startswith(_to_text(p).lower()),
    "endswith": lambda s, p: _to_text(s).lower().endswith(_to_text(p).lower()),
    "contains": lambda hay, needle: (any(_equal(i, needle) for i in hay) if isinstance(hay, list)
                                     else _to_text(needle).lower() in _to_text(hay).lower()),
    "format": _format,
    "fromjson": lambda s: json.loads(s),
    "tojson": lambda v: json.dumps(v, indent=2),
    "join": lambda items, sep=",": _to_text(sep).join(_to_text(i) for i in (items or [])),
}


class _Parser:
    def __init__(self, text: str, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.context = context
        self.functions = {k.lower(): v for k, v in functions.items()}

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if not match:
                raise ExpressionError(f"cannot read the expression at {text[pos:pos + 20]!r}")
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (op is not None and token[1] != op):
            raise ExpressionError(f"expected {op or 'more'} in the expression")
        self.pos += 1
        return token

    def accept(self, op: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] == op:
            self.pos += 1
            return True
        return False

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise ExpressionError(f"unexpected {token[1]!r} in the expression")

    def expression(self) -> Any:
        value = self.conjunction()
        while self.accept("||"):
            right = self.conjunction()
            value = value if truthy(value) else right
        return value

    def conjunction(self) -> Any:
        value = self.comparison()
        while self.accept("&&"):
            right = self.comparison()
            value = right if truthy(value) else value
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while True:
            if self.accept("=="):
                value = _equal(value, self.unary())
            elif self.accept("!="):
                value = not _equal(value, self.unary())
            else:
                return value

    def unary(self) -> Any:
        if self.accept("!"):
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "op" and text == "(":
            value = self.expression()
            self.take(")")
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in the expression")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.accept("("):
            return self.call(text)
        return self.context.get(text)

    def call(self, name: str) -> Any:
        args = []
        if not self.accept(")"):
            args.append(self.expression())
            while self.accept(","):
                args.append(self.expression())
            self.take(")")
        function = self.functions.get(name.lower())
        if function is None:
            raise ExpressionError(f"unknown function {name}()")
        return function(*args)

    def postfix(self, value: Any) -> Any:
        while True:
            if self.accept("."):
                key = self.take()[1]
                value = value.get(key) if isinstance(value, Mapping) else None
            elif self.accept("["):
                key = self.expression()
                self.take("]")
                value = value.get(key) if isinstance(value, Mapping) else (
                    value[key] if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value) else None)
            else:
                return value
