"""One declarative schema for ``site.yml`` and the sidecars (``issues/NAME.yml``).

Each section is a table of keys: what kind of value each takes, and what it means. One reader
walks the YAML *nodes* (never constructed Python objects, so ``date: 2024-02-31`` is a value
to judge, not a crash, and every problem has its own line) and checks each value against its
kind. The build (:func:`huikan.config.load_config`, :func:`huikan.ingest.sidecar.load_sidecar`)
and ``huikan check`` both go through it: what one accepts, the other accepts.

A problem reads ``file:line: what is wrong（what is allowed）``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from huikan.config_errors import ConfigError

# -- kinds of value ---------------------------------------------------------------------------
TEXT = "text"  # a string, or a number meant as text (number: 39)
TEXT_LIST = "text_list"  # a YAML list of texts
TEXT_OR_LIST = "text_or_list"  # one text or a list of them
POSITIVE_INT = "positive_int"
BOOL = "bool"
DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD, a real day
SLUG = "slug"  # a URL part a sidecar pins (letters, digits, CJK, - and .)
CLUSTER_SLUG = "cluster_slug"  # lowercase ASCII, digits, -
BASE_URL = "base_url"
VOCABULARY = "vocabulary"  # extend | replace
SECTION = "section"  # a nested mapping (its own table)
CLUSTERS = "clusters"  # the list of cluster tables
ARTICLES = "articles"  # title → article table (or a list of tables with title)

VOCABULARY_MODES = ("extend", "replace")
SLUG_RE = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,79}$")
CLUSTER_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")

ALLOWED = {
    TEXT: "一段文字",
    TEXT_LIST: "一组文字（YAML 列表）",
    TEXT_OR_LIST: "一段文字或一组文字（YAML 列表）",
    POSITIVE_INT: "正整数",
    BOOL: "true 或 false",
    DATE: "YYYY、YYYY-MM 或 YYYY-MM-DD（如 2024-04）",
    SLUG: "字母、数字、汉字、- 和 .，不超过 80 个字符",
    CLUSTER_SLUG: "小写字母、数字和 -",
    BASE_URL: "/ 开头的路径（如 /huikan/）或完整网址（如 https://example.org/huikan/）",
    VOCABULARY: "extend 或 replace",
}


@dataclass(frozen=True)
class Key:
    kind: str
    help: str
    nullable: bool = True  # `key:` with no value means "not given"


SEARCH = {"user_dict": Key(TEXT_LIST, "分词时必须保持完整的词")}
CLUSTER = {
    "name": Key(TEXT, "显示名称", nullable=False),
    "slug": Key(CLUSTER_SLUG, "网址中的英文名", nullable=False),
    "aliases": Key(TEXT_LIST, "简报中印出的其他名称"),
    "keywords": Key(TEXT_LIST, "追加到内置词表的词语"),
    "vocabulary": Key(VOCABULARY, "extend：追加到内置词表；replace：只用自己的词"),
}
SITE = {
    "title": Key(TEXT, "网站标题", nullable=False),
    "description": Key(TEXT, "一句话介绍", nullable=False),
    "base_url": Key(BASE_URL, "网站地址", nullable=False),
    "language": Key(TEXT, "页面语言", nullable=False),
    "templates": Key(TEXT, "覆盖内置模板的文件夹"),
    "per_page": Key(POSITIVE_INT, "产业集群页每页文章数", nullable=False),
    "search": Key(SECTION, "搜索设置"),
    "clusters": Key(CLUSTERS, "产业集群分类"),
}
ARTICLE = {
    "cluster": Key(TEXT, "产业集群（site.yml 中的名称或别名）"),
    "column": Key(TEXT, "栏目"),
    "slug": Key(SLUG, "文章网址"),
    "title": Key(TEXT, "标题"),
    "subtitle": Key(TEXT, "副标题"),
    "byline": Key(TEXT, "作者"),
    "source": Key(TEXT, "来源"),
    "drop": Key(BOOL, "true：不发布这篇文章"),
}
META_KEYS = ("title", "publisher", "number", "date", "slug")
SIDECAR = {
    "title": Key(TEXT, "刊名"),
    "publisher": Key(TEXT, "编印单位"),
    "number": Key(TEXT, "期号"),
    "date": Key(DATE, "刊期日期"),
    "slug": Key(SLUG, "这一期的网址"),
    "split": Key(TEXT_OR_LIST, "漏拆的文章标题"),
    "merge": Key(TEXT_OR_LIST, "误拆出的小标题"),
    "drop": Key(TEXT_OR_LIST, "不发布的段落（开头的文字）"),
    "articles": Key(ARTICLES, "逐篇修改，按标题"),
}
SECTIONS = {"search": SEARCH}


# -- value checks shared with `huikan check` ---------------------------------------------------
_DATE_FORMS = (
    ("%Y", re.compile(r"^\d{4}$")),
    ("%Y-%m", re.compile(r"^\d{4}-\d{2}$")),
    ("%Y-%m-%d", re.compile(r"^\d{4}-\d{2}-\d{2}$")),
)


def date_problem(value: str) -> str | None:
    """Why ``value`` is not a YYYY, YYYY-MM or YYYY-MM-DD date, or None."""
    for fmt, pattern in _DATE_FORMS:
        if pattern.match(value):
            try:
                d = dt.datetime.strptime(value, fmt)
            except ValueError:
                return "没有这一天或这个月"
            if not 1900 <= d.year <= 2099:
                return "年份不在 1900–2099 之间"
            return None
    return f"格式应为 {ALLOWED[DATE]}"


def slug_problem(value: str) -> str | None:
    """Why a pinned slug is unsafe or invalid, or None."""
    if SLUG_RE.match(value):
        return None
    if "/" in value or "\\" in value or value.startswith(".") or ".." in value:
        return "不能含 /、\\ 或 ..，也不能以 . 开头（网址会跑出所在的文件夹）"
    if not value.strip():
        return "不能为空"
    return f"只能用{ALLOWED[SLUG]}"


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a site's base URL, or None."""
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
        return "应是 " + ALLOWED[BASE_URL]
    return None


# -- YAML nodes -------------------------------------------------------------------------------
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_TEXT_TAGS = {_STR, _INT, "tag:yaml.org,2002:float"}
_TRUE = {"true", "yes", "on", "y"}


def yaml_error(path: str | Path, e: yaml.YAMLError) -> ConfigError:
    """A YAML syntax error as a ConfigError naming the line to look at: where an unclosed
    bracket or quote was opened (the context), else where the parser gave up."""
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.context_mark or e.problem_mark
        what = "；".join(x for x in (e.context, e.problem) if x)
        return ConfigError(path, f"YAML 语法错误：{what}", mark.line + 1 if mark else None)
    return ConfigError(path, f"YAML 语法错误：{e}")


def compose_yaml(path: Path, raw: bytes | None = None) -> tuple[yaml.Node | None, str]:
    """The YAML node tree of ``path`` (for line numbers) and its text; ConfigError if it is
    not UTF-8 or not YAML."""
    try:
        text = (path.read_bytes() if raw is None else raw).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, f"不是 UTF-8 编码的文本（{e.reason}）") from e
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), text
    except yaml.YAMLError as e:
        raise yaml_error(path, e) from e
    except RecursionError as e:  # absurdly deep nesting
        raise ConfigError(path, "YAML 嵌套太深") from e


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
    errors.append(ConfigError(path, f"{key} 应是{ALLOWED[TEXT_LIST]}", node_line(node)))
    return []


_MISSING = object()


def read_value(
    path: Path, key: str, spec: Key, node: yaml.Node, errors: list[ConfigError], label: str = ""
) -> Any:
    """The value of a scalar-like key per its kind, or ``_MISSING`` (null, or an error added).
    ``label`` prefixes messages (e.g. "产业集群 “新材料”的 ")."""
    kind = spec.kind
    line = node_line(node)
    if is_null(node):
        if not spec.nullable:
            errors.append(ConfigError(path, f"{label}{key} 不能为空", line))
        return _MISSING
    if kind in (TEXT_LIST, TEXT_OR_LIST):
        n = len(errors)
        got = text_list(path, f"{label}{key}", node, errors, allow_scalar=kind == TEXT_OR_LIST)
        return got if len(errors) == n else _MISSING
    if kind == BOOL:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return node.value.lower() in _TRUE
        errors.append(ConfigError(path, f"{key} 应是 {ALLOWED[BOOL]}", line))
        return _MISSING
    if kind == POSITIVE_INT:
        ok = isinstance(node, yaml.ScalarNode) and node.tag == _INT
        try:
            value = int(node.value, 0) if ok else 0
        except ValueError:
            value = 0
        if value < 1:
            errors.append(ConfigError(path, f"{label}{key} 应是{ALLOWED[POSITIVE_INT]}", line))
            return _MISSING
        return value
    if kind == DATE:  # any scalar: 2024-04-01 is a YAML timestamp, 2024 an int
        if not isinstance(node, yaml.ScalarNode):
            errors.append(ConfigError(path, f"{key} 应是日期：{ALLOWED[DATE]}", line))
            return _MISSING
        value = str(node.value).strip()
        if why := date_problem(value):
            errors.append(ConfigError(path, f"日期 “{node.value}” 不对：{why}", line))
            return _MISSING
        return value
    if not is_text(node):
        errors.append(ConfigError(path, f"{label}{key} 应是{ALLOWED[TEXT]}", line))
        return _MISSING
    value = str(node.value).strip() if kind != BASE_URL else str(node.value)
    if kind == SLUG and (why := slug_problem(value)):
        errors.append(ConfigError(path, f"{label}slug “{value}” 不合法：{why}", line))
        return _MISSING
    if kind == CLUSTER_SLUG and not CLUSTER_SLUG_RE.match(value):
        errors.append(
            ConfigError(
                path,
                f"{label}的 slug “{value}” 不合法：只能用{ALLOWED[CLUSTER_SLUG]}",
                line,
            )
        )
        return _MISSING
    if kind == BASE_URL and (why := base_url_problem(value)):
        errors.append(ConfigError(path, f"base_url “{value}” 不合法：{why}", line))
        return _MISSING
    if kind == VOCABULARY and value not in VOCABULARY_MODES:
        errors.append(ConfigError(path, f"{label}的 vocabulary 应是 {ALLOWED[VOCABULARY]}", line))
        return _MISSING
    return value


def unknown_key(path: Path, key: str, k: yaml.Node, table: dict[str, Key], where: str = ""):
    known = "、".join(sorted(table))
    return ConfigError(path, f"{where}未知的键 “{key}”（可用：{known}）", node_line(k))


def is_missing(value: Any) -> bool:
    return value is _MISSING
