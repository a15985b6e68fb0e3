"""A one-line progress bar on stderr, shown only on a terminal (never in logs or CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress("渲染页面", total) as p: p.advance()`` — redraws at most 10× a second."""

    def __init__(
        self, label: str, total: int, *, stream: TextIO | None = None, enabled: bool | None = None
    ):
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = isatty if enabled is None else enabled
        self._last = 0.0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        width = 28
        frac = self.done / self.total if self.total else 1.0
        filled = int(width * min(frac, 1.0))
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total}")
        self.stream.flush()
