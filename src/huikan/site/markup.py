"""Article bodies: Markdown → safe HTML.

markdown-it-py with raw HTML disabled, no linkify, and only http(s)/mailto/relative links, so
whatever a bulletin (or a sidecar) contains is rendered inert. Sub-headings are renumbered to
start at ``<h2>`` (the article title is the page's ``<h1>``) so headings stay in order.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_ALLOWED_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

# A short line that opens a section: 一、… / （一）… / 第一章 … / 附：…
_NUMBERED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)"
    r"|第[一二三四五六七八九十百]+[章节部分篇]|附[：:])"
)
_SENTENCE_END = "。；;，,！？!?："


def _validate_link(url: str) -> bool:
    """Allow http(s), mailto and scheme-less links; everything else (javascript:, data:,
    vbscript:, file:) is refused and the link is rendered as plain text."""
    u = _CONTROL.sub("", url).lower()
    if not _SCHEME.match(u):
        return True
    return u.startswith(_ALLOWED_SCHEMES)


def _cjk_strong(state, silent: bool) -> bool:
    """``**一是加强。**正文``: bold lead-ins that CommonMark's flanking rules reject.

    CommonMark only closes ``**`` after punctuation when whitespace or punctuation follows,
    which Chinese text never has ("。**后"). Pair ``**`` markers within the paragraph directly.
    """
    src, pos = state.src, state.pos
    if not src.startswith("**", pos) or src.startswith("***", pos):
        return False
    end = src.find("**", pos + 2, state.posMax)
    if end < 0 or end == pos + 2 or "\n" in src[pos + 2 : end]:
        return False
    if not silent:
        state.push("strong_open", "strong", 1).markup = "**"
        old_max = state.posMax
        state.pos, state.posMax = pos + 2, end
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("strong_close", "strong", -1).markup = "**"
    state.pos = end + 2
    return True


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")  # bulletins carry no images we could serve; show alt text as a link
    md.validateLink = _validate_link
    md.inline.ruler.before("emphasis", "cjk_strong", _cjk_strong)

    def link_open(self, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def promote_headings(text: str) -> str:
    """Turn short stand-alone numbered lines (一、… （一）…) into Markdown sub-headings.

    The ingest gives Markdown with ``###`` marks where it recognised sub-headings; this is the
    fallback for plain paragraphs. Long lines and sentences (ending in 。，…) stay paragraphs.
    """
    out = []
    for para in re.split(r"\n\s*\n", text):
        p = para.strip()
        if (
            p
            and "\n" not in p
            and len(p) <= 40
            and _NUMBERED_HEADING.match(p)
            and p[-1] not in _SENTENCE_END
        ):
            level = "###" if p[0] in "一二三四五六七八九十百第附" else "####"
            out.append(f"{level} {p}")
        else:
            out.append(para)
    return "\n\n".join(out)


def _renumber_headings(tokens: list[Token], top: int = 2) -> None:
    levels = sorted({int(t.tag[1]) for t in tokens if t.type == "heading_open"})
    mapping = {lvl: f"h{min(top + i, 6)}" for i, lvl in enumerate(levels)}
    for t in tokens:
        if t.type in ("heading_open", "heading_close"):
            t.tag = mapping[int(t.tag[1])]


def render_markdown(source: str, *, top_heading: int = 2) -> str:
    """Render an article body (Markdown-light) to HTML; safe for any input."""
    md = _md()
    env: dict = {}
    tokens = md.parse(promote_headings(source or ""), env)
    _renumber_headings(tokens, top_heading)
    return md.renderer.render(tokens, md.options, env)


EXCERPT_MAX = 200  # the longest excerpt the site shows (a feed entry's summary)


def excerpt_source(text: str) -> str:
    """What every excerpt is cut from: the text's opening, marks removed, whitespace
    collapsed, one character longer than the longest excerpt (so it can tell whether the
    text goes on). Stored for each article in the results snapshot: ~200 characters
    instead of the body."""
    s = (text or "")[: EXCERPT_MAX * 3 + 200]  # enough for the excerpt; regexes stay cheap
    s = re.sub(r"[#*>`_\[\]]+", "", s)
    return re.sub(r"\s+", " ", s).strip()[: EXCERPT_MAX + 1]


def excerpt(text: str, limit: int = 120) -> str:
    """The first ``limit`` (at most :data:`EXCERPT_MAX`) characters of plain text,
    whitespace collapsed, for descriptions; ``text`` may be its :func:`excerpt_source`."""
    s = excerpt_source(text)
    if len(s) <= limit:
        return s
    return s[:limit].rstrip() + "…"
