"""Where a site's files are: found once, from ``--config`` or from ``site.yml`` upward.

Every command works on one *site folder*: the folder of its ``site.yml``. Like git and MkDocs,
huikan looks for ``site.yml`` in the current folder and then in each parent, so a command run
inside ``issues/`` (or ``huikan ingest issues/x.pdf`` run from anywhere, which starts from the
bulletin's folder) uses the right site. ``--config FILE`` names it outright. Without any
``site.yml`` the current folder is the site and the built-in taxonomy applies; commands say so.

All paths of a site (issues, output, cache, the site's own templates and static files) are
resolved here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "site.yml"


class ProjectError(Exception):
    """The site cannot be located (e.g. ``--config`` names a missing file)."""


@dataclass(frozen=True)
class Project:
    root: Path  # the site folder (absolute)
    config_path: Path | None  # its site.yml; None when none was found (defaults apply)

    @property
    def issues(self) -> Path:
        return self.root / "issues"

    @property
    def output(self) -> Path:
        return self.root / "build"

    @property
    def cache(self) -> Path:
        return self.root / ".huikan-cache"

    @property
    def templates(self) -> Path:
        """The site's own template overrides (searched before the default theme's)."""
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    @property
    def found(self) -> bool:
        return self.config_path is not None

    def describe(self) -> str:
        """One line for the editor: which site.yml is used, or that none was found."""
        if self.config_path is None:
            return (
                f"提示：没有找到 {CONFIG_NAME}（从 {self.root} 向上查找），"
                "使用内置的产业集群分类。用 huikan new 新建网站，或用 --config 指定配置文件。"
            )
        return f"站点配置：{self.config_path}"


def find_config(start: Path) -> Path | None:
    """``site.yml`` in ``start`` or the nearest parent folder, else None."""
    start = start.resolve()
    for d in (start, *start.parents):
        cand = d / CONFIG_NAME
        if cand.is_file():
            return cand
    return None


def discover(config: str | Path | None = None, start: Path | None = None) -> Project:
    """The site: ``config`` when given (it must exist), else ``site.yml`` from ``start``
    (default: the current folder) upward, else ``start`` itself with the defaults."""
    if config is not None:
        path = Path(config)
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.is_file():
            raise ProjectError(f"找不到配置文件 {config}（--config 应指向一个 site.yml 文件）")
        path = path.resolve()
        return Project(path.parent, path)
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    found = find_config(here)
    if found is None:
        return Project(Path.cwd().resolve() if start is None else here, None)
    return Project(found.parent, found)
