"""``huikan check``: find every mistake in ``site.yml`` and the sidecars before a build.

A typo in a sidecar must stop a pull request early with a message an editor can act on, so
this reports *all* problems at once, each as ``file:line: message``. It reuses the rules of
:func:`huikan.ingest.sidecar.load_sidecar` (keys, slug pattern; anything that function refuses
is reported too) and adds what only a look at the whole archive can see: two bulletins or two
articles pinned to the same URL, a sidecar without its bulletin, a slug the site reserves.
With ``deep=True`` it also ingests (through the cache) each bulletin whose sidecar corrects
articles, and reports corrections whose title matches no article — they would silently do
nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from huikan.config import (
    ConfigError,
    SiteConfig,
    Taxonomy,
    compose_yaml,
    config_problems,
    is_null,
    is_text,
    load_config,
    mapping_pairs,
    node_line,
    text_list,
)
from huikan.ingest.sidecar import ARTICLE_KEYS, META_KEYS, SLUG, TOP_KEYS, load_sidecar

SIDECAR_SUFFIXES = (".yml", ".yaml")
_DATE_FORMS = (("%Y", re.compile(r"^\d{4}$")), ("%Y-%m", re.compile(r"^\d{4}-\d{2}$")))
_BOOL = "tag:yaml.org,2002:bool"
_TRUE = {"true", "yes", "on", "y"}


@dataclass(frozen=True)
class Problem:
    file: str  # as shown to the editor: relative to the site folder when possible
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    sidecars: int = 0
    bulletins: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Pin:
    slug: str
    line: int


@dataclass
class _SidecarInfo:
    """What the cross-file checks need from one sidecar."""

    slug: _Pin | None = None
    article_slugs: list[tuple[str, _Pin]] = field(default_factory=list)  # (title, pin)
    article_titles: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)


# -- one sidecar -----------------------------------------------------------------------------
def date_problem(value: str) -> str | None:
    """Why ``value`` is not a YYYY, YYYY-MM or YYYY-MM-DD date, or None."""
    forms = [*_DATE_FORMS, ("%Y-%m-%d", re.compile(r"^\d{4}-\d{2}-\d{2}$"))]
    for fmt, pattern in forms:
        if pattern.match(value):
            try:
                d = dt.datetime.strptime(value, fmt)
            except ValueError:
                return "没有这一天或这个月"
            if not 1900 <= d.year <= 2099:
                return "年份不在 1900–2099 之间"
            return None
    return "格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD（如 2024-04）"


def slug_problem(value: str) -> str | None:
    """Why a pinned slug is unsafe or invalid, or None (the rule is load_sidecar's SLUG)."""
    if SLUG.match(value):
        return None
    if "/" in value or "\\" in value or value.startswith(".") or ".." in value:
        return "不能含 /、\\ 或 ..，也不能以 . 开头（网址会跑出所在的文件夹）"
    if not value.strip():
        return "不能为空"
    return "只能用字母、数字、汉字、- 和 .，且不超过 80 个字符"


def sidecar_problems(
    path: Path, taxonomy: Taxonomy | None
) -> tuple[list[ConfigError], _SidecarInfo]:
    """Every mistake in one sidecar, with lines, plus its slug pins for the archive checks."""
    info = _SidecarInfo()
    errors: list[ConfigError] = []
    try:
        root, _ = compose_yaml(path)
    except ConfigError as e:
        return [e], info
    if root is None or is_null(root):
        return [], info
    if not isinstance(root, yaml.MappingNode):
        return [ConfigError(path, "顶层应是键值映射，例如 `date: 2024-04`", node_line(root))], info
    for key, k, v in mapping_pairs(path, root, errors):
        if key not in TOP_KEYS:
            known = "、".join(sorted(TOP_KEYS))
            errors.append(ConfigError(path, f"未知的键 “{key}”（可用：{known}）", node_line(k)))
        elif is_null(v):
            continue
        elif key in META_KEYS:
            if not is_text(v) and not (key == "date" and isinstance(v, yaml.ScalarNode)):
                errors.append(ConfigError(path, f"{key} 应是一段文字", node_line(v)))
            elif key == "date" and (why := date_problem(str(v.value).strip())):
                errors.append(ConfigError(path, f"日期 “{v.value}” 不对：{why}", node_line(v)))
            elif key == "slug":
                s = str(v.value).strip()
                if why := slug_problem(s):
                    errors.append(ConfigError(path, f"slug “{s}” 不合法：{why}", node_line(v)))
                else:
                    info.slug = _Pin(s, node_line(v))
        elif key in ("split", "merge", "drop"):
            text_list(path, key, v, errors, allow_scalar=True)
        elif key == "articles":
            _article_problems(path, v, taxonomy, errors, info)
    if not errors:
        try:  # the loader the build uses must accept it too
            load_sidecar(path, taxonomy)
        except ConfigError as e:
            errors.append(e)
    return errors, info


def _article_problems(
    path: Path,
    node: yaml.Node,
    taxonomy: Taxonomy | None,
    errors: list[ConfigError],
    info: _SidecarInfo,
) -> None:
    entries: list[tuple[str, int, yaml.Node]] = []  # (title, line, overrides node)
    if isinstance(node, yaml.MappingNode):
        for title, k, v in mapping_pairs(path, node, errors, "articles 下"):
            entries.append((title, node_line(k), v))
    elif isinstance(node, yaml.SequenceNode):  # [{title: …, cluster: …}, …]
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
    allowed = ARTICLE_KEYS | ({"match"} if isinstance(node, yaml.SequenceNode) else set())
    for title, line, v in entries:
        if not isinstance(v, yaml.MappingNode):
            errors.append(
                ConfigError(
                    path, f"文章 “{title}” 的修改项应是键值映射（如 cluster: 数字经济）", line
                )
            )
            continue
        fields: dict[str, str] = {}
        for key, k, val in mapping_pairs(path, v, errors, f"文章 “{title}” 下"):
            where = node_line(k)
            if key not in allowed:
                known = "、".join(sorted(ARTICLE_KEYS))
                errors.append(
                    ConfigError(
                        path, f"文章 “{title}” 下有未知的键 “{key}”（可用：{known}）", where
                    )
                )
            elif key == "drop":
                if not (isinstance(val, yaml.ScalarNode) and val.tag == _BOOL):
                    errors.append(ConfigError(path, "drop 应是 true 或 false", where))
                else:
                    fields[key] = "true" if val.value.lower() in _TRUE else "false"
            elif is_null(val):
                continue
            elif not is_text(val):
                errors.append(ConfigError(path, f"文章 “{title}” 的 {key} 应是一段文字", where))
            elif key == "cluster":
                name = str(val.value)
                if taxonomy is not None and taxonomy.get(name) is None:
                    known = "、".join(taxonomy.names)
                    errors.append(
                        ConfigError(
                            path, f"未知的产业集群 “{name}”（site.yml 中有：{known}）", where
                        )
                    )
            elif key == "slug":
                s = str(val.value).strip()
                if why := slug_problem(s):
                    errors.append(ConfigError(path, f"slug “{s}” 不合法：{why}", where))
                else:
                    info.article_slugs.append((title, _Pin(s, where)))
            if key in ARTICLE_KEYS and key != "drop" and is_text(val):
                fields[key] = str(val.value)
        info.article_titles.append((title, line, fields))


# -- the archive -----------------------------------------------------------------------------
def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def check_site(
    root: Path,
    *,
    config_path: Path | None = None,
    issues_dir: Path | None = None,
    deep: bool = False,
) -> CheckReport:
    """Check ``site.yml`` and every sidecar under ``issues/``; never raises for bad input."""
    from huikan.build import BuildError, find_bulletins, issue_files
    from huikan.site.model import RESERVED
    from huikan.site.slugs import slugify

    root = Path(root)
    config_path = config_path or root / "site.yml"
    issues_dir = issues_dir or root / "issues"
    report = CheckReport()

    def add(e: ConfigError, fallback: Path) -> None:
        file = Path(e.file) if e.file else fallback
        report.problems.append(Problem(_display(file, root), e.line, e.reason))

    cfg_errors = config_problems(config_path)
    for e in cfg_errors:
        add(e, config_path)
    config: SiteConfig | None = None
    if not cfg_errors:
        config = load_config(config_path)
    taxonomy = config.taxonomy if config else None

    try:
        bulletins = find_bulletins(issues_dir)
    except BuildError as e:
        report.problems.append(Problem(_display(issues_dir, root), None, str(e)))
        return report
    report.bulletins = len(bulletins)
    stems: dict[Path, list[Path]] = {}
    for b in bulletins:
        stems.setdefault(b.with_suffix(""), []).append(b)

    infos: dict[Path, _SidecarInfo] = {}  # bulletin -> its sidecar's info
    sidecar_of: dict[Path, Path] = {}
    for sc in issue_files(issues_dir, SIDECAR_SUFFIXES):
        report.sidecars += 1
        errors, info = sidecar_problems(sc, taxonomy)
        for e in errors:
            add(e, sc)
        owners = stems.get(sc.with_suffix(""), [])
        if not owners:
            report.problems.append(
                Problem(
                    _display(sc, root),
                    None,
                    "没有同名的简报文件（.pdf、.txt 或 .md），这个旁注文件不会生效；"
                    "文件名是否拼错？",
                )
            )
            continue
        if sc.suffix.lower() == ".yaml" and sc.with_suffix(".yml").exists():
            report.problems.append(
                Problem(
                    _display(sc, root),
                    None,
                    f"同一期简报已有 {sc.with_suffix('.yml').name}，这个 .yaml 文件会被忽略",
                )
            )
            continue
        for b in owners:
            infos[b] = info
            sidecar_of[b] = sc
        _duplicate_article_slugs(sc, info, root, report, slugify)

    # Bulletin URLs: a pinned slug that collides is silently renamed by the build.
    by_slug: dict[str, list[Path]] = {}
    for b in bulletins:
        pin = infos[b].slug if b in infos else None
        slug = slugify(pin.slug if pin else b.stem, max_len=80, fallback="issue")
        if pin and slug in RESERVED:
            report.problems.append(
                Problem(
                    _display(sidecar_of[b], root),
                    pin.line,
                    f"slug “{pin.slug}” 是网站自用的名字"
                    f"（{'、'.join(sorted(RESERVED))}），请换一个",
                )
            )
        by_slug.setdefault(slug, []).append(b)
    for slug, group in sorted(by_slug.items()):
        if len(group) < 2:
            continue
        names = "、".join(_display(b, root) for b in group)
        for b in group:
            pin = infos[b].slug if b in infos else None
            where = (_display(sidecar_of[b], root), pin.line) if pin else (_display(b, root), None)
            report.problems.append(
                Problem(
                    *where,
                    f"{len(group)} 期简报的网址都是 “{slug}/”（{names}）；"
                    "请在旁注文件中用 slug 给每期指定不同的网址",
                )
            )

    if deep and config is not None:
        _unmatched_articles(root, config, bulletins, infos, sidecar_of, report)
    report.problems.sort(key=lambda p: (p.file, p.line or 0, p.message))
    return report


def _duplicate_article_slugs(sc, info, root, report, slugify) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for title, pin in info.article_slugs:
        s = slugify(pin.slug, max_len=80, fallback="article")
        if s in seen:
            other, line = seen[s]
            report.problems.append(
                Problem(
                    _display(sc, root),
                    pin.line,
                    f"文章 “{title}” 的 slug “{pin.slug}” 与第 {line} 行 “{other}” 的相同",
                )
            )
        else:
            seen[s] = (title, pin.line)


def _unmatched_articles(root, config, bulletins, infos, sidecar_of, report) -> None:
    """Sidecar corrections whose title matches no article of the ingested bulletin."""
    from huikan.cache import IngestCache
    from huikan.ingest.textutil import squash
    from huikan.model import IngestError

    cache = IngestCache(config.root / ".huikan-cache")
    for b in bulletins:
        info = infos.get(b)
        if info is None or not info.article_titles:
            continue
        sc = sidecar_of[b]
        if any(p.file == _display(sc, root) for p in report.problems):
            continue  # a broken sidecar: its errors say enough
        try:
            res = cache.ingest(b, config)
            sidecar = load_sidecar(sc, config.taxonomy)
        except (IngestError, ConfigError) as e:
            report.problems.append(Problem(_display(b, root), None, f"无法拆分：{e}"))
            continue
        titles = {squash(a.title) for a in res.articles}
        matched = {id(o) for a in res.articles if (o := sidecar.article_overrides(a.title))}
        for title, line, fields in info.article_titles:
            o = sidecar.articles.get(title)
            if o is None or fields.get("drop") == "true":
                continue  # a dropped article is gone from the result: nothing to compare
            if id(o) in matched or squash(fields.get("title", "")) in titles:
                continue
            report.problems.append(
                Problem(
                    _display(sc, root),
                    line,
                    f"没有标题为 “{title}” 的文章，这一项修改不会生效（可用 huikan ingest "
                    f"{_display(b, root)} 查看拆分出的标题）",
                )
            )
