"""Turn the splitter's raw articles into finished :class:`~huikan.model.Article` records.

Here the title is separated from its subtitle, the byline under the title and the credits at
the end are read, the body becomes Markdown (sub-headings, bold lead-ins, lists) and plain
text, the sidecar's corrections are applied and the cluster is chosen.
"""

from __future__ import annotations

import re

from huikan.classify import classify, uncertain_message
from huikan.config import Taxonomy
from huikan.ingest.credits import byline_line, closing_credit, inline_source, is_closing_line
from huikan.ingest.sidecar import Sidecar
from huikan.ingest.split import RawArticle, Split
from huikan.ingest.split_doc import Doc, is_numbered
from huikan.ingest.textutil import ends_sentence, join_cjk, squash, strip_md, width
from huikan.model import Article, Block, ClusterWhy, Document, Warning

_ATTRIBUTION = re.compile(
    r"(研究员|教授|记者|院士|博士|主任|作者|撰文|副院长|院长|所长)\s*[\u4e00-\u9fff·]{2,4}$"
)
_LIST = re.compile(r"^\s*[-*+•]\s+")
_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


def _split_subtitle(title: str) -> tuple[str, str | None]:
    """ "标题 ——副标题" printed on one line → (标题, ——副标题)."""
    m = re.match(r"^(.+?)\s*(——.+)$", title)
    if m and width(m.group(1)) >= 4:
        return m.group(1).strip(), m.group(2).strip()
    return title, None


def _md_block(b: Block, d: Doc, idx: int) -> str:
    """One body block as Markdown."""
    text = _unbreak(b.text.strip())
    plain = strip_md(text).strip()
    if _LIST.match(text):
        return "- " + _LIST.sub("", text)
    heading = (d.styled(b) or d.title_like(idx)) and not ends_sentence(plain) and width(plain) <= 60
    if heading and (
        b.heading
        or b.bold
        or b.size >= 1.08
        or is_numbered(plain)
        or not d.hard_wrapped
        or b.lines == 1
    ):
        level = 4 if re.match(r"^[（(]", plain) else 3
        return "#" * level + " " + plain
    if b.bold and "**" not in text:
        return f"**{text}**"
    return _escape_md_start(text)


def _unbreak(text: str) -> str:
    """Join the printed line breaks kept inside a block (see text reader) back into prose."""
    if "\n" not in text:
        return text
    parts = [p.strip() for p in text.split("\n")]
    out = parts[0]
    for p in parts[1:]:
        out = join_cjk(out, p)
    return out


def _escape_md_start(text: str) -> str:
    """Keep body text from turning into Markdown structure it never had (e.g. "#1" → heading)."""
    if re.match(r"^#{1,6}\s", text) or re.match(r"^>\s", text):
        return "\\" + text
    return text


def _plain(md: str) -> str:
    lines = []
    for para in md.split("\n\n"):
        p = re.sub(r"^#{1,6}\s+", "", para)
        p = re.sub(r"^\\(?=[#>])", "", p)
        p = re.sub(r"^-\s+", "", p)
        lines.append(strip_md(p).strip())
    return "\n\n".join(x for x in lines if x)


def assemble(
    sp: Split,
    doc: Document,
    taxonomy: Taxonomy,
    sidecar: Sidecar,
    file_name: str,
    warnings: list[Warning],
    kept: list[RawArticle] | None = None,
) -> list[Article]:
    """Finished articles; ``kept`` (if given) receives the raw article behind each one."""
    d = Doc(list(doc.blocks), doc.measure)
    index = {id(b): k for k, b in enumerate(d.blocks)}  # block → its position, for cues
    articles: list[Article] = []
    raws = sp.articles
    if sp.used_fallback or not raws:
        raws = [_fallback(sp, doc, file_name, warnings)]
    for raw in raws:
        if raw.toc and raw.title_block.page in doc.ocr_pages:
            raw.title = ocr_title(raw.title, raw.toc.title)
        a = _one(raw, d, index, taxonomy)
        o = sidecar.article_overrides(a.title) if sidecar.articles else None
        if o:
            if o.get("drop"):
                continue
            for k in ("title", "subtitle", "column", "byline", "source", "slug"):
                if k in o and o[k] is not None:
                    setattr(a, k, str(o[k]))
            if o.get("cluster"):
                found = a.cluster
                a.cluster = taxonomy.by_name(str(o["cluster"])).name
                a.clusters = [a.cluster, *[c for c in a.clusters if c != a.cluster]]
                a.cluster_cue = "sidecar"
                old = a.cluster_why
                a.cluster_why = ClusterWhy(
                    "sidecar",
                    printed=f"cluster: {a.cluster}",
                    # what the tagger would have said: its choice, or its runner-up
                    runner_up=found if found != a.cluster else (old.runner_up if old else None),
                )
        where = {"file": file_name, "page": a.page, "line": a.line, "article": a.title}
        if not a.text.strip():
            warnings.append(Warning("empty-body", f"文章 “{a.title}” 没有正文。", **where))
        elif a.cluster_cue == "default":
            warnings.append(
                Warning(
                    "general-cluster",
                    f"文章 “{a.title}” 缺少产业线索，归入“综合”。如有误，可在旁注文件中指定"
                    f" cluster：articles: {{{a.title}: {{cluster: …}}}}",
                    **where,
                )
            )
        elif a.cluster_why is not None and a.cluster_why.uncertain:
            msg = uncertain_message(a.title, a.cluster, a.cluster_why.runner_up)
            warnings.append(Warning("uncertain-cluster", msg, **where))
        articles.append(a)
        if kept is not None:
            kept.append(raw)
    return articles


def ocr_title(title: str, listed: str) -> str:
    """A title read by OCR, or its TOC line's reading where the two differ by one character
    and the TOC's is not the shorter: the recogniser misreads or drops a character
    (趋势 as 超势, 亟 dropped) in the title and in the TOC independently, and a title
    matched to its TOC line despite one such difference has two readings. One more
    character is more likely one the other reading dropped than one added (a Chinese
    character, or a letter inside a Latin word: the narrow I of "AI" is dropped as often);
    of two different characters, the one that makes the better dictionary word with its
    neighbours (亟待, not 驱待: :func:`.ocr.lexicon.word_support`), and on a tie the TOC
    line's, whose body-size print reads at least as reliably as display type, which the
    recogniser shrinks to its line height."""
    from huikan.ingest.ocr.lexicon import word_support  # OCR'd bulletins only: jieba's words

    a, b = squash(title), squash(listed)
    if a == b or len(b) < len(a) or len(b) - len(a) > 1 or len(a) < 6:
        return title
    marks = len("".join(listed.split())) - len(b)
    if marks != len("".join(title.split())) - len(a):
        return title  # the TOC line kept leader dots or a page number ("…技术.4")
    if len(a) == len(b):
        diff = [k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        one = len(diff) == 1 and all(_IDEOGRAPH.match(c) for c in (a[diff[0]], b[diff[0]]))
        if one and word_support(a, diff[0]) > word_support(b, diff[0]):
            return title
    else:
        one = any(b[:k] + b[k + 1 :] == a and _droppable(b, k) for k in range(len(b)))
    return listed if one else title


def _latin(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _droppable(text: str, k: int) -> bool:
    """Is ``text[k]`` a character a reading may have dropped: a Chinese character, or a letter
    next to another letter (not a digit: a page number may stand beside the title)?"""
    c = text[k]
    if _IDEOGRAPH.match(c):
        return True
    return _latin(c) and any(_latin(text[j]) for j in (k - 1, k + 1) if 0 <= j < len(text))


def _fallback(sp: Split, doc: Document, file_name: str, warnings: list[Warning]) -> RawArticle:
    """No article boundary found: publish the whole text as one article, and say so."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    title_block = blocks[0] if blocks else Block(text=file_name)
    title = strip_md(title_block.text).strip()
    if width(title) > 40:
        title = file_name.rsplit(".", 1)[0]
        body = blocks
    else:
        body = blocks[1:]
    warnings.append(
        Warning(
            "no-boundary",
            "没有找到文章分界（无目录、无标题样式），全文作为一篇文章发布；"
            "可在旁注文件中用 split 指定标题。",
            file=file_name,
        )
    )
    return RawArticle(title=title, blocks=body, title_block=title_block)


def _one(raw: RawArticle, d: Doc, index: dict[int, int], taxonomy: Taxonomy) -> Article:
    title, subtitle = _split_subtitle(raw.title)
    body = list(raw.blocks)
    byline: str | None = None
    lead: list[str] = []
    # Under the title: a "——" subtitle or attribution, then a byline line.
    while body:
        t = strip_md(body[0].text).strip()
        if (
            t.startswith("——")
            and width(t) <= 80
            and subtitle is None
            and not ends_sentence(t[:-1] or t)
        ):
            if _ATTRIBUTION.search(t):
                lead.append(t)  # "——某研究所研究员 某某": who wrote it; part of the text
            else:
                subtitle = t
            body.pop(0)
            continue
        if byline is None and (bl := byline_line(t)):
            byline = bl
            body.pop(0)
            continue
        break
    md_parts = [*lead, *(_md_block(b, d, index.get(id(b), 0)) for b in body)]
    markdown = "\n\n".join(p for p in md_parts if p.strip())
    text = _plain(markdown)
    source: str | None = None
    # Closing credits: the last lines (kept in the text: they are part of what was printed).
    for p in reversed([p for p in text.split("\n\n") if p.strip()][-3:]):
        if is_closing_line(p):
            c = closing_credit(p)
        else:  # a credit in brackets at the end of the last paragraph
            m = re.search(r"[（(][^（）()]{2,200}[）)]\s*$", p)
            c = closing_credit(m.group(0)) if m else None
        if c is not None:
            byline = byline or c.byline
            source = source or c.source
        if not is_closing_line(p):
            break
    if source is None and text:
        source = inline_source(text.split("\n\n", 1)[0])
    toc = raw.toc
    tag = classify(
        title,
        text,
        taxonomy,
        toc_cluster=toc.cluster if toc else None,
        byline=byline,
        column=raw.column,
    )
    return Article(
        title=title,
        subtitle=subtitle,
        column=raw.column,
        cluster=tag.cluster,
        clusters=tag.clusters,
        byline=byline,
        source=source,
        page=raw.title_block.page,
        line=raw.title_block.line,
        text=text,
        markdown=markdown,
        cluster_cue=tag.cue,
        cluster_why=tag.why,
    )
