"""After the split: weigh the result and say what looks wrong, in words an editor can act on.

A split can fail silently in ways that are easy to see from the outside: the TOC lists ten
articles and the body yields one; one "article" is eight times as long as the others; pages
pass without an article starting although the issue's articles are short; a line set exactly
like the titles was not taken as one; an "article" is a few characters long (a TOC line or a
sub-heading promoted to a title). Each doubt becomes a :class:`~huikan.model.Warning` whose code
starts with ``split-`` (see :func:`is_split_warning`), shown by ``huikan ingest``, counted by
``huikan build --strict`` and listed in ``huikan diff``'s report.

The rules compare the bulletin with itself (its median article, its own title face, its own
TOC), never with a fixed layout, so they hold for layouts nobody has seen. This module weighs
the split as a whole; the doubts one article raises on its own (its title, its body) are in
:mod:`huikan.ingest.selfcheck_articles`.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Callable

from huikan.config import Taxonomy
from huikan.ingest.credits import byline_line, is_closing_line
from huikan.ingest.selfcheck_articles import (
    about,
    credit_inside,
    label_title,
    read_across,
    titles_inside,
    unbalanced_title,
    unfinished_title,
)
from huikan.ingest.split import Split
from huikan.ingest.split_doc import Doc, is_numbered
from huikan.ingest.textutil import ends_with_stop, squash, strip_md, unfinished_word, width
from huikan.model import Article, Block, Warning

SPLIT_CODES = {"no-boundary", "empty-body"}  # plus every code starting with "split-"

# An article this many times the median length of the other articles is suspicious:
# bulletins mix short news items with long reports (a report runs three or four times a news
# item), but five times the others is almost always several articles run together.
LONG_FACTOR = 5.0
LONG_MIN = 3000  # characters: a short issue's longest item is not suspicious below this
# Body text shorter than this (in CJK characters) is not an article: a TOC line, a label or a
# sub-heading taken for a title.
SHORT_BODY = 40
# Whole pages without an article start, and how many times this typical article length
# in pages, before a run of pages looks like a missed title (a long report runs four pages).
PAGE_GAP = 4
# A plain-text issue marks titles with a cue (a blank line under them, no indent) when most
# of its titles have it and few of its paragraphs do (see _lone_lines); a lone line is a
# title's length.
TITLE_MARK_SHARE = 0.8
PARA_MARK_SHARE = 0.2
LONE_MAX = 60
# Paragraphs no article took (finished sentences, a line's length or more) are a loss the
# reader never sees when they add up to this many characters and this share of the issue's
# article text: a masthead page's few lines of 本刊简介 stay under it.
DROPPED_MIN = 600
DROPPED_SHARE = 0.1


def is_split_warning(w: Warning) -> bool:
    """Does this warning doubt the split itself (not metadata or the cluster)?"""
    return w.code in SPLIT_CODES or w.code.startswith("split-")


def check_split(
    sp: Split,
    articles: list[Article],
    doc_blocks: list[Block],
    pages: int | None,
    file: str,
    taxonomy: Taxonomy | None = None,
) -> list[Warning]:
    """Every doubt about the split of one bulletin, as warnings naming file, page or line."""
    out: list[Warning] = []
    if taxonomy is not None:
        out += [w for a in articles if (w := label_title(a, taxonomy, file))]
    out += _toc_coverage(sp, file)
    out += _dropped_text(sp, articles, file)
    out += _lengths(articles, file)
    out += _page_gaps(articles, pages, file)
    out += _unused_titles(sp, doc_blocks, file)
    out += _lone_lines(sp, file)
    out += [w for a in articles if (w := read_across(a, file))]
    out += titles_inside(articles, file)
    out += [w for a in articles if (w := unfinished_title(a, file))]
    out += [w for a in articles if (w := unbalanced_title(a, file))]
    out += [w for a in articles if (w := credit_inside(a, file))]
    return out


def _toc_coverage(sp: Split, file: str) -> list[Warning]:
    """The TOC is a promise: each title it lists should start an article."""
    listed = [e for e in sp.toc.entries if e.key]
    if len(listed) < 2:
        return []
    found = {a.toc.key for a in sp.articles if a.toc is not None}
    titles = {squash(a.title) for a in sp.articles}
    labels = {squash(a.column) for a in sp.articles if a.column}
    labels |= {squash(b.text) for b in sp.leftover if width(b.text) <= 16}
    missing = [
        e
        for e in listed
        if e.key not in found
        and e.key not in titles
        and e.key not in labels  # a group name, printed again as a column label
        and not e.key.isdigit()  # a stray page number
        and len(e.key) >= 2
        and not any(t and (e.key.endswith(t) or e.key.startswith(t)) for t in titles)
    ]
    if not missing:
        return []
    names = "、".join(f"“{e.title}”" for e in missing[:3]) + ("等" if len(missing) > 3 else "")
    return [
        Warning(
            "split-toc-missing",
            f"目录列出 {len(listed)} 篇，正文只找到 {len(listed) - len(missing)} 篇；"
            f"未找到：{names}。请检查拆分，或在旁注文件中用 split 指定标题。",
            file=file,
        )
    ]


def _dropped_text(sp: Split, articles: list[Article], file: str) -> list[Warning]:
    """Prose in no article: whole paragraphs the split left out. A TOC read after its own
    entries (the reading order put its header below them) took the body that followed it
    for front matter: thirteen of fifteen articles, 19,714 characters, gone without a word."""
    prose = [b for b in sp.leftover if width(b.text) >= 40 and ends_with_stop(b.text)]
    lost = sum(width(b.text) for b in prose)
    kept = sum(width(a.text) for a in articles)
    if lost < DROPPED_MIN or lost < DROPPED_SHARE * (lost + kept):
        return []
    first = prose[0]
    return [
        Warning(
            "split-text-dropped",
            f"有 {len(prose)} 段正文（约 {lost:.0f} 字，占全期正文的 {lost / (lost + kept):.0%}）"
            f"不属于任何文章，如 “{strip_md(first.text)[:24]}…”；可能是目录、刊头或分篇把"
            "文章当成了前言或页眉。请在审阅页核对，或在旁注文件中用 split 指定标题。",
            file=file,
            page=first.page,
            line=first.line,
        )
    ]


def _lengths(articles: list[Article], file: str) -> list[Warning]:
    out: list[Warning] = []
    sizes = [len(a.text) for a in articles]
    if len(articles) == 1 and sizes[0] >= 3000:
        out.append(
            about(
                articles[0],
                "split-one-article",
                f"全文只分出 1 篇文章（{sizes[0]:,} 字）：如果本期不止一篇，说明没有认出标题；"
                "可在旁注文件中用 split 指定标题。",
                file,
            )
        )
    if len(articles) >= 2:
        for k, (a, n) in enumerate(zip(articles, sizes, strict=True)):
            med = statistics.median(sizes[:k] + sizes[k + 1 :])  # the other articles
            if med and n >= LONG_FACTOR * med and n >= LONG_MIN:
                out.append(
                    about(
                        a,
                        "split-long-article",
                        f"文章 “{a.title}” 有 {n:,} 字，是本期中位数的 {n / med:.0f} 倍，"
                        "可能把几篇文章连在了一起；可在旁注文件中用 split 补出标题。",
                        file,
                    )
                )
    for a, n in zip(articles, sizes, strict=True):
        if 0 < width(a.text) < SHORT_BODY and len(articles) > 1:
            out.append(
                about(
                    a,
                    "split-short-article",
                    f"文章 “{a.title}” 只有 {n} 字，可能是目录行、栏目名或小标题被当成了文章；"
                    "可在旁注文件中用 merge 或 drop 更正。",
                    file,
                )
            )
    return out


def _page_gaps(articles: list[Article], pages: int | None, file: str) -> list[Warning]:
    """Pages with no article start, where this issue's articles are much shorter than that."""
    starts = sorted({a.page for a in articles if a.page})
    if not pages or len(starts) < 3:
        return []
    bounds = [*starts, pages + 1]
    spans = [b - a for a, b in itertools.pairwise(bounds)]
    typical = statistics.median(spans)
    out = []
    for a, b in itertools.pairwise(bounds):
        run = b - a - 1  # whole pages after the start page with no article start
        if run >= PAGE_GAP and run >= PAGE_GAP * typical:
            out.append(
                Warning(
                    "split-page-gap",
                    f"第 {a + 1}–{b - 1} 页没有文章开头，而本期文章通常只占 {typical:g} 页；"
                    "可能漏掉了标题。",
                    file=file,
                    page=a + 1,
                )
            )
    return out


def _unused_titles(sp: Split, blocks: list[Block], file: str) -> list[Warning]:
    """A block set exactly like most of the chosen titles, standing alone like a title, that
    does not start an article."""
    titles = [a.title_block for a in sp.articles]
    if len(titles) < 3:
        return []
    listed = [e for e in sp.toc.entries if e.key]
    if len(listed) >= 2 and sum(a.toc is not None for a in sp.articles) >= len(listed):
        return []  # every title the TOC promises was found: same-face lines are sub-headings
    d = Doc(blocks)
    face = Counter(_face(d, b) for b in titles)
    common, n = face.most_common(1)[0]
    if n < 0.6 * len(titles) or common == (False, 1.0, 0, ""):
        return []  # titles share no face of their own: nothing to compare with
    # The title and the line under it (a subtitle or byline may share the title's face).
    used = {id(b) for b in titles} | {id(a.blocks[0]) for a in sp.articles if a.blocks}
    skip = {id(b) for b in sp.front} | {id(b) for b in sp.colophon} | {id(b) for b in sp.leftover}
    title_keys = [squash(a.title) for a in sp.articles]
    starts = {id(b) for b in titles}
    out = []
    for i, b in enumerate(blocks):
        if id(b) in used or id(b) in skip or sp.toc.covers(i) or _face(d, b) != common:
            continue
        t = strip_md(b.text).strip()
        if is_numbered(t) or not d.title_like(i) or width(t) < 6 or unfinished_word(t):
            continue  # (an unfinished line is a sentence's first half: the splitter's no-title)
        key = squash(t)
        if any(key in k for k in title_keys):
            continue  # a line of a title wrapped over several blocks
        if i + 1 < len(blocks) and id(blocks[i + 1]) in starts:
            continue  # a group or column label printed above a title
        out.append(
            Warning(
                "split-unused-title",
                f"候选标题 “{t[:40]}” 与本期标题字体相同，但未作为文章开头；"
                "如果它是标题，可在旁注文件的 split 中加上它。",
                file=file,
                page=b.page,
                line=b.line,
            )
        )
    return out[:5]


def _lone_lines(sp: Split, file: str) -> list[Warning]:
    """A plain-text bulletin marks its titles by how they stand, not by a face: a blank line
    under each title where paragraphs run on without one, or no indent where paragraphs are
    indented. A short unpunctuated line inside an article that is marked the same way is set
    like a title that does not start an article ("…管理办法(试行)" after the last paragraph
    of the article before).

    No indent is a weaker mark: sub-headings are often set flush too. A title taken into the
    article before it cuts that article in two articles' worth of text, a sub-heading cuts
    one article in sections; so a flush line is named only when the text on each side of it
    (up to the article's ends or the next such line) is as long as the issue's median
    article."""
    arts = [a for a in sp.articles if a.blocks]
    if len(arts) < 3 or any(a.title_block.bold or a.title_block.size != 1.0 for a in arts):
        return []  # titles in a face of their own: _unused_titles compares faces
    # a blank line under the title (above its first body block), none above a paragraph past
    # the title's subtitle or byline (a.blocks[0:2])
    inner = [b for a in arts for b in a.blocks[2:]]
    spaced = bool(inner) and _marks(arts, inner, lambda a: _spaced(a.blocks[0]), _spaced)
    # no indent on the title, one on every body paragraph (bylines and credits aside)
    paras = [b for a in arts for b in a.blocks if not _credit(b)]
    flush = bool(paras) and _marks(arts, paras, lambda a: _flush(a.title_block), _flush)
    typical = statistics.median(_size(a.blocks) for a in arts) if flush else 0
    out = []
    for a in arts:
        how: dict[int, str] = {}  # id of a block named → the mark it has
        if flush:
            how |= {id(b): "没有缩进" for b in _flush_titles(a.blocks, typical)}
        if spaced:
            for b, nxt in itertools.pairwise(a.blocks[2:]):
                if _spaced(nxt) and _title_shaped(b):
                    how[id(b)] = "下有空行"
        for b in a.blocks:
            if id(b) not in how:
                continue
            t = strip_md(b.text).strip()
            out.append(
                Warning(
                    "split-unused-title",
                    f"“{t[:40]}” 单独成行、{how[id(b)]}，像本期的标题，却在文章 “{a.title}” 中间；"
                    "如果它是标题，可在旁注文件的 split 中加上它。",
                    file=file,
                    page=b.page,
                    line=b.line,
                    article=a.title,
                )
            )
    return out[:5]


def _flush_titles(blocks: list[Block], typical: float) -> list[Block]:
    """The flush, title-shaped lines past the title's subtitle or byline (a.blocks[0:2])
    with text as long as `typical` on each side of them (up to the next such line)."""
    cands = [
        k
        for k in range(2, len(blocks) - 1)
        if _flush(blocks[k])
        and _title_shaped(blocks[k])
        and not unfinished_word(strip_md(blocks[k].text))
    ]
    cuts = [-1, *cands, len(blocks)]
    return [
        blocks[k]
        for j, k in enumerate(cands, start=1)
        if _size(blocks[cuts[j - 1] + 1 : k]) >= typical
        and _size(blocks[k + 1 : cuts[j + 1]]) >= typical
    ]


def _size(blocks: list[Block]) -> int:
    return sum(width(b.text) for b in blocks)


def _marks(arts: list[Article], inner: list[Block], title: Callable, para: Callable) -> bool:
    """Does a cue mark this issue's titles: most titles have it, few paragraphs do?"""
    titles = sum(map(title, arts))
    paras = sum(map(para, inner))
    return titles >= TITLE_MARK_SHARE * len(arts) and paras <= PARA_MARK_SHARE * len(inner)


def _spaced(b: Block) -> bool:
    return b.gap_before >= 1


def _flush(b: Block) -> bool:
    return not b.indent


def _credit(b: Block) -> bool:
    t = b.text.strip()
    return is_closing_line(t) or byline_line(t) is not None


def _title_shaped(b: Block) -> bool:
    """One line of a title's length that ends no sentence and is no numbered sub-heading,
    parenthesis, dash-led line or credit."""
    t = strip_md(b.text).strip()
    return (
        b.lines == 1
        and 6 <= width(t) <= LONE_MAX
        and t[-1:] not in "。！？!?；;：:，,、…"
        and not is_numbered(t)
        and not t.startswith(("——", "（", "("))
        and not b.furniture
        and not is_closing_line(t)
    )


def _face(d: Doc, b: Block) -> tuple[bool, float, int, str]:
    bold, size = d.face(b)
    return bold, size, b.heading, b.marker if b.marker in d.markers else ""
