"""huikan review: regions recorded by ingest, the overlay, the page-image cache, the review in
the build (kept out of the public site) and in huikan diff's report, hostile titles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, build
from huikan.config import load_config
from huikan.diff import diff_builds, render_markdown
from huikan.ingest import ingest_file
from huikan.ingest.sidecar import load_sidecar
from huikan.review import images as review_images
from huikan.review import make_review, write_review

DEV_PDF = REPO / "tests" / "corpus" / "pdf" / "a4-single" / "000_16d7673c136be7b7.pdf"
TWO_COL = REPO / "tests" / "corpus" / "pdf" / "a4-two-column" / "001_28e078b2854192ad.pdf"
TEXT = REPO / "issues" / "2022-10-chanye-keji-dongtai.txt"
TEMPLATES = [REPO / "templates"]

HOSTILE = """# 测试简报

2024年4月

## <script>window.__pwned=1</script>数字经济发展新动向

近日，数字经济持续发展，各地纷纷出台政策推动数字产业化和产业数字化，集成电路、人工智能等领域投资活跃，企业创新能力不断增强，产业规模稳步扩大。

（来源：新华网）

## "><img src=x onerror="window.__pwned=2">新能源汽车产销两旺

据统计，今年以来新能源汽车产销量保持快速增长，动力电池装机量同比大幅提升，充电基础设施建设加快推进，产业链上下游协同发展态势良好。

（来源：人民网）
"""


@pytest.fixture(scope="module")
def config():
    return load_config(REPO / "site.yml")


@pytest.fixture(scope="module")
def pdf_result(config):
    return ingest_file(DEV_PDF, config)


def test_pdf_regions_place_every_article_and_what_was_dropped(pdf_result):
    res = pdf_result
    assert len(res.page_sizes) == res.bulletin.pages == 12
    kinds = {r.kind for r in res.regions}
    assert {"title", "body", "masthead", "toc", "preface", "header", "page-number"} <= kinds
    for n, a in enumerate(res.articles):
        titles = [r for r in res.regions if r.kind == "title" and r.article == n]
        assert titles, a.title
        assert titles[0].page == a.page
        assert any(r.kind == "body" and r.article == n for r in res.regions)
    for r in res.regions:
        w, h = res.page_sizes[r.page - 1]
        x0, top, x1, bottom = r.bbox
        assert 0 <= x0 < x1 <= w and 0 <= top < bottom <= h, r
    # the JSON round trip (the ingest cache, huikan ingest --json) keeps them
    again = type(res).from_json(json.loads(json.dumps(res.to_json())))
    assert again.regions == res.regions and again.page_sizes == res.page_sizes


def test_two_column_regions_stay_in_their_column(config):
    res = ingest_file(TWO_COL, config)
    w = res.page_sizes[0][0]
    body = [r for r in res.regions if r.kind == "body"]
    # most body blocks fit in one column: narrower than 60 % of the page
    narrow = [r for r in body if r.bbox[2] - r.bbox[0] < 0.6 * w]
    assert len(narrow) >= 0.8 * len(body)


def test_text_regions_are_line_ranges(config):
    res = ingest_file(TEXT, config)
    lines = TEXT.read_text("utf-8").split("\n")
    assert not res.page_sizes
    for n, a in enumerate(res.articles):
        t = next(r for r in res.regions if r.kind == "title" and r.article == n)
        assert t.line == a.line and t.end_line >= t.line
        assert a.title.replace(" ", "")[:4] in lines[t.line - 1].replace(" ", "")


def test_page_images_are_cached_by_content(tmp_path, monkeypatch):
    pages = review_images.render_pdf_pages(DEV_PDF, tmp_path)
    assert [p.number for p in pages] == list(range(1, 13))
    assert all(p.width == review_images.WIDTH and p.path.is_file() for p in pages)
    assert sum(p.path.stat().st_size for p in pages) < 12 * 150_000

    def boom(*a, **k):
        raise AssertionError("rendered again")

    monkeypatch.setattr(review_images, "_render_into", boom)
    assert review_images.render_pdf_pages(DEV_PDF, tmp_path) == pages


def test_review_html_has_a_box_per_article_and_sidecar_lines_that_load(
    tmp_path, pdf_result, config
):
    review = make_review(DEV_PDF, pdf_result, template_dirs=TEMPLATES, cache_dir=tmp_path)
    html = review.html.decode("utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "http://" not in html and "https://" not in html  # nothing external
    for n in range(len(pdf_result.articles)):
        assert f'data-article="{n}"' in html and f'id="a-{n}"' in html
    assert html.count('loading="lazy"') == 12
    assert "页码（已删除）" in html and "页眉（已删除）" in html and "目录" in html
    # every suggested correction is YAML that the sidecar loader accepts
    from huikan.review.overlay import fixes

    sidecar = tmp_path / "x.yml"
    for n, a in enumerate(pdf_result.articles):
        for f in fixes(n, a):
            data = yaml.safe_load(f["yaml"])
            assert isinstance(data, dict) and len(data) == 1
            sidecar.write_text(f["yaml"] + "\n", "utf-8")
            load_sidecar(sidecar, config.taxonomy)
    out = tmp_path / "out"
    write_review(review, out)
    assert sorted(p.name for p in out.iterdir())[:2] == ["index.html", "p-001.png"]
    assert len(list(out.glob("p-*.png"))) == 12


def test_hostile_titles_are_inert(tmp_path, config):
    src = tmp_path / "hostile.md"
    src.write_text(HOSTILE, "utf-8")
    res = ingest_file(src, config)
    assert any("<script>" in a.title for a in res.articles)
    html = make_review(src, res, template_dirs=TEMPLATES).html.decode("utf-8")
    assert "<script>window" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own


def test_cli_review_writes_the_folder(tmp_path, capsys):
    from huikan.cli import main

    out = tmp_path / "r"
    code = main(["--config", str(REPO / "site.yml"), "review", str(TEXT), "--out", str(out)])
    assert code == 0
    assert "拆分核对页" in capsys.readouterr().out
    html = (out / "index.html").read_text("utf-8")
    assert 'class="seg art"' in html and "第 1 行" not in html[:200]
    assert main(["review", str(tmp_path / "missing.pdf")]) == 2


def test_build_review_stays_out_of_the_public_site(site_root, tmp_path, monkeypatch):
    base = build(site_root)
    report = build(site_root, review=True)
    out = site_root / "build"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    slugs = [b["slug"] for b in manifest["bulletins"]]
    assert [r["bulletin"] for r in manifest["reviews"]] == sorted(slugs)
    for b in manifest["bulletins"]:
        assert b["review"] == f"_review/{b['slug']}/"
        page = out / b["review"] / "index.html"
        assert 'content="noindex, nofollow"' in page.read_text("utf-8")
    assert not any(p["path"].startswith("_review/") for p in manifest["pages"])
    base_pages = json.loads((base.out / "manifest.json").read_text("utf-8"))["pages"]
    assert [p["path"] for p in manifest["pages"]] == [p["path"] for p in base_pages]
    public = [
        p
        for p in out.rglob("*")
        if p.is_file()
        and not p.relative_to(out).as_posix().startswith(("_review/", "."))
        and p.name != "manifest.json"  # lists the reviews for huikan diff
    ]
    for p in public:
        if p.suffix in (".html", ".xml", ".json", ".txt"):
            assert "_review" not in p.read_text("utf-8"), p
    assert any("拆分核对页" in n for n in report.notes)
    from huikan.site.linkcheck import check_site

    assert check_site(out) == []

    # a rebuild takes the page images from the cache
    def boom(*a, **k):
        raise AssertionError("rendered again")

    monkeypatch.setattr(review_images, "_render_into", boom)
    shutil.rmtree(out)
    build(site_root, review=True)
    assert (out / "_review" / slugs[0] / "index.html").is_file()


def test_diff_links_the_review_of_changed_bulletins(site_root, tmp_path):
    build(site_root, tmp_path / "old")
    sidecar = site_root / "issues" / "2024-04-keji-cankao-xinxing.yml"
    data = yaml.safe_load(sidecar.read_text("utf-8")) or {}
    data["title"] = "科技参考（改）"
    sidecar.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    build(site_root, tmp_path / "new", review=True)
    d = diff_builds(tmp_path / "old", tmp_path / "new")
    assert [r["bulletin"] for r in d["reviews"]] == ["2024-04-keji-cankao-xinxing"]
    text = render_markdown(d, preview_url="https://o.github.io/r/pr-7/")
    assert "#### 拆分核对" in text
    assert "(https://o.github.io/r/pr-7/_review/2024-04-keji-cankao-xinxing/)" in text
    assert "`_review/2024-04-keji-cankao-xinxing/`" in render_markdown(d)


def test_pdf_review_with_no_page_sizes_still_renders(tmp_path, pdf_result):
    """An ingest result without positions (e.g. from a hand-made JSON) gives bare pages."""
    res = type(pdf_result).from_json({**pdf_result.to_json(), "regions": [], "page_sizes": []})
    html = make_review(DEV_PDF, res, template_dirs=TEMPLATES, cache_dir=tmp_path).html
    assert html.count(b'loading="lazy"') == 12 and b'class="box art' not in html


def test_page_image_paths_are_plain_names():
    assert review_images._name(7) == "p-007.png"
    assert Path(review_images._name(123)).name == "p-123.png"


def test_warnings_are_pinned_where_they_apply(tmp_path, pdf_result):
    from huikan.model import Warning

    res = type(pdf_result).from_json(pdf_result.to_json())
    a = res.articles[2]
    res.warnings = [
        Warning(
            "general-cluster", "文章 <b>缺少线索</b>", file="x.pdf", page=a.page, article=a.title
        ),
        Warning("pdf-image-page", "第5页只有图片", file="x.pdf", page=5),
        Warning("no-date", "没有找到出版日期", file="x.pdf"),
    ]
    html = make_review(DEV_PDF, res, template_dirs=TEMPLATES, cache_dir=tmp_path).html.decode()
    assert html.count('class="pin"') == 2  # the bulletin-wide one is only listed
    page_of = {
        k: html.rfind('class="rv-page" id="page-', 0, html.index(f'href="#w-{k}" style'))
        for k in (1, 2)
    }
    assert html[page_of[1] :].startswith(f'class="rv-page" id="page-{a.page}"')
    assert html[page_of[2] :].startswith('class="rv-page" id="page-5"')
    assert 'id="w-3"' in html and "没有找到出版日期" in html
    assert "&lt;b&gt;缺少线索&lt;/b&gt;" in html and "<b>缺少线索" not in html


def test_sidecar_drops_keep_article_numbers_aligned(tmp_path, config):
    """Articles the sidecar drops are drawn as dropped; the others keep data-article = their
    position in the ingest result."""
    src = tmp_path / "b.txt"
    shutil.copy(TEXT, src)
    full = ingest_file(src, config)
    gone, para = full.articles[1].title, full.articles[3].text.split("\n\n")[1][:12]
    (tmp_path / "b.yml").write_text(
        yaml.safe_dump({"drop": [para], "articles": {gone: {"drop": True}}}, allow_unicode=True),
        "utf-8",
    )
    res = ingest_file(src, config)
    assert [a.title for a in res.articles] == [a.title for a in full.articles if a.title != gone]
    dropped = [r for r in res.regions if r.kind == "dropped"]
    assert any(r.text.startswith(para) for r in dropped)
    assert any(r.line == full.articles[1].line for r in dropped)
    for n, a in enumerate(res.articles):
        title = next(r for r in res.regions if r.kind == "title" and r.article == n)
        assert title.line == a.line
    html = make_review(src, res, template_dirs=TEMPLATES).html.decode()
    assert html.count('class="seg struck kind-dropped"') >= 2
