"""The error every configuration problem is reported as (site.yml and sidecars)."""

from __future__ import annotations

from pathlib import Path


class ConfigError(Exception):
    """site.yml or a sidecar is malformed; the message names the file (and line if known).

    ``problems`` holds every problem found (this one first) when a loader found several."""

    def __init__(self, file: str | Path, message: str, line: int | None = None):
        self.file = str(file)
        self.line = line
        self.reason = message
        self.problems: list[ConfigError] = [self]
        super().__init__(file, message, line)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"

    def report(self) -> str:
        """Every problem, one ``file:line: message`` per line."""
        if len(self.problems) == 1:
            return str(self.problems[0])
        return "\n".join(f"  {p}" for p in self.problems)

    @classmethod
    def of(cls, errors: list[ConfigError]) -> ConfigError:
        """One exception for several problems: the first's file:line and message, the count
        of the others, and all of them in ``problems``."""
        first = errors[0]
        more = f"（另有 {len(errors) - 1} 个问题，用 huikan check 查看全部）" if errors[1:] else ""
        e = cls(first.file, first.reason + more, first.line)
        e.problems = list(errors)
        return e
