"""Settings: command-line options over environment over the config file over defaults.

The config file is YAML at `~/.config/hashiya/config.yaml` (platformdirs). Every key is
validated, and an error names the file, line and key in one line.
"""

from __future__ import annotations

import difflib
import getpass
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from annotations.models import MAX_ANNOTATOR
from annotations.text import check_name
from annotations.untrusted import InputError, check_text, too_deep, yaml_too_deep

APP_NAME = "hashiya"
BIDI_MODES = ("app", "terminal")
LABEL_ORDERS = ("en", "ar")  # which of a value's two names is shown first
BIDI_MARKS = ("show", "hide")


class ConfigError(ValueError):
    """A bad config file; the message is one line naming file, line and key."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    annotator: str
    schema_path: Path | None = None  # None: the bundled news schema
    bidi: str = "app"  # app: Hashiya reorders; terminal: the terminal does
    shape: bool = True  # join Arabic letters (presentation forms)
    bidi_marks: bool = True  # draw bidi embeddings, overrides and isolates as marks
    snap_to_words: bool = True  # selections grow to whole words
    show_panel: bool = True  # the passages side panel starts open
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    labels: str = "en"  # en: "Supportive · مؤيد"; ar: "مؤيد · Supportive" (LABEL_ORDERS)
    serve_users: dict[str, str] = field(default_factory=dict)  # annotator -> browser token
    config_path: Path | None = None
    keymap_lines: dict[str, int] = field(default_factory=dict)  # binding id -> config line


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "hashiya.db"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.yaml"


def default_annotator() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no user name in some containers
        return "annotator"
    return name if check_name(name) is None else "annotator"


# key -> (type, description) of what the config file may hold
CONFIG_KEYS: dict[str, tuple[type, str]] = {
    "database": (str, "path of the SQLite database"),
    "annotator": (str, "your annotator name"),
    "schema": (str, "path of a label schema YAML"),
    "bidi": (str, "app or terminal"),
    "shape": (bool, "join Arabic letters (true/false)"),
    "bidi_marks": (str, "show or hide the marks of bidi embeddings, overrides and isolates"),
    "snap_to_words": (bool, "selections grow to whole words (true/false)"),
    "show_panel": (bool, "open the passages panel at start (true/false)"),
    "keymap": (dict, "binding id -> keys, e.g. {tag: t}"),
    "labels": (str, "ar or en: which name of a label value comes first"),
    "serve": (dict, "browser access, e.g. {users: {sara: TOKEN}}"),
}

MIN_TOKEN_LENGTH = 16  # a browser token is a password: short ones are guessable


def _check_serve(where: str, value: dict[Any, Any]) -> None:
    """`serve: {users: {annotator: token}}`: every token long enough and unique."""
    unknown = [str(k) for k in value if k != "users"]
    if unknown:
        raise ConfigError(f"{where}: key 'serve': unknown key '{unknown[0]}' (known: users)")
    users = value.get("users", {})
    if not isinstance(users, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in users.items()
    ):
        raise ConfigError(f"{where}: key 'serve.users': expected annotator -> token strings")
    for name, token in users.items():
        if len(token) < MIN_TOKEN_LENGTH:
            raise ConfigError(
                f"{where}: key 'serve.users.{name}': token shorter than "
                f"{MIN_TOKEN_LENGTH} characters"
            )
    if len(set(users.values())) != len(users):
        raise ConfigError(f"{where}: key 'serve.users': two annotators share a token")


def _key_lines(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """Line numbers (1-based) of each top-level key and of each keymap entry."""
    import yaml

    lines: dict[str, int] = {}
    keymap: dict[str, int] = {}
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return lines, keymap
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[str(key.value)] = key.start_mark.line + 1
            if key.value == "keymap" and isinstance(value, yaml.MappingNode):
                for entry, _keys in value.value:
                    keymap[str(entry.value)] = entry.start_mark.line + 1
    return lines, keymap


def read_config(path: Path) -> dict[str, Any]:
    """The validated contents of a config file ({} when it does not exist)."""
    return _read_config(path)[0]


def _read_config(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The validated contents, and the line of each keymap entry."""
    try:
        if not path.exists():
            return {}, {}
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigError(f"{path}: cannot read: {reason}") from None
    import yaml  # here: with no config file the app starts without YAML

    try:
        deep_at = yaml_too_deep(text)
        if deep_at is not None:
            raise ConfigError(f"{path}:{deep_at}: {too_deep()}")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}{line}: not valid YAML: {problem}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping of keys to values")
    lines, keymap_lines = _key_lines(text)
    for key, value in data.items():
        where = f"{path}:{lines.get(str(key), 1)}"
        if key not in CONFIG_KEYS:
            known = ", ".join(CONFIG_KEYS)
            raise ConfigError(f"{where}: unknown key {_shown(key)} (known: {known})")
        kind, what = CONFIG_KEYS[key]
        if not isinstance(value, kind):
            raise ConfigError(f"{where}: key '{key}': expected {what}, got {_shown(value)}")
        if key == "bidi" and value not in BIDI_MODES:
            raise ConfigError(f"{where}: key 'bidi': expected app or terminal, got {value!r}")
        if key == "labels" and value not in LABEL_ORDERS:
            raise ConfigError(f"{where}: key 'labels': expected ar or en, got {value!r}")
        if key == "bidi_marks" and value not in BIDI_MARKS:
            raise ConfigError(f"{where}: key 'bidi_marks': expected show or hide, got {value!r}")
        if key == "serve" and isinstance(value, dict):
            _check_serve(where, value)
        elif isinstance(value, dict) and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(f"{where}: key 'keymap': expected binding id -> keys strings")
        entries = value.items() if isinstance(value, dict) else [(None, value)]
        for entry, entry_value in entries:
            entry_line = keymap_lines.get(str(entry)) if key == "keymap" else None
            entry_where = where if entry_line is None else f"{path}:{entry_line}"
            try:
                check_text([entry, entry_value])
            except InputError as exc:
                raise ConfigError(f"{entry_where}: key '{key}': {exc.reason}") from None
        _check_names(where, str(key), value)
        if key == "annotator" and isinstance(value, str):
            check_annotator(value, f"{where}: key 'annotator'")
    return data, keymap_lines


def _shown(value: Any) -> str:
    """A value from the file in a message: its repr, shortened (it may be huge)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_annotator(name: str, where: str) -> None:
    """ConfigError if `name` cannot be an annotator name (`where` starts the message)."""
    if not name.strip():
        raise ConfigError(f"{where}: an annotator name cannot be empty")
    if len(name) > MAX_ANNOTATOR:
        raise ConfigError(
            f"{where}: {len(name):,} characters long (an annotator name has at most"
            f" {MAX_ANNOTATOR})"
        )


def check_keymap(
    settings: Settings,
    binding_ids: Collection[str],
    key_problem: Callable[[str], str | None],
) -> None:
    """ConfigError for the first keymap entry naming no binding, or keys that do not exist.

    The app knows its binding ids and the key names its toolkit reads; it passes them in
    (this module never imports the UI).
    """
    for binding_id, keys in settings.keymap.items():
        line = settings.keymap_lines.get(binding_id, 1)
        where = f"{settings.config_path}:{line}: keymap"
        if binding_id not in binding_ids:
            close = difflib.get_close_matches(binding_id, sorted(binding_ids), n=3)
            hint = (
                f"did you mean {', '.join(close)}?"
                if close
                else f"known: {', '.join(sorted(binding_ids))}"
            )
            raise ConfigError(f"{where}: unknown binding id {_shown(binding_id)} ({hint})")
        problem = key_problem(keys)
        if problem is not None:
            raise ConfigError(f"{where}: {binding_id}: {problem}")


def _check_names(where: str, key: str, value: object) -> None:
    """Config values are shown on screen (annotator names, keys, paths): no control or
    bidi characters in them, nor in the keys and values of a mapping."""
    if isinstance(value, dict):
        for sub_key, sub_value in value.items():
            _check_names(where, key, sub_key)
            _check_names(where, key, sub_value)
        return
    reason = check_name(value) if isinstance(value, str) else None
    if reason is not None:
        raise ConfigError(f"{where}: {key}: {reason}")


def load_settings(
    config_path: Path | None = None,
    *,
    db_path: Path | None = None,
    annotator: str | None = None,
    schema_path: Path | None = None,
    bidi: str | None = None,
    shape: bool | None = None,
    labels: str | None = None,
    bidi_marks: str | None = None,
) -> Settings:
    """Resolve settings; arguments that are None fall back to env, config, then defaults."""
    path = config_path or default_config_path()
    config, keymap_lines = _read_config(path)
    env_db = os.environ.get("HASHIYA_DB")
    env_annotator = os.environ.get("HASHIYA_ANNOTATOR")
    config_schema = config.get("schema")
    config_db = config.get("database")

    def from_config(value: str) -> Path:
        """Relative paths in the config file are relative to the file's folder."""
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else path.parent / candidate

    chosen = annotator or env_annotator or config.get("annotator") or default_annotator()
    origin = "--annotator" if annotator else "HASHIYA_ANNOTATOR" if env_annotator else None
    if origin is not None:  # the config file's was checked already
        check_annotator(chosen, origin)
        reason = check_name(chosen)
        if reason is not None:
            raise ConfigError(f"{origin}: {reason}")
    return Settings(
        db_path=Path(
            db_path or env_db or (from_config(config_db) if config_db else default_db_path())
        ).expanduser(),
        annotator=chosen,
        schema_path=schema_path or (from_config(config_schema) if config_schema else None),
        bidi=bidi or config.get("bidi", "app"),
        shape=shape if shape is not None else config.get("shape", True),
        bidi_marks=(bidi_marks or config.get("bidi_marks", "show")) == "show",
        snap_to_words=config.get("snap_to_words", True),
        show_panel=config.get("show_panel", True),
        keymap=dict(config.get("keymap", {})),
        labels=labels or config.get("labels", "en"),
        serve_users=dict(config.get("serve", {}).get("users", {})),
        config_path=path,
        keymap_lines=keymap_lines,
    )
