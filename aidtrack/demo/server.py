"""A small static web server for a folder of sample pages, on a loopback port.

Files may contain ``{{base}}``, replaced by the server's own ``http://127.0.0.1:PORT`` so feeds and
sitemaps carry absolute URLs. It answers conditional GETs (ETag / Last-Modified → 304) like a real
site, and records every request so tests can check what a crawler asked for.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
# One fixed Last-Modified for the whole sample site: its pages never change while served.
_LAST_MODIFIED = formatdate(1764547200, usegmt=True)


def site_root() -> Path:
    return Path(__file__).resolve().parent / "site"


class SiteServer:
    """``with SiteServer(folder) as server: server.base_url …``; requests are in ``server.requests``."""

    def __init__(self, root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = (root or site_root()).resolve()
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        # Fault scripts for tests: a path answering with an error status, paths answering slowly.
        self.broken: dict[str, int] = {}  # path → HTTP status to answer instead of the page
        self.delays: dict[str, float] = {}  # path prefix → seconds to wait before answering
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet by default
                pass

            def do_HEAD(self) -> None:  # noqa: N802
                self._serve(send_body=False)

            def do_GET(self) -> None:  # noqa: N802
                self._serve(send_body=True)

            def _serve(self, send_body: bool) -> None:
                with server._lock:
                    server.requests.append((self.command, self.path, dict(self.headers.items())))
                    path = urlsplit(self.path).path
                    broken = server.broken.get(path)
                    delay = max((s for p, s in server.delays.items() if path.startswith(p)), default=0.0)
                if delay:
                    time.sleep(delay)
                if broken:
                    status = HTTPStatus(broken)
                    self._reply(status, f"{status.phrase}\n".encode(), "text/plain", send_body)
                    return
                body = server.render(path)
                if body is None:
                    self._reply(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", send_body)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-None-Match") is None
                    and self.headers.get("If-Modified-Since") == _LAST_MODIFIED
                ):
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                suffix = Path(urlsplit(self.path).path).suffix
                content_type = _TEXT_TYPES.get(suffix) or mimetypes.guess_type(self.path)[0] or "text/html"
                self._reply(HTTPStatus.OK, body, content_type, send_body, etag)

            def _reply(
                self,
                status: HTTPStatus,
                body: bytes,
                content_type: str,
                send_body: bool,
                etag: str | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", _LAST_MODIFIED)
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="site-server", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def render(self, path: str) -> bytes | None:
        target = (self.root / unquote(path).lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.root not in target.parents or not target.is_file():
            return None
        return target.read_bytes().replace(b"{{base}}", self.base_url.encode())

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [urlsplit(path).path for _, path, _ in self.requests]

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def demo_sources_yaml(base_url: str, curated_csv: Path | None = None) -> str:
    """The sources file for the bundled sample sites served at ``base_url``: one source of each kind.

    ``demo-kiel`` is a file in the Kiel Institute's ``procurement_trends.csv`` shape: its ``nato_purl``
    column holds the PURL allocations Kiel published (data to April 2026); the other columns are our
    own round figures, there only to give the file its real shape."""
    curated = curated_csv or site_root() / "curated.csv"
    return f"""\
# Sources of the bundled demo: the same kinds of source as sources.yaml, served on loopback.
sources:
  - name: demo-nl-defence
    kind: rss
    url: {base_url}/mod-nl/feed.xml
    tier: official
    country: NLD
  - name: demo-alliance-newsroom
    kind: listing
    url: {base_url}/nato/newsroom.html
    links: "a.headline"
    next: "a.next"
    max_pages: 3
    tier: official
  - name: demo-wire
    kind: sitemap
    url: {base_url}/wire/sitemap.xml
    tier: wire
  - name: demo-canada-pm
    kind: rss
    url: {base_url}/canada/atom.xml
    tier: official
    country: CAN
  - name: demo-daily
    kind: rss
    url: {base_url}/outlet/feed.xml
    tier: outlet
  - name: demo-visti
    kind: rss
    url: {base_url}/ukr/feed.xml
    tier: outlet
  - name: demo-tagesblatt
    kind: rss
    url: {base_url}/de/feed.xml
    tier: outlet
  - name: analyst-curated
    kind: csv
    path: {curated}
    tier: official
  - name: demo-kiel
    kind: reference
    format: kiel-procurement-trends
    url: {base_url}/kiel/data/procurement_trends.csv
"""
