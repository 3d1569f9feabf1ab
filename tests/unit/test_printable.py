"""The one check for names and labels, and the one filter for what reaches a terminal."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.export.native import FormatError, parse_native_line
from annotations.text import (
    BIDI_CONTROL_NAMES,
    BIDI_CONTROL_PICTURES,
    check_name,
    printable,
    printable_json,
)

# Everything a terminal acts on, or that reorders the text after it.
TERMINAL_ACTIVE = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list(BIDI_CONTROL_NAMES)
)


@pytest.mark.parametrize(
    "name",
    [
        "sara",
        "سارة",
        "Omar Al-Khatib",
        "\u2068سارة\u2069 B.",  # a paired isolate keeps a mixed name in one piece
        "\u2066a\u2067b\u2069c\u2069",  # nested pairs
        "a\u200fb\u200dc",  # marks and joiners are not controls
    ],
)
def test_good_names_pass(name: str) -> None:
    assert check_name(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("\x1b]0;pwned\x07", "control character U+001B (ESC) at character 1"),
        ("ab\x07", "control character U+0007 (BEL) at character 3"),
        ("a\x9b31m", "control character U+009B (CSI) at character 2"),
        ("a\x7f", "control character U+007F (DEL) at character 2"),
        ("a\x85b", "control character U+0085 (NEL) at character 2"),
        ("two\nlines", "control character U+000A (LF) at character 4"),
        ("a\u2028b", "line separator U+2028 at character 2"),
        ("txet\u202edesrever", "bidi control U+202E (RLO) at character 5"),
        ("\u202aa\u202c", "bidi control U+202A (LRE) at character 1"),
        ("a\u202c", "bidi control U+202C (PDF) at character 2"),
        ("\u2068open", "bidi control U+2068 (FSI) at character 1 is never closed by a PDI"),
        ("x\u2069", "bidi control U+2069 (PDI) at character 2 closes no isolate"),
        ("\u2069\u2066", "bidi control U+2069 (PDI) at character 1 closes no isolate"),
    ],
)
def test_bad_names_say_why(name: str, reason: str) -> None:
    assert check_name(name) == reason


def test_multiline_text_may_hold_tabs_and_newlines_only() -> None:
    assert check_name("one\n\ttwo", multiline=True) is None
    assert check_name("one\n\x1b[2J", multiline=True) == (
        "control character U+001B (ESC) at character 5"
    )


def test_printable_shows_bidi_controls_as_pictures() -> None:
    shown = printable("a\u202eb\u2066c\u2069\u202ad\u202c")
    assert shown == "a⇇b⇥c⤒⇢d⇡"
    assert set(BIDI_CONTROL_PICTURES) == set(BIDI_CONTROL_NAMES)


def test_printable_keeps_newlines_only_when_asked() -> None:
    assert printable("a\nb\x1bc") == "a b␛c"
    assert printable("a\nb\x1bc", lines=True) == "a\nb␛c"


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_printable_never_lets_an_active_character_through(text: str) -> None:
    assert not TERMINAL_ACTIVE & set(printable(text))
    assert not TERMINAL_ACTIVE & set(printable(text, lines=True))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@settings(deadline=None, max_examples=300)
@given(json_values, st.sampled_from([None, 2]))
def test_printable_json_is_the_same_json_with_nothing_active(value: object, indent: int) -> None:
    text = printable_json(value, indent=indent)
    assert json.loads(text) == value
    assert not TERMINAL_ACTIVE & set(text)


def test_printable_json_keeps_arabic_as_text() -> None:
    text = printable_json({"title": "عنوان \x9b\u202e"})
    assert text == '{"title": "عنوان \\u009b\\u202e"}'


def native(**changes: object) -> str:
    record: dict[str, object] = {
        "format": "hashiya/1",
        "article_id": "a1",
        "title": "t",
        "source": "s",
        "published": None,
        "origin": None,
        "metadata": {},
        "text": "نص قصير",
        "annotator": "sara",
        "status": "done",
        "schema": {"name": "news", "version": "1.0"},
        "spans": [],
        "exported_at": "2026-01-01T00:00:00Z",
    }
    record.update(changes)
    return json.dumps(record)


def span(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "p1",
        "start": 0,
        "end": 2,
        "text": "نص",
        "actor": None,
        "stance": None,
        "target": None,
        "claim_type": None,
        "note": None,
        "created_at": "x",
        "updated_at": "x",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (native(annotator="\x1b]0;x\x07"), "3: annotator: control character U+001B (ESC)"),
        (
            native(spans=[span(stance="ok\u202e")]),
            "3: spans[0].stance: bidi control U+202E (RLO)",
        ),
        (
            native(spans=[span(claim_type="\x9b")]),
            "3: spans[0].claim_type: control character U+009B (CSI)",
        ),
        (
            native(spans=[span(actor={"id": "x\x07", "name_ar": None, "name_en": "X"})]),
            "3: spans[0].actor.id: control character U+0007 (BEL)",
        ),
    ],
)
def test_the_native_reader_names_the_field(line: str, message: str) -> None:
    with pytest.raises(FormatError) as info:
        parse_native_line(line, 3)
    assert str(info.value).startswith(message)
