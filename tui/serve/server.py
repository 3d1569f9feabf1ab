"""`hashiya serve`: the whole app in a browser, one app process per tab, behind a token.

textual-serve starts an app process per websocket and draws it with xterm.js. It has no
authentication, so this server puts every route behind a token: tokens name annotators
(`serve.users` in the config) or one is generated at start. The token decides which
annotator the tab's app runs as; the browser keeps it in an HttpOnly cookie after the
first visit. xterm.js does no bidi and no joining, which the app does itself, so the
only thing the browser needs is a monospace font with Arabic, served from here.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
import shlex
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from annotations.text import printable

log = logging.getLogger("hashiya.serve")

COOKIE = "hashiya_token"
HERE = Path(__file__).resolve().parent
FONT = "DejaVuSansMono.ttf"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    """A token for one person: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Access:
    """Who a token belongs to. Tokens are compared in constant time, all of them."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self._users = [(name, token.encode("utf-8")) for name, token in users.items()]

    def annotator(self, token: str | None) -> str | None:
        if not token:
            return None
        given = token.encode("utf-8", "surrogateescape")
        found = None
        for name, secret in self._users:
            # every token is compared, so the time taken does not say which one matched
            if hmac.compare_digest(given, secret):
                found = name
        return found


class HashiyaServer(Server):
    """textual-serve's server with access control, Hashiya's page and font."""

    def __init__(
        self,
        app_command: Sequence[str],
        users: Mapping[str, str],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
    ) -> None:
        super().__init__(
            shlex.join(app_command),
            host=host,
            port=port,
            title="Hashiya حاشية",
            public_url=public_url,
            templates_path=HERE / "templates",
        )
        self.given_public_url = public_url
        self.app_command = list(app_command)
        self.access = Access(users)

    def command_for(self, annotator: str) -> str:
        """The shell command of one tab's app process, running as `annotator`."""
        return shlex.join([*self.app_command, "--annotator", annotator])

    def initialize_logging(self) -> None:
        logging.basicConfig(level="INFO", format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its banner here; `hashiya serve` prints its own URL."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        app.router.add_static("/fonts", HERE / "static" / "fonts", name="fonts")
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """No route without a token: from `?token=` once (then a cookie), or the cookie."""
        peer = request.remote or "?"
        from_query = request.query.get("token")
        token = from_query if from_query is not None else request.cookies.get(COOKIE)
        annotator = self.access.annotator(token)
        if annotator is None:
            reason = "no token" if not token else "wrong token"
            log.warning("refused %s %s from %s: %s", request.method, request.path, peer, reason)
            raise web.HTTPForbidden(text="Hashiya: a valid token is needed (ask for your link).")
        if request.path == "/ws" and not self._same_origin(request):
            log.warning("refused websocket from %s: page of another origin", peer)
            raise web.HTTPForbidden(text="Hashiya: cross-origin websocket refused.")
        if from_query is not None:
            # keep the token out of the address bar, history and Referer headers
            log.info("%s signed in from %s", printable(annotator), peer)
            query = {k: v for k, v in request.query.items() if k != "token"}
            target = request.rel_url.with_query(query) if query else request.rel_url.with_query({})
            response = web.HTTPSeeOther(location=str(target))
            response.set_cookie(COOKIE, from_query, httponly=True, samesite="Strict", path="/")
            raise response
        request["annotator"] = annotator
        return await handler(request)

    @staticmethod
    def _same_origin(request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser page (browsers always send Origin on websockets)
        return urlsplit(origin).netloc == request.host

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        import aiohttp_jinja2

        router = request.app.router
        font_size = _int(request.query.get("fontsize"), 16)
        # the address the browser used, unless a proxy's public address was given
        base = (self.given_public_url or f"{request.scheme}://{request.host}").rstrip("/")
        websocket_url = ("wss:" if base.startswith("https") else "ws:") + base.split(":", 1)[1]
        context: dict[str, Any] = {
            "font_size": font_size,
            "font_url": str(router["fonts"].url_for(filename=FONT)),
            "app_websocket_url": websocket_url + str(router["websocket"].url_for()),
            "config": {
                "static": {"url": str(router["static"].url_for(filename="/")).rstrip("/") + "/"}
            },
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One app process for this tab, as the annotator the token names."""
        annotator: str = request["annotator"]
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = AppService(
                self.command_for(annotator),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # returns bool, unused
                download_manager=self.download_manager,
                debug=self.debug,
            )
            log.info("%s opened a session", printable(annotator))
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one tab failing never stops the server
            log.error("session of %s failed: %s", printable(annotator), printable(str(error)))
        finally:
            if service is not None:
                await service.stop()
            log.info("%s closed a session", printable(annotator))
        return websocket

    def serve(self, debug: bool = False) -> None:
        """Run until interrupted. aiohttp's access log is off: it would log `?token=`."""
        self.debug = debug
        self.initialize_logging()
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            access_log=None,
            print=lambda *args: None,
        )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def app_command(db_path: Path, schema_path: Path | None, config_path: Path | None) -> list[str]:
    """The command each tab runs: this Python's `hashiya` on the same database."""
    command = [sys.executable, "-m", "tui.cli", "--db", str(db_path), "--bidi", "app"]
    if schema_path is not None:
        command += ["--schema", str(schema_path)]
    if config_path is not None and config_path.exists():
        command += ["--config", str(config_path)]
    return command
