"""`hashiya serve` before it listens: tokens from the config, the link, the warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import cli
from tui.serve.server import Access, HashiyaServer, is_loopback


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[HashiyaServer]:
    """The servers `serve` would have started (their `serve()` does nothing here)."""
    started: list[HashiyaServer] = []
    monkeypatch.setattr(HashiyaServer, "serve", lambda self, debug=False: started.append(self))
    return started


def run(tmp_path: Path, *args: str, config: str | None = None) -> tuple[int, str, str]:
    base = ["--db", str(tmp_path / "s.db"), "--annotator", "sara"]
    if config is not None:
        path = tmp_path / "config.yaml"
        path.write_text(config, encoding="utf-8")
        base += ["--config", str(path)]
    result = CliRunner().invoke(cli, [*base, "serve", *args])
    return result.exit_code, result.stdout, result.stderr


def test_without_configured_users_a_token_is_made_and_printed_as_a_link(
    tmp_path: Path, served: list[HashiyaServer]
) -> None:
    code, out, err = run(tmp_path, "--port", "8123")
    assert code == 0, out + err
    (link,) = [line for line in out.splitlines() if "?token=" in line]
    assert link.startswith("open as sara: http://127.0.0.1:8123/?token=")
    token = link.rsplit("=", 1)[1]
    assert len(token) >= 32
    (server,) = served
    assert server.access.annotator(token) == "sara"
    assert server.access.annotator(token[:-1] + "x") is None
    assert "--annotator sara" in server.command_for("sara")
    assert err == ""  # loopback: no warning


def test_configured_tokens_decide_the_annotator_and_are_not_printed(
    tmp_path: Path, served: list[HashiyaServer]
) -> None:
    token_a, token_b = "a" * 20, "b" * 20
    code, out, _ = run(
        tmp_path, config=f"serve:\n  users:\n    lina: {token_a}\n    omar: {token_b}\n"
    )
    assert code == 0
    assert token_a not in out and token_b not in out
    assert "tokens from the config for: lina, omar" in out
    (server,) = served
    assert server.access.annotator(token_b) == "omar"
    assert server.access.annotator("") is None and server.access.annotator(None) is None


def test_listening_beyond_this_machine_warns(tmp_path: Path, served: list[HashiyaServer]) -> None:
    code, _, err = run(tmp_path, "--host", "0.0.0.0")
    assert code == 0
    assert err.startswith("warning: listening on 0.0.0.0")
    assert served[0].host == "0.0.0.0"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "serve:\n  users:\n    sara: short\n",
            "config.yaml:1: key 'serve.users.sara': token shorter than 16",
        ),
        (
            "serve:\n  users:\n    sara: same-token-123456\n    omar: same-token-123456\n",
            "two annotators share a token",
        ),
        ("serve:\n  people: {}\n", "key 'serve': unknown key 'people'"),
    ],
)
def test_bad_serve_config_is_one_line(
    tmp_path: Path, served: list[HashiyaServer], config: str, message: str
) -> None:
    code, _, err = run(tmp_path, config=config)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert served == []


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_every_token_is_compared() -> None:
    access = Access({"a": "x" * 16, "b": "y" * 16})
    assert access.annotator("y" * 16) == "b"
    assert access.annotator("y" * 15) is None
