"""OCR benchmark: ``bench/ocr.py [--set dev|unseen|all] [--only SUBSTR] [--jobs 2]``.

Makes scanned versions (bench/scans.py, seed = position in the list) of the dev PDFs
(tests/corpus/pdf) and of a few generated layouts kept aside (bench/layouts cache, families
the dev PDFs do not have), ingests each exactly as ``huikan ingest FILE --json`` does, and
prints per file: pages, OCR pages per minute (on a cold OCR cache), the character error rate
of the OCR body text against the text layer of the original PDF, and F1 / title / cluster
from the corpus scorer — then the worst case of each figure, and the time of a cached
re-ingest. Scans and OCR pages are cached under ``$HUIKAN_OCR_BENCH`` (default
``~/.cache/huikan-ocr-bench``); delete it for cold timings. Nothing here is committed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scans import make_scan  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
LAYOUTS = Path(os.environ.get("HUIKAN_LAYOUTS_DIR") or Path.home() / ".cache" / "huikan-layouts")
WORK = Path(os.environ.get("HUIKAN_OCR_BENCH") or Path.home() / ".cache" / "huikan-ocr-bench")
DEV_LAYOUTS = ("a4-two-column", "a4-single", "cid-nonembedded")
# Generated layouts of families the dev PDFs lack (an A5 booklet, office headings, B5 two
# columns, a random PDF layout); files chosen by name, never by their scores.
UNSEEN = (
    "a5-booklet-18424439-004_04bd7fccb17faafb.pdf",
    "office-headings-10746761-003_23b7605ecd9efc4b.pdf",
    "two-col-flow-b5-1354369-000_16d7673c136be7b7.pdf",
    "random-pdf-15192343-000_16d7673c136be7b7.pdf",
)


@dataclass
class Case:
    name: str
    source: Path  # the text PDF the scan is made from
    stem: str  # gold/seed stem
    seed: int

    @property
    def scan(self) -> Path:
        return WORK / "scans" / f"{self.name}-s{self.seed}.pdf"


def cases(which: str) -> list[Case]:
    out: list[Case] = []
    if which in ("dev", "all"):
        for layout in DEV_LAYOUTS:
            for pdf in sorted((CORPUS / "pdf" / layout).glob("*.pdf")):
                out.append(Case(f"{layout}-{pdf.stem}", pdf, pdf.stem, len(out)))
    if which in ("unseen", "all"):
        for name in UNSEEN:
            pdf = next(LAYOUTS.glob(f"v*/{name}"), None)
            if pdf is None:
                print(
                    f"缺少生成的版式文件 {name}（python -m bench.layouts.generate）",
                    file=sys.stderr,
                )
                continue
            stem = pdf.stem.rsplit("-", 1)[-1]
            out.append(Case(pdf.stem, pdf, stem, 100 + len(out)))
    return out


def ensure_scan(case: Case) -> None:
    if not case.scan.exists():
        make_scan(case.source, case.scan, seed=case.seed)
