"""Data from files Hashiya did not write: a nesting limit, and text that can be stored.

JSON and YAML readers accept two things the rest of Hashiya cannot keep: nesting deep
enough to exhaust Python's stack (in the parser itself, or later in `copy.deepcopy` and
comparisons), and `\\ud800`-style escapes that decode to a lone surrogate, a code point
no UTF-8 text (so no database row, file or terminal) can hold. Both are refused here with
the path of the field or the line, so a reader can say `FILE:LINE: field: reason` and go
on with the next line.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Levels of arrays and objects one value may nest. Every format Hashiya reads needs 4;
# metadata kept from other tools rarely needs 10. Python's json (and the copy and
# compare code after it) recurses once a level, and fails near 1,000.
MAX_NESTING = 100

_SURROGATE = re.compile("[\ud800-\udfff]")
# A `\uD800`..`\uDFFF` escape in raw JSON text: the only way a surrogate gets into
# decoded JSON (raw surrogates are not valid UTF-8, so decoding the bytes refused them).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class InputError(ValueError):
    """A value Hashiya will not keep. `path` names the field ("" for the whole value)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


def json_type(value: object) -> str:
    """What a JSON value is, for "expected X, got Y" messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def loads(text: str) -> Any:
    """`json.loads`, with nesting past the stack reported as InputError.

    Raises json.JSONDecodeError for text that is not JSON, as json.loads does.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError("", too_deep()) from None


def too_deep() -> str:
    return f"nested too deeply (more than {MAX_NESTING} levels)"


def field_path(parent: str, key: str | int) -> str:
    """`title`, `metadata.source`, `spans[0].note`, `metadata["a b"]`: a field, for messages."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _PLAIN_KEY.match(key):
        return f"{parent}.{key}" if parent else key
    quoted = json.dumps(key)  # escapes controls and surrogates: safe to print
    return f"{parent}[{quoted}]"


def check_nesting(value: Any, path: str = "", limit: int = MAX_NESTING) -> None:
    """Raise InputError if `value` nests arrays and objects deeper than `limit`.

    The error names the field of `value` the deep part is under (`metadata.x`, not the
    hundred indexes below it).
    """
    stack: list[tuple[Any, str | None, int]] = [(value, None, 1)]
    while stack:
        node, under, depth = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if depth > limit:
            raise InputError(path if under is None else under, too_deep())
        for key, child in items:
            if isinstance(child, dict | list):
                stack.append((child, field_path(path, key) if under is None else under, depth + 1))


def may_hold_surrogates(raw: str) -> bool:
    """Whether JSON text could decode to a lone surrogate (a cheap test on the raw text)."""
    # str.find first: most text has no `\u` at all, and it scans many times faster.
    return "\\u" in raw and _SURROGATE_ESCAPE.search(raw) is not None


def check_text(value: Any, path: str = "") -> None:
    """Raise InputError naming the first string or key holding a lone surrogate.

    A surrogate pair escape (`\\ud83d\\ude00`) decodes to one character and is fine;
    what is left is a half of a pair, which UTF-8 cannot encode.
    """
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            found = _SURROGATE.search(node)
            if found:
                raise InputError(where, _surrogate_reason(found.group()))
        elif isinstance(node, dict):
            children = []
            for key, child in node.items():
                found = _SURROGATE.search(key)
                if found:
                    raise InputError(
                        field_path(where, key), _surrogate_reason(found.group(), "key")
                    )
                children.append((child, field_path(where, key)))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(child, field_path(where, i)) for i, child in enumerate(node)]))


def _surrogate_reason(char: str, what: str = "") -> str:
    holder = f"the {what} holds " if what else ""
    return f"{holder}a lone surrogate \\u{ord(char):04x} (half of a UTF-16 pair, not a character)"


def check_value(value: Any, raw: str, path: str = "") -> None:
    """Both checks on a value parsed from `raw`; the surrogate walk only if `raw` has an
    escape that could make one."""
    check_nesting(value, path)
    if may_hold_surrogates(raw):
        check_text(value, path)


def yaml_too_deep(text: str) -> int | None:
    """The line (1-based) where YAML text nests deeper than MAX_NESTING, or None.

    PyYAML composes nodes recursively and fails with RecursionError near 300 levels; its
    parser reads events without recursing, so the depth is measured on those first.
    Raises yaml.YAMLError for text that is not YAML, as yaml.parse does.
    """
    import yaml  # here: reading JSON needs none of it

    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark.line + 1 if event.start_mark else 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None
