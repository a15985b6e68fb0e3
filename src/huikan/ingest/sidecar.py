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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from huikan.config import ConfigError, Taxonomy
from huikan.ingest.textutil import squash
from huikan.schema import (
    ARTICLE,
    META_KEYS,
    SIDECAR,
    SLUG_RE,
    compose_yaml,
    is_missing,
    is_null,
    is_text,
    mapping_pairs,
    node_line,
    read_value,
    unknown_key,
)

TOP_KEYS = set(SIDECAR)
ARTICLE_KEYS = set(ARTICLE)
SLUG = SLUG_RE  # the pattern a pinned slug must match (kept under its old name)


@dataclass
class Sidecar:
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)
    split: list[str] = field(default_factory=list)
    merge: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: bytes = b""
    # where things are, for the archive-wide checks of `huikan check`
    slug_line: int | None = None
    article_lines: dict[str, int] = field(default_factory=dict)  # title -> line of its entry
    article_slug_lines: dict[str, int] = field(default_factory=dict)  # title -> line of slug

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


def load_sidecar(path: Path, taxonomy: Taxonomy | None = None) -> Sidecar:
    """Parse and validate a sidecar through the schema; any mistake raises ConfigError
    (file:line, all problems in ``.problems``)."""
    sc, errors = parse_sidecar(path, taxonomy)
    if errors:
        raise ConfigError.of(errors)
    return sc


def parse_sidecar(
    path: Path, taxonomy: Taxonomy | None = None
) -> tuple[Sidecar, list[ConfigError]]:
    """The sidecar and every problem in it, each with its own line (:mod:`huikan.schema`)."""
    raw = path.read_bytes()
    sc = Sidecar(path=path, raw=raw)
    errors: list[ConfigError] = []
    try:
        root, _ = compose_yaml(path, raw)
    except ConfigError as e:
        return sc, [e]
    if root is None or is_null(root):
        return sc, []
    if not isinstance(root, yaml.MappingNode):
        why = "顶层应是键值映射，例如 `date: 2024-04`"
        return sc, [ConfigError(path, why, node_line(root))]
    for key, k, v in mapping_pairs(path, root, errors):
        spec = SIDECAR.get(key)
        if spec is None:
            errors.append(unknown_key(path, key, k, SIDECAR))
        elif key == "articles":
            if not is_null(v):
                _articles(path, v, taxonomy, errors, sc)
        else:
            value = read_value(path, key, spec, v, errors)
            if is_missing(value):
                continue
            if key in META_KEYS:
                sc.meta[key] = value
                if key == "slug":
                    sc.slug_line = node_line(v)
            else:
                setattr(sc, key, value)
    return sc, errors


def _articles(
    path: Path, node: yaml.Node, taxonomy: Taxonomy | None, errors: list[ConfigError], sc: Sidecar
) -> None:
    entries: list[tuple[str, int, yaml.Node]] = []  # (title, line, overrides node)
    listed = isinstance(node, yaml.SequenceNode)
    if isinstance(node, yaml.MappingNode):
        for title, k, v in mapping_pairs(path, node, errors, "articles 下"):
            entries.append((title, node_line(k), v))
    elif listed:  # [{title: …, cluster: …}, …]
        for item in node.value:
            fields = (
                {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
                if isinstance(item, yaml.MappingNode)
                else {}
            )
            title = fields.get("match") or fields.get("title")
            if title is None or not is_text(title):
                errors.append(
                    ConfigError(path, "articles 列表的每一项都需要 title", node_line(item))
                )
                continue
            entries.append((str(title.value), node_line(item), item))
    else:
        errors.append(ConfigError(path, "articles 应是“标题: 修改项”的映射", node_line(node)))
        return
    for title, line, v in entries:
        if not isinstance(v, yaml.MappingNode):
            why = f"文章 “{title}” 的修改项应是键值映射（如 cluster: 数字经济）"
            errors.append(ConfigError(path, why, line))
            continue
        overrides: dict[str, Any] = {}
        for key, k, val in mapping_pairs(path, v, errors, f"文章 “{title}” 下"):
            if listed and key == "match":
                continue
            spec = ARTICLE.get(key)
            if spec is None:
                errors.append(unknown_key(path, key, k, ARTICLE, f"文章 “{title}” 下有"))
                continue
            if key != "drop" and not is_null(val) and not is_text(val):
                why = f"文章 “{title}” 的 {key} 应是一段文字"
                errors.append(ConfigError(path, why, node_line(k)))
                continue
            n = len(errors)
            value = read_value(path, key, spec, val, errors)
            for e in errors[n:]:
                e.line = node_line(k)  # the key's line: where the editor looks
            if is_missing(value):
                continue
            if key == "cluster" and taxonomy is not None and taxonomy.get(value) is None:
                known = "、".join(taxonomy.names)
                why = f"未知的产业集群 “{value}”（site.yml 中有：{known}）"
                errors.append(ConfigError(path, why, node_line(k)))
                continue
            if key == "slug":
                sc.article_slug_lines[title] = node_line(k)
            overrides[key] = value
        sc.articles[title] = overrides
        sc.article_lines[title] = line
