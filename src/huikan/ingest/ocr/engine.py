"""Text recognition of one page image with RapidOCR (PP-OCR models on onnxruntime).

The models ship inside the ``rapidocr-onnxruntime`` wheel, so nothing is downloaded at run
time. The engine is optional (``pip install 'huikan[ocr]'``): :func:`available` tells whether
it is installed, and :class:`OcrUnavailable` carries the message that names the fix. One
engine is loaded per process and kept, because loading the three models takes about a second.
Only plain data leaves this module (:class:`OcrLine`, :class:`OcrPage`), so pages can be
recognised in worker processes and cached as JSON.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

ENGINE = "rapidocr_onnxruntime"
INSTALL_HINT = "pip install 'huikan[ocr]'"
MIN_SCORE = 0.5  # RapidOCR's own default: below this a "line" is mostly noise
# Detector box score; RapidOCR's 0.5 loses lone small digits (TOC page numbers) on a full page.
BOX_THRESH = 0.3


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed (or cannot load); the message says how to enable it."""


# A place in a line's text the recogniser was unsure of: its index, and its candidates with
# their probabilities, most likely first.
Doubt = tuple[int, list[tuple[str, float]]]


@dataclass
class OcrLine:
    """One detected text line: its text, confidence and where it sits, in image pixels.

    ``quad`` is the detector's four corners (clockwise from top-left; a scan is rarely
    straight, so the box is not axis-aligned); ``chars`` are per-character x-ranges along the
    line when the recogniser could place them, else empty.
    """

    text: str
    score: float
    quad: list[list[float]]
    chars: list[tuple[float, float]] = field(default_factory=list)
    # characters read with less than RUNNER_BELOW confidence: (index in text, the recogniser's
    # top candidates at that place, the one read first) — :mod:`.lexicon` re-reads them
    alts: list[Doubt] = field(default_factory=list)
    # places between two characters where the recogniser saw a character but put a blank
    # (GAP_MIN or more): (index of the character after the place, the candidates)
    gaps: list[Doubt] = field(default_factory=list)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The quad's bounds: (left, top, right, bottom) in image pixels."""
        xs, ys = [q[0] for q in self.quad], [q[1] for q in self.quad]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass
class OcrPage:
    """What OCR saw on one page: its lines and the pixel size of the image they refer to."""

    number: int  # 1-based page number in the PDF
    width: int  # image pixels
    height: int
    lines: list[OcrLine]
    ink: list[float] = field(default_factory=list)  # dark-pixel share inside each line box
    # per line, from the pixels (:mod:`.metrics`; measured again after a cache hit, so
    # pages cached before they existed get them too): glyph ink height, ink fill of glyphs
    glyph: list[float] = field(default_factory=list)
    fill: list[float] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def kept(self, lines: list[OcrLine], keep: list[int]) -> OcrPage:
        """This page with ``lines`` (its lines, some changed) where ``keep`` says, and each
        line's pixel measures with them."""

        def per_line(values: list[float]) -> list[float]:
            return [values[i] for i in keep] if len(values) == len(lines) else []

        return OcrPage(
            self.number,
            self.width,
            self.height,
            [lines[i] for i in keep],
            per_line(self.ink),
            per_line(self.glyph),
            per_line(self.fill),
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OcrPage:
        lines = [
            OcrLine(
                ln["text"],
                ln["score"],
                ln["quad"],
                [tuple(c) for c in ln["chars"]],
                _doubts(ln.get("alts", [])),
                _doubts(ln.get("gaps", [])),
            )
            for ln in data["lines"]
        ]
        return cls(
            data["number"],
            data["width"],
            data["height"],
            lines,
            data.get("ink", []),
            data.get("glyph", []),
            data.get("fill", []),
        )


def _doubts(data: list) -> list[Doubt]:
    return [(a[0], [(c, p) for c, p in a[1]]) for a in data]


def available() -> bool:
    return importlib.util.find_spec(ENGINE) is not None


def engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rapidocr-onnxruntime")
    except PackageNotFoundError:
        return "missing"


@functools.cache
def _engine(threads: int) -> Any:
    """The RapidOCR engine of this process (``threads`` onnxruntime threads; -1: all cores)."""
    if not available():
        raise OcrUnavailable(f"没有安装OCR组件（{INSTALL_HINT}）")
    try:
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        engine.text_rec.postprocess_op = _Runners(engine.text_rec.postprocess_op)
        return engine
    except Exception as err:  # a broken onnxruntime install
        raise OcrUnavailable(
            f"OCR组件无法加载（{type(err).__name__}: {err}）；请重新安装：{INSTALL_HINT}"
        ) from err


RUNNER_BELOW = 0.95  # a character read with less confidence keeps its runners-up
RUNNER_MIN = 0.02  # a runner-up less likely than this is not kept
RUNNERS = 3  # candidates kept per such character, the one read included
GAP_MIN = 0.08  # a character seen this likely in a run of blank columns may have been dropped


class _Runners:
    """RapidOCR's CTC decoder, also noting the runners-up of each uncertain character.

    The decoder keeps only the most likely character of each column. Where the recogniser
    hesitated (院士 read as 院土 at 0.53 against 0.47), the runner-up is often the printed
    character, and the dictionary can tell which of the two makes a word
    (:mod:`huikan.ingest.ocr.lexicon`). The result reaches :func:`recognise` keyed by the
    decoded text, since RapidOCR passes on only the text and its score."""

    def __init__(self, decode: Any) -> None:
        self.decode = decode
        self.seen: dict[str, tuple[list[Doubt], list[Doubt]]] = {}

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs: Any) -> Any:
        result = self.decode(preds, return_word_box, **kwargs)
        alphabet = self.decode.character
        for b, item in enumerate(result):
            self.seen[str(item[0])] = (runners(preds[b], alphabet), gaps(preds[b], alphabet))
        return result


def _decoded(best: np.ndarray) -> np.ndarray:
    """The columns CTC takes a character from: the first of each run of one class, blanks
    (class 0) left out."""
    chosen = np.ones(len(best), dtype=bool)
    chosen[1:] = best[1:] != best[:-1]
    return np.flatnonzero(chosen & (best != 0))


def _top(column: np.ndarray, alphabet: list[str], least: float) -> list[tuple[str, float]]:
    """The RUNNERS most likely non-blank classes of a column with at least ``least``
    (probabilities rounded, so a cache is stable)."""
    top = np.argsort(-column, kind="stable")[: RUNNERS + 1]
    cands = [(alphabet[c], round(float(column[c]), 3)) for c in top if c != 0]
    return [(ch, p) for ch, p in cands[:RUNNERS] if p >= least]


def runners(preds: np.ndarray, alphabet: list[str]) -> list[Doubt]:
    """For each character CTC decodes from ``preds`` (columns × classes, class 0 the blank)
    read with less than RUNNER_BELOW: its index in the text and the top RUNNERS non-blank
    candidates of its column with at least RUNNER_MIN."""
    best = preds.argmax(axis=1)
    out = []
    for i, t in enumerate(_decoded(best)):
        if preds[t, best[t]] >= RUNNER_BELOW:
            continue
        cands = _top(preds[t], alphabet, RUNNER_MIN)
        if len(cands) > 1:
            out.append((i, cands))
    return out


def gaps(preds: np.ndarray, alphabet: list[str]) -> list[Doubt]:
    """Where CTC may have dropped a character: each run of blank columns between two decoded
    characters in which some character reaches GAP_MIN (its best column), as the index of
    the character after the run and the top candidates. The blank wins a column where the
    print is faint or squeezed: 亟待 came back as 待 with 亟 at 0.21 in the column before."""
    best = preds.argmax(axis=1)
    decoded = _decoded(best)
    out = []
    for k in range(1, len(decoded)):
        run = preds[decoded[k - 1] + 1 : decoded[k]]
        run = run[best[decoded[k - 1] + 1 : decoded[k]] == 0]
        if len(run):
            cands = _top(run.max(axis=0), alphabet, GAP_MIN)
            if cands:
                out.append((k, cands))
    return out


def _char_ranges(words: Any, text: str) -> list[tuple[float, float]]:
    """Per-character x-ranges from RapidOCR's word boxes, when there is one box a character."""
    if not isinstance(words, list) or len(words) != len(text):
        return []
    out = []
    for quad in words:
        xs = [p[0] for p in quad]
        out.append((float(min(xs)), float(max(xs))))
    return out


def _ink(grey: np.ndarray, quad: list[list[float]]) -> float:
    """Share of dark pixels in a line's box: bold and black faces print more ink per cell."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    h, w = grey.shape
    x0, x1 = max(0, int(min(xs))), min(w, int(max(xs)) + 1)
    y0, y1 = max(0, int(min(ys))), min(h, int(max(ys)) + 1)
    box = grey[y0:y1, x0:x1]
    if box.size == 0:
        return 0.0
    return float((box < 128).mean())


def _ink_box(grey: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> list[int] | None:
    """The bounding box of the dark pixels in a region, if there are enough to be print."""
    region = grey[y0:y1, x0:x1] < 128
    if region.sum() < 12:
        return None
    cols = np.flatnonzero(region.any(axis=0))
    rows = np.flatnonzero(region.any(axis=1))
    return [x0 + int(cols[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[0]), y0 + int(rows[-1]) + 1]


def _row_rest(engine: Any, grey: np.ndarray, lines: list[OcrLine]) -> list[OcrLine]:
    """Read what the detector skipped to the right of a line, on the same row.

    The detector often drops a short token that stands apart from its line: a TOC page
    number after leader dots, a lone page number at the right edge of a column. Where the
    strip between a line and the next box on its row (or the page edge) holds print, the
    recogniser reads that strip on its own. Body text leaves no such strips (justified lines
    run to the edge, short last lines leave white), so this costs little."""
    h, w = grey.shape
    found: list[OcrLine] = []
    for ln in lines:
        xs = [p[0] for p in ln.quad]
        ys = [p[1] for p in ln.quad]
        top, bottom, right = min(ys), max(ys), max(xs)
        height = bottom - top
        if height <= 0:
            continue
        nxt = [
            min(p[0] for p in o.quad)
            for o in lines
            if o is not ln
            and min(p[0] for p in o.quad) > right
            and min(p[1] for p in o.quad) < bottom
            and max(p[1] for p in o.quad) > top
        ]
        x0, x1 = int(right + 0.3 * height), int(min(nxt, default=w) - 0.3 * height)
        if x1 - x0 < height:
            continue
        box = _ink_box(grey, x0, x1, max(0, int(top)), min(h, int(bottom) + 1))
        if box is None or box[1] - box[0] < 0.3 * height:
            continue
        parts = _split_tail(grey, box, height)
        read = [_read(engine, grey, part) for part in parts]
        if read and all(r is not None for r in read):
            text = "".join(r[0] for r in read if r)
            score = min(r[1] for r in read if r)
            quad = [[box[0], box[2]], [box[1], box[2]], [box[1], box[3]], [box[0], box[3]]]
            found.append(OcrLine(text, score, quad))
    return found


def _read(engine: Any, grey: np.ndarray, box: list[int]) -> tuple[str, float] | None:
    w = grey.shape[1]
    crop = grey[box[2] : box[3], max(0, box[0] - 4) : min(w, box[1] + 4)]
    result, _ = engine(np.ascontiguousarray(crop), use_det=False, use_cls=False)
    for text, score in result or []:
        if score >= MIN_SCORE and str(text).strip():
            return str(text).strip(), float(score)
    return None


def _split_tail(grey: np.ndarray, box: list[int], height: float) -> list[list[int]]:
    """A long strip ending in a number after leader dots, as [leaders, number].

    The recogniser loses the last characters of a long row of dots; the number is read on
    its own when it stands a gap apart. Digits are wider than dots: the tail is the last
    run of ink columns at least a quarter of the line height wide."""
    if box[1] - box[0] < 4 * height:
        return [box]
    cols = (grey[box[2] : box[3], box[0] : box[1]] < 128).any(axis=0)
    runs: list[list[int]] = []
    for x, ink in enumerate(cols):
        if ink and runs and x - runs[-1][1] <= 0.15 * height:
            runs[-1][1] = x + 1
        elif ink:
            runs.append([x, x + 1])
    if len(runs) < 2 or runs[-1][1] - runs[-1][0] < 0.25 * height:
        return [box]
    cut = box[0] + runs[-1][0]
    return [[box[0], cut - 1, box[2], box[3]], [cut, box[1], box[2], box[3]]]


def recognise(grey: np.ndarray, number: int, threads: int = -1) -> OcrPage:
    """Detect and read the text lines of one grey page image (uint8, white paper)."""
    engine = _engine(threads)
    engine.text_rec.postprocess_op.seen.clear()
    h, w = grey.shape
    result, _ = engine(
        np.ascontiguousarray(grey),
        use_cls=False,  # bulletins are upright; the angle classifier only costs time
        return_word_box=True,
        text_score=MIN_SCORE,
        box_thresh=BOX_THRESH,
    )
    lines: list[OcrLine] = []
    for item in result or []:
        quad, text, score = item[0], str(item[1]), float(item[2])
        words = item[3] if len(item) > 3 else None
        quad = [[float(x), float(y)] for x, y in quad]
        if not text.strip():
            continue
        alts, dropped = engine.text_rec.postprocess_op.seen.get(text, ([], []))
        lines.append(OcrLine(text, score, quad, _char_ranges(words, text), alts, dropped))
    lines += _row_rest(engine, grey, lines)
    ink = [_ink(grey, ln.quad) for ln in lines]
    return OcrPage(number, w, h, lines, ink)
