"""``huikan serve``: build, serve the site on localhost, rebuild when sources change.

Watching is done by polling modification times once a second: no extra dependency, and the
folders are small. The server reads files through the output path on each request, so the
atomic swap of a rebuild is picked up immediately.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import socket
import stat
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from huikan.commands.build import options_from_args


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files under an optional URL prefix (``/pr-42/``, to preview a site built for a
    sub-path), with the site's own 404 page and no request log noise."""

    prefix = "/"
    # Keep-alive: the search page fetches ~30 small files a query (directories, shards,
    # records); HTTP/1.0 opened a connection for each. TCP_NODELAY (setup) sends a response's
    # body without waiting for the client to acknowledge its headers.
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_head(self) -> BinaryIO | None:
        """Files validated by an ETag (inode, mtime in ns, size), not by Last-Modified alone.

        Python's file server answers ``If-Modified-Since`` by the second: a rebuild that lands
        within the second of the last one looks "not modified", and a reviewer who reloads
        the preview gets the old page. A rebuild writes new files (the site is swapped in
        whole), so a new inode or mtime is a new ETag; a request that carries only
        ``If-Modified-Since`` gets the file again."""
        self._etag = None
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        with contextlib.suppress(OSError):
            st = os.stat(path)
            if stat.S_ISREG(st.st_mode):
                self._etag = f'"{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}"'
        wanted = _tags(self.headers.get("If-None-Match", ""))
        if self._etag and (self._etag in wanted or "*" in wanted):
            etag, self._etag = self._etag, None
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self) -> None:
        etag = getattr(self, "_etag", None)
        if etag:
            self._etag = None
            self.send_header("ETag", etag)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        if self.prefix != "/":
            if not path.startswith(self.prefix):
                return os.path.join(str(self.directory), ".huikan-outside-prefix/missing")
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _tags(header: str) -> list[str]:
    """The entity tags of an ``If-None-Match`` header (weak ones compared as strong)."""
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def make_server(
    directory: Path, port: int = 0, host: str = "127.0.0.1", prefix: str = "/"
) -> ThreadingHTTPServer:
    """An HTTP server for ``directory`` at URL path ``prefix`` (port 0 picks a free one).

    Call ``serve_forever()`` (e.g. in a thread) and ``shutdown()``.
    """
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler_cls = type("PrefixedSiteHandler", (SiteHandler,), {"prefix": prefix})
    handler = functools.partial(handler_cls, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)


def snapshot(paths: list[Path]) -> dict[str, float]:
    """Modification times of every file under ``paths`` (what the watcher compares)."""
    seen: dict[str, float] = {}
    for root in paths:
        if root.is_file():
            seen[str(root)] = root.stat().st_mtime
        elif root.is_dir():
            for dirpath, _dirs, files in os.walk(root):
                for f in files:
                    p = os.path.join(dirpath, f)
                    with contextlib.suppress(OSError):
                        seen[p] = os.stat(p).st_mtime
    return seen


def run(args: argparse.Namespace) -> int:
    from huikan.build import BuildError, build_site
    from huikan.config import ConfigError, load_config
    from huikan.model import IngestError
    from huikan.site.urls import base_path, normalize_base_url

    opts = options_from_args(args)
    out = opts.out or opts.root / "build"
    try:
        cfg = load_config(opts.config_path)
    except ConfigError as e:
        print(f"构建失败：{e}", file=sys.stderr)
        return 1
    prefix = base_path(normalize_base_url(opts.base_url or cfg.base_url))
    try:  # the port first: a busy one is said at once, not after a whole build
        server = make_server(out, args.port, args.host, prefix)
    except OSError as e:
        print(
            f"huikan serve：无法在 {args.host}:{args.port} 上预览（{e.strerror or e}）；"
            "端口可能已被占用，请用 --port 换一个。",
            file=sys.stderr,
        )
        return 2

    def rebuild() -> bool:
        try:
            report = build_site(opts)
        except (BuildError, ConfigError, IngestError) as e:
            print(f"构建失败：{e}", file=sys.stderr)
            return False
        for line in report.summary_lines():
            print(line)
        return True

    watched = [
        opts.root / "issues",
        opts.root / "templates",
        opts.root / "static",
    ]
    if opts.config_path:
        watched.append(opts.config_path)
    if cfg.templates:
        watched.append(opts.root / cfg.templates)
    # Taken before the first build, not after it: an edit made while the site was being
    # built, or just as its address was printed, must lead to a rebuild (the address is
    # printed before this loop starts, and a user — or a test — can edit at once).
    last = snapshot(watched)
    if not rebuild() and not out.is_dir():
        server.server_close()
        return 1
    host, port = server.server_address[:2]
    print(
        f"正在预览：http://{host}:{port}{prefix}\n"
        "（Ctrl-C 退出；修改 issues/、site.yml 或模板后自动重建）"
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        while True:
            time.sleep(1.0)
            now = snapshot(watched)
            if now != last:
                last = now
                print("检测到修改，重新构建……")
                rebuild()
    except KeyboardInterrupt:
        print("已停止。")
    finally:
        server.shutdown()
        server.server_close()
    return 0
