"""Serve corpus sites on loopback, one ``SiteServer`` (one port, so one "host") per site, in a process
of its own so the server's CPU and request log do not count in the pipeline's time and memory.

    uv run python bench/loopback_sites.py DIR [DIR …]

Prints one JSON line ``{"sites": [base_url, …], "control": url}`` and serves until stdin closes.
``GET <control>/stats`` answers cumulative counters over all sites, from each server's request log
(requests, conditional requests) and from the responses it sent (status codes, body bytes).
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aidtrack.demo.server import SiteServer


class _Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.body_bytes = 0
        self.article_bodies = 0


def _counting(server: SiteServer, counters: _Counters) -> None:
    """Count what the server answered (SiteServer's log holds only what was asked)."""
    base = server._httpd.RequestHandlerClass

    class Counting(base):  # type: ignore[misc, valid-type]
        def send_response(self, code, message=None):  # noqa: ANN001
            self._bench_status = int(code)
            with counters.lock:
                counters.statuses[int(code)] += 1
            super().send_response(code, message)

        def send_header(self, keyword, value):  # noqa: ANN001
            if keyword.lower() == "content-length" and getattr(self, "_bench_status", 0) == 200:
                with counters.lock:
                    counters.body_bytes += int(value)
                    if self.path.endswith(".html"):
                        counters.article_bodies += 1
            super().send_header(keyword, value)

    server._httpd.RequestHandlerClass = Counting


def main() -> None:
    servers = [SiteServer(Path(d)) for d in sys.argv[1:]]
    counters = _Counters()
    for s in servers:
        _counting(s, counters)
        s.start()

    def stats() -> dict:
        requests = conditional = articles = conditional_articles = 0
        for s in servers:
            with s._lock:
                log = list(s.requests)
            for _method, path, headers in log:
                requests += 1
                is_conditional = any(k.lower() in ("if-none-match", "if-modified-since") for k in headers)
                conditional += is_conditional
                if path.endswith(".html"):
                    articles += 1
                    conditional_articles += is_conditional
        with counters.lock:
            return {"requests": requests, "conditional": conditional, "article_requests": articles,
                    "conditional_article_requests": conditional_articles,
                    "statuses": {str(k): v for k, v in counters.statuses.items()},
                    "body_bytes": counters.body_bytes, "article_bodies": counters.article_bodies}  # fmt: skip

    class Control(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = json.dumps(stats()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    host, port = control.server_address[:2]
    print(
        json.dumps({"sites": [s.base_url for s in servers], "control": f"http://{host}:{port}"}), flush=True
    )
    sys.stdin.read()  # until the parent closes our stdin
    for s in servers:
        s.stop()
    control.shutdown()


if __name__ == "__main__":
    main()
