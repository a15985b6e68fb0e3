"""``huikan review``: the split drawn on the pages, for the editor who checks a new bulletin.

:func:`make_review` turns one bulletin (its source file and ingest result) into a
self-contained folder: ``index.html`` (template ``review.html``; no external resources,
``noindex``) and, for a PDF, one image per page (:mod:`.images`, cached by content hash) with
the split drawn over it (:mod:`.overlay`). ``huikan build --review`` puts one under
``_review/<bulletin>/``; ``huikan review FILE`` writes one anywhere.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from huikan.model import BulletinMeta, IngestResult
from huikan.review import overlay
from huikan.review.images import PageImage, render_pdf_pages

REVIEW_DIR = "_review"  # top-level folder of the reviews in a build


@dataclass
class Review:
    html: bytes
    images: list[PageImage] = field(default_factory=list)

    def files(self) -> list[tuple[str, Path]]:
        """(name in the review folder, cached file) for every page image."""
        return [(img.name, img.path) for img in self.images]


def _env(template_dirs: list[Path]) -> Environment:
    return Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _ocr_notice(b: BulletinMeta) -> str | None:
    """What the editor must know about a scan: which pages OCR read (check their text)."""
    if not b.ocr_pages:
        return None
    from huikan.ingest.ocr.notice import ocr_detail

    return ocr_detail(b.ocr_pages, b.pages)


def make_review(
    source: Path,
    result: IngestResult,
    *,
    template_dirs: list[Path],
    cache_dir: Path | None = None,
    site_url: str | None = None,
) -> Review:
    """The review page of one bulletin; page images rendered (or taken from the cache)."""
    source = Path(source)
    warnings = overlay.warning_list(result)
    articles = overlay.article_list(result)
    images: list[PageImage] = []
    pages: list[dict] = []
    segments: list[dict] = []
    if source.suffix.lower() == ".pdf":
        images = render_pdf_pages(source, cache_dir)
        pages = overlay.pdf_pages(result, images, warnings)
    else:
        from huikan.ingest.text import decode_file

        text, _ = decode_file(source)
        segments = overlay.text_segments(result, text.replace("\f", "").split("\n"), warnings)
    placed = {x.get("article") for p in pages for x in p["boxes"] if x.get("anchor")}
    placed |= {s.get("article") for s in segments if s.get("anchor")}
    for a in articles:
        a["placed"] = a["n"] in placed  # it has a box to scroll to
    b = result.bulletin
    html = (
        _env(template_dirs)
        .get_template("review.html")
        .render(
            bulletin=b,
            title=b.title or source.stem,
            source_name=source.name,
            sidecar_name=source.stem + ".yml",
            articles=articles,
            warnings=warnings,
            pages=pages,
            segments=segments,
            kind="pdf" if pages else "text",
            kinds=overlay.KIND_LABELS,
            site_url=site_url,
            ocr_notice=_ocr_notice(b),
        )
    )
    return Review(html.encode("utf-8"), images)


def write_review(review: Review, out_dir: Path) -> list[Path]:
    """Write the review folder (replacing an older review there); returns the files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = {"index.html", *(name for name, _ in review.files())}
    for old in out_dir.glob("p-*.png"):
        if old.name not in wanted:
            old.unlink()
    written = [out_dir / "index.html"]
    (out_dir / "index.html").write_bytes(review.html)
    for name, src in review.files():
        dest = out_dir / name
        dest.unlink(missing_ok=True)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)
        written.append(dest)
    return written
