"""A realistic synthetic archive for the scale benchmarks: vocabulary that keeps growing.

bench/build.py's archive reuses 76 sample articles, so its index holds ~27,000 distinct terms
whatever N; a real archive's vocabulary keeps growing with its size (Heaps' law: new names of
companies, people, places, products and figures in every issue). Here every article is new
text:

* body text from a character-chunk Markov model trained on the sample bulletins
  (/work/shared/corpus/seeds, tests/corpus/seeds, issues/*.txt): after the last two
  characters, the next 3–10 characters are copied from a random place in the training text
  that follows the same two characters — readable-looking Chinese in the samples' register;
* names drawn from an unbounded Zipf-distributed pool (exponent 1.1; rank k's name is a
  pure function of k): companies, people, places, Latin acronyms and product codes,
  figures — frequent names recur everywhere, rare ones keep appearing, so distinct terms
  grow with N;
* several series (8), one issue a month each, valid dates for any N (bulletin i is in
  series i % 8, month i // 8 after 1990-01); ≈16 articles a bulletin;
* deterministic: bulletin i depends only on (seed, i), so an archive of N+1 bulletins is the
  archive of N plus one newer bulletin (what ``bench/scale.py`` adds for "+1").

    .venv/bin/python bench/archive.py DEST --n 5000 [--seed 1] [--curve 20000]

``--curve K`` tokenizes the first K articles with huikan's own search tokenizer and prints
distinct search terms against articles (doublings). Archives go outside the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TRAINING = [
    Path("/work/shared/corpus/seeds"),
    REPO / "tests" / "corpus" / "seeds",
    REPO / "issues",
]
SERIES = [
    "产业科技动态",
    "科技参考",
    "经济科技要闻摘编",
    "江苏创业投资",
    "联盟动态",
    "新兴产业观察",
    "区域创新简报",
    "科技金融通讯",
]
ARTICLES = (12, 20)  # articles per bulletin, inclusive
PARAGRAPHS = (3, 9)
PARAGRAPH_CHARS = (60, 320)
NAME_RATE = 0.22  # chance of a name after each chunk
ZIPF_A = 1.1
MAX_RANK = 50_000_000
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Model:
    """The chunk Markov model: training text and where each two-character context occurs."""

    text: str
    after: dict[str, list[int]]
    chars: list[str]  # the 2,500 commonest CJK characters of the training text (for names)
    cum_weights: list[int]  # their cumulative counts (random.choices)

    @classmethod
    def train(cls, dirs: list[Path]) -> Model:
        lines = []
        for d in dirs:
            for p in sorted(d.glob("*.txt")) if d.is_dir() else []:
                for line in p.read_text("utf-8").splitlines():
                    line = line.strip().lstrip("#- ").strip()
                    if len(CJK.findall(line)) >= 20:
                        lines.append(line)
        if not lines:
            raise SystemExit("no training text found in " + ", ".join(map(str, dirs)))
        text = "\n".join(lines)
        after: dict[str, list[int]] = {}
        for i in range(2, len(text) - 3):
            if "\n" not in text[i - 2 : i + 1]:
                after.setdefault(text[i - 2 : i], []).append(i)
        freq = Counter(CJK.findall(text)).most_common(2500)
        return cls(text, after, [c for c, _ in freq], list(accumulate(n for _, n in freq)))

    def chunk(self, context: str, rng: random.Random) -> str:
        starts = self.after.get(context[-2:])
        i = rng.choice(starts) if starts else rng.randrange(len(self.text) - 12)
        piece = self.text[i : i + rng.randint(3, 10)]
        return piece.split("\n", 1)[0] or "的"


# -- names ----------------------------------------------------------------------------------
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPANY_TAILS = ["科技", "股份", "集团", "智能", "新材料", "半导体", "医药", "能源", "电子"]
PLACE_TAILS = ["市", "县", "区", "镇", "高新区", "开发区", "产业园"]
PRODUCT_TAILS = ["芯片", "平台", "系统", "模组", "电池", "机器人", "大模型"]
LATIN = "ABCDEFGHIJKLMNPQRSTUVWXYZ"


def name(rank: int, model: Model, seed: int) -> str:
    """The name at Zipf rank ``rank``: a pure function of (rank, seed)."""
    digest = hashlib.blake2b(f"{seed}:{rank}".encode(), digest_size=8).digest()
    r = random.Random(int.from_bytes(digest, "big"))

    def chars(k: int) -> str:
        return "".join(r.choices(model.chars, cum_weights=model.cum_weights, k=k))

    kind = rank % 6
    if kind == 0:
        return chars(r.randint(2, 3)) + r.choice(COMPANY_TAILS)
    if kind == 1:
        return r.choice(SURNAMES) + chars(r.randint(1, 2))
    if kind == 2:
        return chars(2) + r.choice(PLACE_TAILS)
    if kind == 3:
        return "".join(r.choices(LATIN, k=r.randint(2, 5)))
    if kind == 4:
        code = "".join(r.choices(LATIN, k=r.randint(1, 3))) + str(r.randint(1, 9999))
        return code + r.choice(PRODUCT_TAILS)
    return f"{r.randint(1, 9999)}.{r.randint(0, 99)}" + r.choice(["亿元", "万吨", "%", "万台"])


def zipf_rank(rng: random.Random) -> int:
    """A rank from the Zipf distribution with exponent ZIPF_A (inverse-CDF of the continuous
    Pareto approximation; ranks above MAX_RANK are drawn again)."""
    while True:
        k = int((1.0 - rng.random()) ** (-1.0 / (ZIPF_A - 1.0)))
        if k <= MAX_RANK:
            return k


# -- text -----------------------------------------------------------------------------------
def sentence_text(model: Model, rng: random.Random, length: int, seed: int) -> str:
    out = [model.chunk("", rng)]
    size = len(out[0])
    while size < length:
        if rng.random() < NAME_RATE:
            piece = name(zipf_rank(rng), model, seed)
        else:
            piece = model.chunk(out[-1][-2:] if len(out[-1]) >= 2 else "产业", rng)
        out.append(piece)
        size += len(piece)
    return "".join(out)


def article(model: Model, rng: random.Random, seed: int) -> tuple[str, str]:
    title = sentence_text(model, rng, rng.randint(8, 22), seed)
    title = re.sub(r"[，。；：、！？\s]+$", "", title)[:30] or "产业动态"
    paragraphs = [
        sentence_text(model, rng, rng.randint(*PARAGRAPH_CHARS), seed).rstrip("，、；") + "。"
        for _ in range(rng.randint(*PARAGRAPHS))
    ]
    return title, "\n\n".join(paragraphs)


def bulletin(
    i: int, model: Model, seed: int, month_of: int | None = None
) -> tuple[str, str, list[tuple[str, str]]]:
    """(markdown, sidecar, articles) of bulletin ``i``: depends on (seed, i) only.
    ``month_of``: dated in the month of that bulletin instead (a back issue)."""
    rng = random.Random(f"{seed}:{i}")
    s = i % len(SERIES)
    number = i // len(SERIES) + 1
    months = 1990 * 12 + (i if month_of is None else month_of) // len(SERIES)
    year, month = months // 12, months % 12 + 1
    series = SERIES[s]
    arts = [article(model, rng, seed) for _ in range(rng.randint(*ARTICLES))]
    lines = [f"# {series}", "", f"第 {number} 期", "", f"{year} 年 {month} 月", ""]
    for title, body in arts:
        lines += [f"## {title}", "", body, ""]
    sidecar = f"title: {series}\nnumber: 第{number}期\ndate: {year}-{month:02d}\n"
    return "\n".join(lines), sidecar, arts


def file_stem(i: int) -> str:
    return f"b{i:05d}"


def write_bulletin(issues: Path, i: int, model: Model, seed: int) -> list[tuple[str, str]]:
    text, sidecar, arts = bulletin(i, model, seed)
    (issues / f"{file_stem(i)}.md").write_text(text, "utf-8")
    (issues / f"{file_stem(i)}.yml").write_text(sidecar, "utf-8")
    return arts


def make_archive(root: Path, n: int, seed: int = 1) -> Model:
    """A site folder at ``root``: site.yml and ``n`` bulletins in issues/."""
    if root.exists():
        shutil.rmtree(root)
    issues = root / "issues"
    issues.mkdir(parents=True)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    model = Model.train(TRAINING)
    for i in range(n):
        write_bulletin(issues, i, model, seed)
    return model


def add_bulletin(root: Path, seed: int = 1, model: Model | None = None) -> Path:
    """Add the next (newest) bulletin to the archive at ``root``."""
    issues = root / "issues"
    i = len(list(issues.glob("b*.md")))
    write_bulletin(issues, i, model or Model.train(TRAINING), seed)
    return issues / f"{file_stem(i)}.md"


def add_back_issue(root: Path, seed: int = 1, model: Model | None = None) -> Path:
    """Add a back issue found later (a scan of an old year, say): new text, dated like the
    archive's middle bulletin, so its articles sort into the middle of the archive. A
    build's cost for it is what inserting documents among the old ones costs."""
    issues = root / "issues"
    n = len(list(issues.glob("b*.md")))
    text, sidecar, _ = bulletin(2 * n, model or Model.train(TRAINING), seed, month_of=n // 2)
    path = issues / f"old{n:05d}.md"  # not b*.md: add_bulletin counts those
    path.write_text(text, "utf-8")
    path.with_suffix(".yml").write_text(sidecar, "utf-8")
    return path


def articles(n_articles: int, model: Model, seed: int) -> Iterator[tuple[str, str]]:
    i = 0
    done = 0
    while done < n_articles:
        for a in bulletin(i, model, seed)[2]:
            if done == n_articles:
                return
            yield a
            done += 1
        i += 1


def curve(n_articles: int, model: Model, seed: int) -> list[tuple[int, int]]:
    """(articles, distinct search terms) at each doubling, with huikan's search tokenizer."""
    sys.path.insert(0, str(REPO / "src"))
    from huikan.config import load_config
    from huikan.search.tokenize import Tokenizer

    tok = Tokenizer.for_config(load_config(REPO / "site.yml"))
    seen: set[str] = set()
    points = []
    mark = 1000
    for k, (title, body) in enumerate(articles(n_articles, model, seed), 1):
        seen.update(tok.terms(title))
        seen.update(tok.terms(body))
        if k in (mark, n_articles):
            points.append((k, len(seen)))
            mark *= 2
    return points


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", type=Path, help="site folder to create (outside the repository)")
    ap.add_argument("--n", type=int, default=500, help="bulletins (default 500)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--curve", type=int, default=0, help="print the term curve up to K articles")
    args = ap.parse_args()
    model = make_archive(args.dest, args.n, args.seed)
    n_files = len(list((args.dest / "issues").glob("*.md")))
    print(f"{n_files} bulletins → {args.dest / 'issues'}")
    if args.curve:
        print("articles  distinct search terms")
        for k, t in curve(args.curve, model, args.seed):
            print(f"{k:8d}  {t:10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
