"""Static files: the site's CSS/JS/icons, lunr.js from npm, and the original bulletins."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import huikan

LUNR_REL = Path("node_modules/lunr/lunr.min.js")


class AssetError(Exception):
    pass


def _repo_root() -> Path:
    # src/huikan/__init__.py → the checkout root (templates/, static/, node_modules/ live there)
    return Path(huikan.__file__).resolve().parents[2]


def find_dir(site_root: Path, name: str) -> Path | None:
    """``<site root>/<name>``, else the huikan checkout's own (for sites kept elsewhere)."""
    for cand in (site_root / name, _repo_root() / name):
        if cand.is_dir():
            return cand
    return None


def find_lunr(site_root: Path) -> Path:
    for cand in (site_root / LUNR_REL, _repo_root() / LUNR_REL):
        if cand.is_file():
            return cand
    raise AssetError(
        f"找不到 {LUNR_REL}（lunr@2.3.9，搜索页需要它）。请在项目根目录运行 `npm ci` 后重试。"
    )


@dataclass
class Asset:
    rel: str  # path inside the site, e.g. "assets/site.css"
    src: Path
    sha256: str


def collect_assets(static_dir: Path | None, lunr: Path) -> list[Asset]:
    """Every file of ``static/`` (as ``assets/…``) plus ``assets/lunr.min.js``."""
    out: list[Asset] = []
    if static_dir is not None:
        for f in sorted(p for p in static_dir.rglob("*") if p.is_file()):
            rel = f.relative_to(static_dir)
            if any(part.startswith(".") for part in rel.parts):
                continue
            out.append(Asset(f"assets/{rel.as_posix()}", f, _sha(f)))
    out.append(Asset("assets/lunr.min.js", lunr, _sha(lunr)))
    return out


def asset_version(assets: list[Asset]) -> str:
    """A short hash of all assets, appended to CSS links so browsers refetch after changes."""
    h = hashlib.sha256()
    for a in assets:
        h.update(f"{a.rel}\0{a.sha256}\0".encode())
    return h.hexdigest()[:10]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
