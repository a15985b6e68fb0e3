"""Site configuration (``site.yml``): title, base URL and the industry-cluster taxonomy."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

GENERAL = "综合"  # the catch-all cluster every taxonomy has


class ConfigError(Exception):
    """site.yml or a sidecar is malformed; the message names the file (and line if known)."""

    def __init__(self, file: str | Path, message: str, line: int | None = None):
        self.file = str(file)
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line else str(file)
        super().__init__(f"{where}: {message}")


def norm_key(s: str) -> str:
    """Normalise a name for matching: NFKC, no whitespace, Latin lower-cased."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).lower()


@dataclass
class Cluster:
    name: str
    slug: str
    aliases: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Every name by which a bulletin may print this cluster (display name first)."""
        return [self.name, *self.aliases]


@dataclass
class Taxonomy:
    clusters: list[Cluster]

    def __post_init__(self) -> None:
        if not any(c.name == GENERAL for c in self.clusters):
            self.clusters.append(Cluster(GENERAL, "general"))
        self._by_key: dict[str, Cluster] = {}
        # Longer names first so "集成电路与ICT" wins over "集成电路" when both are aliases.
        for c in self.clusters:
            for n in c.names():
                self._by_key.setdefault(norm_key(n), c)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.clusters]

    def get(self, name: str) -> Cluster | None:
        return self._by_key.get(norm_key(name))

    def by_name(self, name: str) -> Cluster:
        c = self.get(name)
        if c is None:
            raise KeyError(name)
        return c

    def lookup(self, label: str) -> Cluster | None:
        """Resolve a printed label ("集成电路与 ICT 产业", "生物医药产业研究团队") to a cluster.

        The label matches when, after stripping generic suffixes (产业, 研究团队, 集群 ...),
        it equals a cluster name or alias. Returns None for anything else.
        """
        key = norm_key(label)
        for suffix in (
            "产业研究团队",
            "研究团队",
            "产业集群",
            "创新产业集群",
            "产业",
            "集群",
            "板块",
            "领域",
            "类",
        ):
            if key.endswith(suffix) and len(key) > len(suffix):
                stripped = key[: -len(suffix)]
                if stripped in self._by_key:
                    return self._by_key[stripped]
        return self._by_key.get(key)

    def slug_of(self, name: str) -> str:
        return self.by_name(name).slug


@dataclass
class SiteConfig:
    title: str = "汇刊"
    description: str = ""
    base_url: str = "/"
    language: str = "zh-CN"
    templates: str | None = None
    per_page: int = 20
    user_dict: list[str] = field(default_factory=list)
    taxonomy: Taxonomy = field(default_factory=lambda: Taxonomy([]))
    path: Path | None = None  # where it was loaded from

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, f"不是 UTF-8 编码的文本（{e.reason}）") from e
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ConfigError(path, f"YAML 语法错误：{e.problem}", line) from e
    except yaml.YAMLError as e:
        raise ConfigError(path, f"YAML 语法错误：{e}") from e


def load_config(path: str | Path = "site.yml") -> SiteConfig:
    """Read site.yml; a missing file gives the built-in defaults with an empty taxonomy."""
    path = Path(path)
    if not path.exists():
        return SiteConfig(path=None)
    data = _load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(path, "顶层应是键值映射（mapping）")
    clusters = []
    for i, c in enumerate(data.get("clusters") or []):
        if not isinstance(c, dict) or "name" not in c:
            raise ConfigError(path, f"clusters 第 {i + 1} 项缺少 name")
        clusters.append(
            Cluster(
                name=str(c["name"]),
                slug=str(c.get("slug") or f"cluster-{i + 1}"),
                aliases=[str(a) for a in c.get("aliases") or []],
                keywords=[str(k) for k in c.get("keywords") or []],
            )
        )
    search = data.get("search") or {}
    return SiteConfig(
        title=str(data.get("title") or "汇刊"),
        description=str(data.get("description") or ""),
        base_url=str(data.get("base_url") or "/"),
        language=str(data.get("language") or "zh-CN"),
        templates=data.get("templates"),
        per_page=int(data.get("per_page") or 20),
        user_dict=[str(w) for w in search.get("user_dict") or []],
        taxonomy=Taxonomy(clusters),
        path=path,
    )
