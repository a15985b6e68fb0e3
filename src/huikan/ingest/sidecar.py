"""YAML sidecars: the editor's corrections for one bulletin.

``NAME.yml`` beside ``NAME.pdf`` overrides masthead metadata and corrects the split::

    title: 产业科技动态            # bulletin metadata: title, publisher, number, date, slug
    date: 2022-10
    split: ["某篇被漏掉的文章标题"]   # printed titles that start an article the splitter missed
    merge: ["被误拆出的小标题"]      # titles that are not articles: merged into the one before
    drop: ["广告：", "征订启事"]     # blocks (by their beginning) to leave out entirely
    articles:                      # per article, keyed by its printed title (or its beginning)
      "让数字经济成为发展新质生产力的主战场":
        cluster: 数字经济            # also: column, slug, title, subtitle, byline, source
      "某篇不该发布的文章":
        drop: true
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from huikan.config import ConfigError, Taxonomy, yaml_error
from huikan.ingest.textutil import squash

META_KEYS = {"title", "publisher", "number", "date", "slug"}
TOP_KEYS = META_KEYS | {"split", "merge", "drop", "articles"}
ARTICLE_KEYS = {"cluster", "column", "slug", "title", "subtitle", "byline", "source", "drop"}
_DATE = re.compile(r"^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
SLUG = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,79}$")


@dataclass
class Sidecar:
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)
    split: list[str] = field(default_factory=list)
    merge: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: bytes = b""

    def article_overrides(self, title: str) -> dict[str, Any] | None:
        """Overrides for the article with this title: exact match first, then by beginning."""
        key = squash(title)
        for t, o in self.articles.items():
            if squash(t) == key:
                return o
        for t, o in self.articles.items():
            k = squash(t)
            if k and len(k) >= 4 and key.startswith(k):
                return o
        return None


def sidecar_path(source: Path) -> Path | None:
    for ext in (".yml", ".yaml"):
        p = source.with_suffix(ext)
        if p.exists():
            return p
    return None


def _line_of(text: str, key: str) -> int | None:
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*:", line):
            return n
    return None


def _str_list(path: Path, text: str, data: dict, key: str) -> list[str]:
    v = data.get(key)
    if v is None:
        return []
    if isinstance(v, str | int | float):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str | int | float) for x in v):
        raise ConfigError(path, f"{key} 应是一组文字（YAML 列表）", _line_of(text, key))
    return [str(x) for x in v]


def load_sidecar(path: Path, taxonomy: Taxonomy | None = None) -> Sidecar:
    """Parse and validate a sidecar; errors name the file and line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, "旁注文件不是 UTF-8 编码") from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise yaml_error(path, e) from e
    if data is None:
        return Sidecar(path=path, raw=raw)
    if not isinstance(data, dict):
        raise ConfigError(path, "旁注文件的顶层应是键值映射，例如 `date: 2024-04`", 1)
    for k in data:
        if k not in TOP_KEYS:
            raise ConfigError(
                path,
                f"未知的键 “{k}”（可用：{'、'.join(sorted(TOP_KEYS))}）",
                _line_of(text, str(k)),
            )
    sc = Sidecar(path=path, raw=raw)
    for k in META_KEYS:
        if k not in data or data[k] is None:
            continue
        v = data[k]
        if k == "date":
            if isinstance(v, dt.date):
                v = v.isoformat()
            v = str(v)
            if not _DATE.match(v):
                raise ConfigError(
                    path,
                    f"日期 “{v}” 格式不对，应为 YYYY、YYYY-MM 或 YYYY-MM-DD",
                    _line_of(text, k),
                )
        elif not isinstance(v, str | int | float):
            raise ConfigError(path, f"{k} 应是一段文字", _line_of(text, k))
        v = str(v).strip()
        if k == "slug" and not SLUG.match(v):
            raise ConfigError(
                path,
                f"slug “{v}” 不合法：只能用字母、数字、汉字、- 和 .，不能含 / 或 ..",
                _line_of(text, k),
            )
        sc.meta[k] = v
    sc.split = _str_list(path, text, data, "split")
    sc.merge = _str_list(path, text, data, "merge")
    sc.drop = _str_list(path, text, data, "drop")
    arts = data.get("articles") or {}
    if isinstance(arts, list):  # also accept a list of {title: …, cluster: …}
        conv = {}
        for a in arts:
            if not isinstance(a, dict) or "title" not in a:
                raise ConfigError(
                    path, "articles 列表的每一项都需要 title", _line_of(text, "articles")
                )
            a = dict(a)
            conv[str(a.pop("match", a["title"]))] = a
        arts = conv
    if not isinstance(arts, dict):
        raise ConfigError(path, "articles 应是“标题: 修改项”的映射", _line_of(text, "articles"))
    for title, o in arts.items():
        if not isinstance(o, dict):
            raise ConfigError(
                path, f"文章 “{title}” 的修改项应是键值映射", _line_of(text, str(title))
            )
        for k, v in o.items():
            if k not in ARTICLE_KEYS:
                raise ConfigError(
                    path,
                    f"文章 “{title}” 下有未知的键 “{k}”（可用：{'、'.join(sorted(ARTICLE_KEYS))}）",
                    _line_of(text, str(k)),
                )
            if k == "cluster" and taxonomy is not None and taxonomy.get(str(v)) is None:
                raise ConfigError(
                    path,
                    f"未知的产业集群 “{v}”（site.yml 中有：{'、'.join(taxonomy.names)}）",
                    _line_of(text, str(k)),
                )
            if k == "slug" and not SLUG.match(str(v)):
                raise ConfigError(
                    path, f"slug “{v}” 不合法：不能含 / 或 ..", _line_of(text, "slug")
                )
            if k == "drop" and not isinstance(v, bool):
                raise ConfigError(path, "drop 应是 true 或 false", _line_of(text, "drop"))
        sc.articles[str(title)] = o
    return sc
