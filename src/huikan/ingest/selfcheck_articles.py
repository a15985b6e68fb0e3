"""After the split, each article on its own: doubts its title or its body raise.

:mod:`huikan.ingest.selfcheck` weighs the split as a whole (TOC coverage, lengths, page gaps,
title faces left unused); these rules read one article at a time — a title that is a cluster's
name, is cut short (a bracket left open, a last word that needs a continuation), a body that
holds other articles' titles or closing credits, or two columns read across — so each is a
function of the article (and, for titles inside, of the issue's other titles).
"""

from __future__ import annotations

import re

from huikan.config import Taxonomy
from huikan.ingest.credits import is_closing_line
from huikan.ingest.textutil import squash, unfinished_word, width
from huikan.model import Article, Warning

# Two columns read across, line by line, leave a word space between two Chinese characters at
# every printed line ("刊登了党的二十 宋乐伟表示"): Chinese prose has no such spaces, apart
# from numbered clauses ("第一条 为…") and spaced headings ("总 则").
_ACROSS = re.compile(r"[\u4e00-\u9fff，。、；”》）] (?=[\u4e00-\u9fff“《（])")
_CLAUSE = re.compile(r"第[一二三四五六七八九十百\d]{1,4}[条章节款项]$|^.?[总附]$")
ACROSS_MIN = 5  # such spaces in one article ...
ACROSS_RATE = 1 / 250  # ... and at least one per this many characters


def about(a: Article, code: str, message: str, file: str) -> Warning:
    """A warning about one article, pointing at where it starts."""
    return Warning(code, message, file=file, page=a.page, line=a.line, article=a.title)


def label_title(a: Article, taxonomy: Taxonomy, file: str) -> Warning | None:
    """A title that is a cluster's name ("数字经济产业"): a group label taken for a title, the
    articles under it run together."""
    if width(a.title) > 16 or taxonomy.lookup(a.title) is None:
        return None
    msg = f"文章标题“{a.title}”是产业集群的名称，像是栏目标签被当成了标题，"
    return about(a, "split-title-is-label", msg + "其下几篇文章连在了一起；请在审阅页核对。", file)


def credit_inside(a: Article, file: str) -> Warning | None:
    """A closing credit ("（…供稿）", "来源：…") as a paragraph inside the body, prose after it,
    and another credit, naming someone else, at the end: the text of two articles run
    together (columns read in the wrong order, say). An article ends at its credit."""
    paras = [p.strip() for p in a.text.split("\n\n") if p.strip()]
    credits = [k for k, p in enumerate(paras) if is_closing_line(p)]
    if len(credits) < 2 or credits[-1] != len(paras) - 1:
        return None
    last = squash(paras[-1])
    for k in credits[:-1]:
        if squash(paras[k]) != last and any(width(p) >= 40 for p in paras[k + 1 : -1]):
            return about(
                a,
                "split-credit-inside",
                f"文章 “{a.title}” 的正文中间有一行结尾署名（“{paras[k][:30]}”），其后还有正文"
                f"和另一行署名（“{paras[-1][:30]}”），像是两篇文章的文字接在了一起；"
                "请在审阅页核对。",
                file,
            )
    return None


# Quotes and brackets come in pairs in a title; one left open means the title was cut short
# (its end went into the body, or into another article) or ran into the next line.
PAIRS = ("“”", "《》", "（）", "()", "‘’", "【】", "〔〕")


def unbalanced_title(a: Article, file: str) -> Warning | None:
    """A title with a quote or bracket opened and not closed (or closed and not opened)."""
    for o, c in PAIRS:
        if a.title.count(o) != a.title.count(c):
            return about(
                a,
                "split-title-unbalanced",
                f"标题 “{a.title}” 中的 {o}{c} 不成对，标题可能被截断或与别的行连在了一起；"
                "请在审阅页核对这一篇的开头。",
                file,
            )
    return None


def unfinished_title(a: Article, file: str) -> Warning | None:
    """A title that stops on a word needing a continuation (see
    :data:`huikan.ingest.textutil.UNFINISHED`)."""
    word = unfinished_word(a.title)
    if word is None:
        return None
    return about(
        a,
        "split-title-unfinished",
        f"标题 “{a.title}” 以 “{word}” 结尾，像是一句话的前半句（正文开头可能是它的后半句，"
        "例如被单独成行的加粗导语）；请在审阅页核对，必要时在旁注文件中用 merge 更正。",
        file,
    )


def titles_inside(articles: list[Article], file: str) -> list[Warning]:
    """An article whose body holds, as lines of their own, the titles of other articles: a
    TOC or a run of titles was taken into it (a TOC set in a column the reader went through
    in the wrong order, say)."""
    keys = {squash(a.title): a.title for a in articles if len(squash(a.title)) >= 6}
    out = []
    for a in articles:
        own = squash(a.title)
        paras = [squash(p) for p in a.text.split("\n\n")]
        found = []
        for k, p in enumerate(paras):
            for cand in (p, p + paras[k + 1] if k + 1 < len(paras) else ""):
                if cand in keys and cand != own and keys[cand] not in found:
                    found.append(keys[cand])
        if len(found) >= 2:
            names = "、".join(f"“{t}”" for t in found[:2]) + ("等" if len(found) > 2 else "")
            out.append(
                about(
                    a,
                    "split-titles-inside",
                    f"文章 “{a.title}” 的正文里单独成行地出现了其他 {len(found)} 篇文章的标题"
                    f"（{names}），可能把目录或几篇文章的标题并了进来；请在审阅页核对。",
                    file,
                )
            )
    return out


def read_across(a: Article, file: str) -> Warning | None:
    """Text of two columns interleaved line by line: the columns were not told apart.

    Reading across leaves one space a printed line (every 10–40 characters); letter-spaced
    text ("近 日 ， 存 储") has one between every two characters and does not count.
    """
    hits: list[re.Match[str]] = []
    for m in _ACROSS.finditer(a.text):
        if _CLAUSE.search(a.text[max(0, m.start() - 5) : m.end() - 1]):
            continue
        t, k = a.text, m.start()
        if t[k - 1 : k] == " " or t[m.end() + 1 : m.end() + 2] == " ":
            continue  # letter-spaced
        hits.append(m)
    if len(hits) < ACROSS_MIN or len(hits) < ACROSS_RATE * len(a.text):
        return None
    sample = a.text[max(0, hits[0].start() - 8) : hits[0].end() + 8].replace("\n", "")
    return about(
        a,
        "split-columns-mixed",
        f"文章 “{a.title}” 有 {len(hits)} 处汉字之间夹着空格（如 “{sample}”），"
        "像是两栏文字被逐行拼在了一起，分篇和正文可能都不对；请在审阅页核对这几页。",
        file,
    )
