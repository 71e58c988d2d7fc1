"""A loopback HTTP server that misbehaves on demand, for fetch and sources tests.

Routes map a path (optionally with query) to a ``Reply``, a list of replies served in turn (the last
one repeats: handy for "503, 503, 200"), or a callable ``(RecordedRequest) -> Reply``. Every request is
recorded (path, query, headers, time) so tests can assert from the server's side. Unknown paths are
404, which also means "no robots.txt" (allow all) unless a test sets one.

    with MockServer() as server:
        server.route("/feed", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))
        server.redirect("/old", "/new")
        server.gzip_bomb("/bomb", 50 * 1024 * 1024)
        fetcher.fetch(server.url("/feed"))
        assert server.paths() == ["/robots.txt", "/feed"]
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line (triggers read timeouts)
    drip: float = 0.0  # seconds between body chunks (slow-drip servers)
    chunk_size: int = 16 * 1024
    drop: bool = False  # close the connection without sending anything
    content_length: int | None = None  # declared length; larger than the body = truncated response
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length (length unknown up front)

    @property
    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic()

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Route = Reply | list[Reply] | Callable[[RecordedRequest], Reply]


class MockServer:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._routes: dict[str, Route] = {}
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> MockServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    # -- routes ---------------------------------------------------------------------------------

    def route(self, path: str, reply: Route) -> None:
        with self._lock:
            self._routes[path] = reply
            self._served[path] = 0

    def page(
        self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", **kw
    ) -> None:
        headers = {"Content-Type": content_type, **kw.pop("headers", {})}
        self.route(path, Reply(200, body, headers, **kw))

    def status(self, path: str, code: int, headers: dict[str, str] | None = None) -> None:
        self.route(path, Reply(code, f"status {code}", headers or {}))

    def sequence(self, path: str, replies: list[Reply]) -> None:
        self.route(path, list(replies))

    def redirect(self, path: str, location: str, code: int = 302) -> None:
        self.route(path, Reply(code, b"", {"Location": location}))

    def drop(self, path: str) -> None:
        self.route(path, Reply(drop=True))

    def truncated(self, path: str, body: bytes, claimed: int) -> None:
        self.route(path, Reply(200, body, {"Content-Type": "text/html"}, content_length=claimed))

    def slow(self, path: str, delay: float, body: bytes | str = b"slow") -> None:
        self.route(path, Reply(200, body, {"Content-Type": "text/plain"}, delay=delay))

    def gzip_bomb(self, path: str, inflated_size: int, *, as_file: bool = False) -> bytes:
        """A small gzip body that inflates to ``inflated_size`` zero bytes. ``as_file`` serves it as an
        ``application/gzip`` file instead of with ``Content-Encoding: gzip``. Returns the payload."""
        payload = _bomb(inflated_size)
        if as_file:
            headers = {"Content-Type": "application/gzip"}
        else:
            headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        self.route(path, Reply(200, payload, headers))
        return payload

    def robots(self, text: str | None = None, *, code: int = 200) -> None:
        self.route("/robots.txt", Reply(code, text or "", {"Content-Type": "text/plain"}))

    def conditional(
        self,
        path: str,
        body: bytes | str,
        *,
        etag: str | None = '"v1"',
        last_modified: str | None = "Mon, 01 Sep 2025 10:00:00 GMT",
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """Serves ``body`` with validators; 304 when the request carries a matching one."""

        def reply(req: RecordedRequest) -> Reply:
            validators = {}
            if etag:
                validators["ETag"] = etag
            if last_modified:
                validators["Last-Modified"] = last_modified
            inm, ims = req.header("if-none-match"), req.header("if-modified-since")
            if (etag and inm and etag in [t.strip() for t in inm.split(",")]) or (
                last_modified and ims and not inm and ims == last_modified
            ):
                return Reply(304, b"", validators)
            return Reply(200, body, {"Content-Type": content_type, **validators})

        self.route(path, reply)

    # -- what happened --------------------------------------------------------------------------

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path + (f"?{r.query}" if r.query else "") for r in self.requests]

    def _reply_for(self, req: RecordedRequest) -> Reply:
        with self._lock:
            key = (
                f"{req.path}?{req.query}"
                if req.query and f"{req.path}?{req.query}" in self._routes
                else req.path
            )
            route = self._routes.get(key)
            if route is None:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            if isinstance(route, list):
                n = self._served[key]
                self._served[key] = n + 1
                return route[min(n, len(route) - 1)]
        if callable(route):
            return route(req)
        return route

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-request is what these tests do on purpose


_BOMBS: dict[int, bytes] = {}


def _bomb(size: int) -> bytes:
    if size not in _BOMBS:
        compressor = gzip.compress  # zeros compress ~1000:1, so 100 MB → ~100 KB
        _BOMBS[size] = compressor(b"\0" * size, compresslevel=9)
    return _BOMBS[size]


def http_date(ts: float | None = None) -> str:
    return formatdate(ts if ts is not None else time.time(), usegmt=True)


def closed_port() -> int:
    """A loopback port with nobody listening (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_handler(server: MockServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else delayed ACKs add ~40 ms per keep-alive request

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            self._serve(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(send_body=False)

        def _serve(self, send_body: bool) -> None:
            parts = urlsplit(self.path)
            req = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                at=time.monotonic(),
            )
            server._record(req)
            reply = server._reply_for(req)
            try:
                self._send(reply, send_body)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                self.close_connection = True

        def _send(self, reply: Reply, send_body: bool) -> None:
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            data = reply.data
            self.send_response(reply.status)
            declared = reply.content_length if reply.content_length is not None else len(data)
            names = {k.lower() for k in reply.headers}
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif "content-length" not in names:
                self.send_header("Content-Length", str(declared))
            if reply.content_length is not None and reply.content_length > len(data):
                self.send_header("Connection", "close")
            self.end_headers()
            if not send_body or reply.status in (204, 304):
                return
            for i in range(0, len(data), reply.chunk_size):
                piece = data[i : i + reply.chunk_size]
                if reply.chunked:
                    piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
                self.wfile.write(piece)
                self.wfile.flush()
                if reply.drip:
                    time.sleep(reply.drip)
            if reply.chunked:
                self.wfile.write(b"0\r\n\r\n")
            if reply.content_length is not None and reply.content_length > len(data):
                self.close_connection = True  # truncated: hang up before the promised length

    return Handler
