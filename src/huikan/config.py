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


def yaml_error(path: str | Path, e: yaml.YAMLError) -> ConfigError:
    """A YAML syntax error as a ConfigError naming the line to look at: where an unclosed
    bracket or quote was opened (the context), else where the parser gave up."""
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.context_mark or e.problem_mark
        what = "；".join(x for x in (e.context, e.problem) if x)
        return ConfigError(path, f"YAML 语法错误：{what}", mark.line + 1 if mark else None)
    return ConfigError(path, f"YAML 语法错误：{e}")


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, f"不是 UTF-8 编码的文本（{e.reason}）") from e
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise yaml_error(path, e) from e


VOCABULARY_MODES = ("extend", "replace")


def default_taxonomy() -> Taxonomy:
    """The built-in taxonomy (names, slugs, aliases) of ``huikan/data/cluster_vocab.yml``,
    used when site.yml is missing or lists no clusters."""
    from huikan.classify.vocab import builtin_clusters

    return Taxonomy([Cluster(c.name, c.slug, list(c.aliases)) for c in builtin_clusters()])


def load_config(path: str | Path | None = "site.yml") -> SiteConfig:
    """Read site.yml; no file (``None`` or a missing path), or one without ``clusters``, gives
    the built-in defaults and the built-in taxonomy."""
    if path is None:
        return SiteConfig(path=None)
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
                vocabulary=_vocabulary_mode(path, c),
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
        taxonomy=Taxonomy(clusters) if clusters else default_taxonomy(),
        path=path,
    )


def _vocabulary_mode(path: Path, c: dict[str, Any]) -> str:
    mode = str(c.get("vocabulary") or "extend")
    if mode not in VOCABULARY_MODES:
        raise ConfigError(
            path, f"产业集群 “{c['name']}” 的 vocabulary 应是 extend 或 replace，而不是 “{mode}”"
        )
    return mode


# -- validation for `huikan check` -----------------------------------------------------------
# load_config is lenient (it fills defaults and ignores what it does not know); `huikan check`
# wants every mistake, each with its line, so it walks the YAML nodes instead.

CONFIG_KEYS = {
    "title",
    "description",
    "base_url",
    "language",
    "templates",
    "per_page",
    "search",
    "clusters",
}
SEARCH_KEYS = {"user_dict"}
CLUSTER_KEYS = {"name", "slug", "aliases", "keywords", "vocabulary"}
CLUSTER_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_STR = "tag:yaml.org,2002:str"
_TEXT_TAGS = {_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def compose_yaml(path: Path) -> tuple[yaml.Node | None, str]:
    """The YAML node tree of ``path`` (for line numbers) and its text; ConfigError if it is
    not UTF-8 or not YAML."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, f"不是 UTF-8 编码的文本（{e.reason}）") from e
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), text
    except yaml.YAMLError as e:
        raise yaml_error(path, e) from e


def node_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def is_text(node: yaml.Node) -> bool:
    """A scalar an editor means as text: a string, or a number such as ``number: 39``."""
    return isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS


def mapping_pairs(
    path: Path, node: yaml.MappingNode, errors: list[ConfigError], where: str = ""
) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """``(key, key node, value node)`` of a mapping; a repeated key is an error (PyYAML would
    silently keep the last one)."""
    seen: dict[str, int] = {}
    out = []
    for k, v in node.value:
        key = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
        if key in seen:
            errors.append(
                ConfigError(path, f"{where}键 “{key}” 重复（第 {seen[key]} 行已有）", node_line(k))
            )
            continue
        seen[key] = node_line(k)
        out.append((key, k, v))
    return out


def text_list(
    path: Path, key: str, node: yaml.Node, errors: list[ConfigError], *, allow_scalar: bool
) -> list[str]:
    """A list of texts (or, when allowed, one text); errors otherwise."""
    if is_null(node):
        return []
    if allow_scalar and is_text(node):
        return [str(node.value)]
    if isinstance(node, yaml.SequenceNode) and all(is_text(x) for x in node.value):
        return [str(x.value) for x in node.value]
    errors.append(ConfigError(path, f"{key} 应是一组文字（YAML 列表）", node_line(node)))
    return []


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a site's base URL, or None: it must be ``/``, a path such as
    ``/huikan/``, or a full ``http(s)://host/path/`` without query or fragment."""
    from urllib.parse import urlsplit

    if not url or any(ch.isspace() for ch in url):
        return "不能为空或含空白"
    parts = urlsplit(url)
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "不能含 ? 或 #"
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "完整网址应以 http:// 或 https:// 开头并含域名"
        return None
    if not url.startswith("/") or url.startswith("//"):
        return "应是 / 开头的路径（如 /huikan/）或完整网址（如 https://example.org/huikan/）"
    return None


def config_problems(path: str | Path = "site.yml") -> list[ConfigError]:
    """Every mistake in site.yml, each with its line: unknown or repeated keys, wrong types,
    clusters without name or slug, repeated cluster names/aliases or slugs, a bad base_url,
    a missing templates folder. A missing file is no problem (defaults apply)."""
    path = Path(path)
    if not path.exists():
        return []
    errors: list[ConfigError] = []
    try:
        root, _text = compose_yaml(path)
    except ConfigError as e:
        return [e]
    if root is None or is_null(root):
        return []
    if not isinstance(root, yaml.MappingNode):
        return [ConfigError(path, "顶层应是键值映射（mapping）", node_line(root))]
    for key, k, v in mapping_pairs(path, root, errors):
        if key not in CONFIG_KEYS:
            known = "、".join(sorted(CONFIG_KEYS))
            errors.append(ConfigError(path, f"未知的键 “{key}”（可用：{known}）", node_line(k)))
        elif key == "clusters":
            errors += _cluster_problems(path, v)
        elif key == "search":
            if is_null(v):
                continue
            if not isinstance(v, yaml.MappingNode):
                errors.append(ConfigError(path, "search 应是键值映射", node_line(v)))
                continue
            for sk, skn, sv in mapping_pairs(path, v, errors, "search 下"):
                if sk not in SEARCH_KEYS:
                    errors.append(
                        ConfigError(
                            path, f"search 下有未知的键 “{sk}”（可用：user_dict）", node_line(skn)
                        )
                    )
                else:
                    text_list(path, f"search.{sk}", sv, errors, allow_scalar=False)
        elif key == "per_page":
            ok = isinstance(v, yaml.ScalarNode) and v.tag == "tag:yaml.org,2002:int"
            if not ok or int(v.value) < 1:
                errors.append(ConfigError(path, "per_page 应是正整数", node_line(v)))
        elif is_null(v):
            if key != "templates":
                errors.append(ConfigError(path, f"{key} 不能为空", node_line(v)))
        elif not is_text(v):
            errors.append(ConfigError(path, f"{key} 应是一段文字", node_line(v)))
        elif key == "base_url" and (why := base_url_problem(str(v.value))):
            errors.append(ConfigError(path, f"base_url “{v.value}” 不合法：{why}", node_line(v)))
        elif key == "templates" and not (path.parent / str(v.value)).is_dir():
            errors.append(
                ConfigError(path, f"templates 指定的文件夹 “{v.value}” 不存在", node_line(v))
            )
    if not errors:
        try:  # whatever load_config itself refuses is an error too
            load_config(path)
        except (ConfigError, ValueError, TypeError) as e:
            errors.append(e if isinstance(e, ConfigError) else ConfigError(path, str(e)))
    return errors


def _cluster_problems(path: Path, node: yaml.Node) -> list[ConfigError]:
    errors: list[ConfigError] = []
    if is_null(node):
        return errors
    if not isinstance(node, yaml.SequenceNode):
        return [ConfigError(path, "clusters 应是一个列表，每项含 name 和 slug", node_line(node))]
    names: dict[str, tuple[int, str, int]] = {}  # norm_key(name/alias) -> (item, cluster, line)
    slugs: dict[str, int] = {}
    for i, item in enumerate(node.value, 1):
        label = f"clusters 第 {i} 项"
        if not isinstance(item, yaml.MappingNode):
            errors.append(
                ConfigError(path, f"{label}应是键值映射（name、slug …）", node_line(item))
            )
            continue
        fields = {}
        for key, k, v in mapping_pairs(path, item, errors, f"{label}中"):
            if key not in CLUSTER_KEYS:
                known = "、".join(sorted(CLUSTER_KEYS))
                errors.append(
                    ConfigError(path, f"{label}有未知的键 “{key}”（可用：{known}）", node_line(k))
                )
            fields[key] = v
        name_node = fields.get("name")
        name = None
        if name_node is None or is_null(name_node) or not str(name_node.value).strip():
            errors.append(ConfigError(path, f"{label}缺少 name", node_line(item)))
        elif not is_text(name_node):
            errors.append(ConfigError(path, f"{label}的 name 应是一段文字", node_line(name_node)))
        else:
            name = str(name_node.value).strip()
            label = f"产业集群 “{name}”"
        slug_node = fields.get("slug")
        if slug_node is None or is_null(slug_node):
            errors.append(ConfigError(path, f"{label}缺少 slug（网址中的英文名）", node_line(item)))
        elif not is_text(slug_node) or not CLUSTER_SLUG.match(str(slug_node.value)):
            errors.append(
                ConfigError(
                    path,
                    f"{label}的 slug “{slug_node.value}” 不合法：只能用小写字母、数字和 -",
                    node_line(slug_node),
                )
            )
        else:
            s = str(slug_node.value)
            if s in slugs:
                errors.append(
                    ConfigError(
                        path, f"{label}的 slug “{s}” 与第 {slugs[s]} 行重复", node_line(slug_node)
                    )
                )
            else:
                slugs[s] = node_line(slug_node)
        mode = fields.get("vocabulary")
        if mode is not None and not (is_text(mode) and str(mode.value) in VOCABULARY_MODES):
            errors.append(
                ConfigError(path, f"{label}的 vocabulary 应是 extend 或 replace", node_line(mode))
            )
        aliases: list[tuple[str, int]] = []
        for key in ("aliases", "keywords"):
            if key in fields:
                words = text_list(path, f"{label}的 {key}", fields[key], errors, allow_scalar=False)
                node_ = fields[key]
                if key == "aliases" and isinstance(node_, yaml.SequenceNode) and words:
                    aliases = [(str(x.value), node_line(x)) for x in node_.value]
        if name is None:
            continue
        for n, line in [(name, node_line(name_node)), *aliases]:
            key = norm_key(n)
            if key not in names:
                names[key] = (i, name, line)
                continue
            j, other, other_line = names[key]
            if j == i:
                continue  # an alias repeating its own cluster's name is harmless
            what = "产业集群名称" if n == name == other else "名称"
            errors.append(
                ConfigError(
                    path,
                    f"{what} “{n}” 重复：第 {other_line} 行的 “{other}” 已用了它",
                    line,
                )
            )
    return errors
