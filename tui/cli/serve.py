"""`hashiya serve`: the app in a browser, for team members without a terminal."""

from __future__ import annotations

import click

from annotations.text import printable
from tui.cli.main import cli, open_store, settings_of


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--public-url",
    help="The address people open, when a reverse proxy stands in front (https://…).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, public_url: str | None) -> None:
    """Serve the app to browsers: one app per tab, on this database, behind tokens.

    Tokens come from the config (`serve: {users: {sara: TOKEN}}`, one per person; the
    token decides the annotator). With none configured, one token is made for the
    annotator in effect and printed as a link.

    Example: hashiya serve --port 8000
    """
    try:
        from tui.serve.server import HashiyaServer, app_command, is_loopback, new_token
    except ImportError as exc:  # textual-serve is a dependency; a broken install says so
        raise click.ClickException(f"serve needs textual-serve: {exc}") from None

    settings = settings_of(ctx)
    open_store(ctx)  # a bad or unreadable database is one line here, not one per tab
    users = dict(settings.serve_users)
    if not users:
        users = {settings.annotator: new_token()}
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {printable(host)}: anyone who can reach port {port} "
            "and has a token can annotate; use TLS (a reverse proxy) or an SSH tunnel "
            "on untrusted networks.",
            err=True,
        )
    base = (public_url or f"http://{host}:{port}").rstrip("/")
    click.echo(f"Hashiya on {printable(base)} (database {printable(str(settings.db_path))})")
    if settings.serve_users:
        names = ", ".join(printable(name) for name in sorted(users))
        click.echo(f"tokens from the config for: {names}")
    else:
        ((name, token),) = users.items()
        click.echo(f"open as {printable(name)}: {printable(base)}/?token={printable(token)}")
    click.echo("Ctrl+C stops the server.")
    server = HashiyaServer(
        app_command(settings.db_path, settings.schema_path, settings.config_path),
        users,
        host=host,
        port=port,
        public_url=public_url,
    )
    server.serve()
