"""The words that tell an editor a bulletin's text was read by OCR (ingest, review, diff).

OCR text is good but not proofread: one shared sentence, so every command says it alike.
"""

from __future__ import annotations

NOTICE = "经 OCR 识别"


def page_ranges(numbers: list[int]) -> str:
    """1,2,3,5 → 1–3、5"""
    out: list[list[int]] = []
    for n in sorted(set(numbers)):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in out)


def ocr_detail(ocr_pages: list[int], pages: int | None) -> str:
    """Which pages OCR read and what to do about it."""
    which = (
        "全部页面" if pages and len(set(ocr_pages)) >= pages else f"第 {page_ranges(ocr_pages)} 页"
    )
    return f"{which}是扫描件，文字由OCR识别，请对照原件核对"


def ocr_notice(ocr_pages: list[int], pages: int | None) -> str:
    return f"{NOTICE}：{ocr_detail(ocr_pages, pages)}"
