"""Site configuration (``site.yml``): title, base URL and the industry-cluster taxonomy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from huikan.config_errors import ConfigError
from huikan.schema import (
    CLUSTER,
    CLUSTERS,
    SECTION,
    SECTIONS,
    SITE,
    VOCABULARY_MODES,
    base_url_problem,
    compose_yaml,
    is_missing,
    is_null,
    is_text,
    mapping_pairs,
    node_line,
    read_value,
    text_list,
    unknown_key,
    yaml_error,
)
from huikan.textnorm import nfkc

__all__ = [  # re-exported: the schema's helpers were defined here before
    "VOCABULARY_MODES",
    "ConfigError",
    "base_url_problem",
    "compose_yaml",
    "is_null",
    "is_text",
    "mapping_pairs",
    "node_line",
    "text_list",
    "yaml_error",
]

GENERAL = "综合"  # the catch-all cluster every taxonomy has


def norm_key(s: str) -> str:
    """Normalise a name for matching: NFKC, no whitespace, Latin lower-cased."""
    return re.sub(r"\s+", "", nfkc(s)).lower()


@dataclass
class Cluster:
    name: str
    slug: str
    aliases: list[str] = field(default_factory=list)
    # Site words added to the built-in vocabulary of this cluster (or, with
    # ``vocabulary == "replace"``, the cluster's whole vocabulary besides its names).
    keywords: list[str] = field(default_factory=list)
    vocabulary: str = "extend"  # "extend" | "replace"

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


@dataclass
class SiteConfig:
    title: str = "汇刊"
    description: str = ""
    base_url: str = "/"
    language: str = "zh-CN"
    templates: str | None = None
    per_page: int = 20
    user_dict: list[str] = field(default_factory=list)
    taxonomy: Taxonomy = field(default_factory=lambda: default_taxonomy())
    path: Path | None = None  # where it was loaded from

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def default_taxonomy() -> Taxonomy:
    """The built-in taxonomy (names, slugs, aliases) of ``huikan/data/cluster_vocab.yml``,
    used when site.yml is missing or lists no clusters."""
    from huikan.classify.vocab import builtin_clusters

    return Taxonomy([Cluster(c.name, c.slug, list(c.aliases)) for c in builtin_clusters()])


def load_config(path: str | Path | None = "site.yml") -> SiteConfig:
    """Read site.yml through the schema (:mod:`huikan.schema`); no file (``None`` or a missing
    path), or one without ``clusters``, gives the built-in defaults and taxonomy. Any mistake
    raises ConfigError (file:line; all problems in ``.problems``)."""
    if path is None:
        return SiteConfig(path=None)
    path = Path(path)
    if not path.exists():
        return SiteConfig(path=None)
    config, errors = parse_config(path)
    if errors:
        raise ConfigError.of(errors)
    assert config is not None
    return config


def config_problems(path: str | Path = "site.yml") -> list[ConfigError]:
    """Every mistake in site.yml, each with its line (what ``huikan check`` reports, and what
    makes :func:`load_config` refuse the file). A missing file is no problem."""
    path = Path(path)
    if not path.exists():
        return []
    return parse_config(path)[1]


def parse_config(path: Path) -> tuple[SiteConfig | None, list[ConfigError]]:
    """site.yml as a SiteConfig, and every problem found (the config is None when there are
    problems): unknown or repeated keys, wrong kinds of value, clusters without name or slug,
    repeated cluster names/aliases or slugs, a bad base_url, a missing templates folder."""
    errors: list[ConfigError] = []
    try:
        root, _text = compose_yaml(path)
    except ConfigError as e:
        return None, [e]
    values: dict[str, Any] = {}
    if root is not None and not is_null(root):
        if not isinstance(root, yaml.MappingNode):
            return None, [ConfigError(path, "顶层应是键值映射（mapping）", node_line(root))]
        for key, k, v in mapping_pairs(path, root, errors):
            spec = SITE.get(key)
            if spec is None:
                errors.append(unknown_key(path, key, k, SITE))
            elif spec.kind == CLUSTERS:
                values[key] = _clusters(path, v, errors)
            elif spec.kind == SECTION:
                values[key] = _section(path, key, v, errors)
            else:
                value = read_value(path, key, spec, v, errors)
                if is_missing(value):
                    continue
                if key == "templates" and not (path.parent / value).is_dir():
                    errors.append(
                        ConfigError(path, f"templates 指定的文件夹 “{value}” 不存在", node_line(v))
                    )
                values[key] = value
    if errors:
        return None, errors
    search = values.get("search") or {}
    clusters = values.get("clusters") or []
    return SiteConfig(
        title=values.get("title", "汇刊"),
        description=values.get("description", ""),
        base_url=values.get("base_url", "/"),
        language=values.get("language", "zh-CN"),
        templates=values.get("templates"),
        per_page=values.get("per_page", 20),
        user_dict=list(search.get("user_dict") or []),
        taxonomy=Taxonomy(clusters) if clusters else default_taxonomy(),
        path=path,
    ), []


def _section(path: Path, name: str, node: yaml.Node, errors: list[ConfigError]) -> dict:
    table = SECTIONS[name]
    if is_null(node):
        return {}
    if not isinstance(node, yaml.MappingNode):
        errors.append(ConfigError(path, f"{name} 应是键值映射", node_line(node)))
        return {}
    out = {}
    for key, k, v in mapping_pairs(path, node, errors, f"{name} 下"):
        spec = table.get(key)
        if spec is None:
            known = "、".join(sorted(table))
            errors.append(
                ConfigError(path, f"{name} 下有未知的键 “{key}”（可用：{known}）", node_line(k))
            )
            continue
        value = read_value(path, f"{name}.{key}", spec, v, errors)
        if not is_missing(value):
            out[key] = value
    return out


@dataclass
class _Claimed:
    """The names, aliases and slugs earlier clusters took: a repeat is reported with the line
    of the one it repeats."""

    # norm_key(name or alias) -> (item number, cluster name, line)
    names: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    slugs: dict[str, int] = field(default_factory=dict)  # slug -> line


def _clusters(path: Path, node: yaml.Node, errors: list[ConfigError]) -> list[Cluster]:
    """The ``clusters`` list; every item is checked, even after a bad one, so that all the
    mistakes are reported at once."""
    if is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        errors.append(
            ConfigError(path, "clusters 应是一个列表，每项含 name 和 slug", node_line(node))
        )
        return []
    out: list[Cluster] = []
    claimed = _Claimed()
    for i, item in enumerate(node.value, 1):
        cluster = _cluster(path, i, item, claimed, errors)
        if cluster is not None:
            out.append(cluster)
    return out


def _cluster(
    path: Path, i: int, item: yaml.Node, claimed: _Claimed, errors: list[ConfigError]
) -> Cluster | None:
    """Item ``i`` of ``clusters``; None when it has a mistake (recorded in ``errors``). Its
    fields are checked in the order an editor reads them, each mistake once."""
    label = f"clusters 第 {i} 项"
    if not isinstance(item, yaml.MappingNode):
        errors.append(ConfigError(path, f"{label}应是键值映射（name、slug …）", node_line(item)))
        return None
    fields = _cluster_fields(path, item, label, errors)
    name = _cluster_name(path, item, fields.get("name"), label, errors)
    if name is not None:
        label = f"产业集群 “{name}”"
    slug = _cluster_slug(path, item, fields.get("slug"), label, claimed, errors)
    mode = "extend"
    if "vocabulary" in fields:
        got = read_value(
            path, "vocabulary", CLUSTER["vocabulary"], fields["vocabulary"], errors, label
        )
        mode = "extend" if is_missing(got) else got
    words: dict[str, list[str]] = {}
    for key in ("aliases", "keywords"):
        if key in fields:
            got = read_value(path, key, CLUSTER[key], fields[key], errors, f"{label}的 ")
            words[key] = [] if is_missing(got) else got
    if name is None:
        return None
    _claim_names(path, i, name, fields, bool(words.get("aliases")), claimed, errors)
    if slug is None:
        return None
    return Cluster(name, slug, words.get("aliases", []), words.get("keywords", []), mode)


def _cluster_fields(
    path: Path, item: yaml.MappingNode, label: str, errors: list[ConfigError]
) -> dict[str, yaml.Node]:
    """An item's value nodes by key, reporting each key a cluster does not have (all of them,
    not only the first)."""
    fields: dict[str, yaml.Node] = {}
    for key, k, v in mapping_pairs(path, item, errors, f"{label}中"):
        if key not in CLUSTER:
            errors.append(unknown_key(path, key, k, CLUSTER, f"{label}有"))
        fields[key] = v
    return fields


def _cluster_name(
    path: Path,
    item: yaml.Node,
    node: yaml.Node | None,
    label: str,
    errors: list[ConfigError],
) -> str | None:
    """The cluster's display name, or None (reported) when it is missing or not text: the
    later messages then name the item by its number."""
    if node is None or is_null(node) or not str(node.value).strip():
        errors.append(ConfigError(path, f"{label}缺少 name", node_line(item)))
    elif not is_text(node):
        errors.append(ConfigError(path, f"{label}的 name 应是一段文字", node_line(node)))
    else:
        return str(node.value).strip()
    return None


def _cluster_slug(
    path: Path,
    item: yaml.Node,
    node: yaml.Node | None,
    label: str,
    claimed: _Claimed,
    errors: list[ConfigError],
) -> str | None:
    """The cluster's URL slug, or None when it is missing or malformed; a slug an earlier
    cluster took is reported (two clusters cannot share a URL) but still returned."""
    if node is None or is_null(node):
        errors.append(ConfigError(path, f"{label}缺少 slug（网址中的英文名）", node_line(item)))
        return None
    got = read_value(path, "slug", CLUSTER["slug"], node, errors, label)
    if is_missing(got):
        return None
    if got in claimed.slugs:
        errors.append(
            ConfigError(
                path,
                f"{label}的 slug “{got}” 与第 {claimed.slugs[got]} 行重复",
                node_line(node),
            )
        )
    else:
        claimed.slugs[got] = node_line(node)
    return got


def _claim_names(
    path: Path,
    i: int,
    name: str,
    fields: dict[str, yaml.Node],
    has_aliases: bool,
    claimed: _Claimed,
    errors: list[ConfigError],
) -> None:
    """Claim item ``i``'s name and aliases, reporting each an earlier cluster already took: a
    printed label must resolve to one cluster."""
    alias_nodes = fields.get("aliases")
    aliases = (
        [(str(x.value), node_line(x)) for x in alias_nodes.value]
        if isinstance(alias_nodes, yaml.SequenceNode) and has_aliases
        else []
    )
    for n, line in [(name, node_line(fields["name"])), *aliases]:
        key = norm_key(n)
        if key not in claimed.names:
            claimed.names[key] = (i, name, line)
            continue
        j, other, other_line = claimed.names[key]
        if j == i:
            continue  # an alias repeating its own cluster's name is harmless
        what = "产业集群名称" if n == name == other else "名称"
        errors.append(
            ConfigError(path, f"{what} “{n}” 重复：第 {other_line} 行的 “{other}” 已用了它", line)
        )
