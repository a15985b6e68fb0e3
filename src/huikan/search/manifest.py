"""The search folder's files outside the segments: ``manifest.json``, ``facets.json``,
``t2s.json`` and the directories ``g/<j>.json``.

They are made last, from every segment's :class:`~huikan.search.segment.SegmentInfo` (reused
or indexed afresh), and describe the whole archive: a cold search page loads the manifest,
the facets and t2s.json, so each is kept small (see :data:`CLUSTER_CHAR`, :func:`facets_file`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from huikan.search.directory import directories
from huikan.search.files import Writer, digest
from huikan.search.index import FIELDS, IMPACTS, LUNR_VERSION, PIPELINE_FN
from huikan.search.segment import SegmentInfo, distinct_terms
from huikan.search.store import dumps
from huikan.search.t2s import build_map
from huikan.search.trend import month_key

if TYPE_CHECKING:
    from huikan.search import SearchDoc

# facets.json gives each document's cluster as one character, chr(CLUSTER_CHAR + number):
# a string of 80,000 characters gzips to 16.5 kB where the list of numbers took 21 kB, of
# every cold search page (the page needs every result's cluster for its counts).
CLUSTER_CHAR = 48


@dataclass
class TopFiles:
    """The files :func:`top_files` makes, kept as bytes: the build's figures measure them."""

    facets: bytes
    t2s: bytes
    directories: list[bytes]
    manifest: dict[str, Any]
    raw_manifest: bytes  # manifest.json as written

    def write(self, writer: Writer) -> None:
        """Hand every file to ``writer``, in the order the build has always written them: the
        manifest, which names the others' digests, last."""
        for rel, data in (("facets.json", self.facets), ("t2s.json", self.t2s)):
            writer.put(rel, data)
        for j, data in enumerate(self.directories):
            writer.put(f"g/{j}.json", data)
        writer.put("manifest.json", self.raw_manifest)


def top_files(
    ordered: list[SearchDoc],
    clusters: list[list[Any]],
    cluster_no: dict[str, int],
    done: list[SegmentInfo],
    entries: list[list[Any]],
    fmt: str,
    store_chunk: int,
    directory_size: int,
) -> TopFiles:
    """The archive-wide files for documents ``ordered`` (in number order) indexed in the
    segments ``done`` (``entries``: each one's manifest entry); ``clusters``: [name, slug,
    aliases?] of each cluster, in number order; ``fmt``: the format the manifest names."""
    facets = facets_file(ordered, cluster_no)
    t2s_file = dumps(build_map({c for i in done for c in i.chars}))
    bounds, dir_files = directories(
        [i.separators() for i in done], directory_size, [i.big_terms() for i in done]
    )
    manifest = {
        "format": fmt,
        "lunr": LUNR_VERSION,
        "fields": list(FIELDS),
        "pipeline": [PIPELINE_FN],
        "docs": len(ordered),
        "terms": distinct_terms(done),
        "segs": entries,  # per segment: [first doc, docs, version]
        # the lookup's term ranges: directory j (g/<j>.json) covers [dirs[j-1], dirs[j])
        "dirs": " ".join(bounds),
        "dv": digest(dir_files),
        "impacts": IMPACTS.tolist(),  # a posting's impact level → 1000 × its tf part
        "store": store_chunk,
        "fv": digest([facets]),
        # [name, slug, aliases] (aliases only when site.yml gives some)
        "clusters": clusters,
        "years": _ranges([(d.date or "")[:4] for d in ordered]),
        "t2s": digest([t2s_file]),
    }
    return TopFiles(facets, t2s_file, dir_files, manifest, dumps(manifest))


def facets_file(ordered: list[SearchDoc], cluster_no: dict[str, int]) -> bytes:
    """facets.json: each document's cluster as a character (:data:`CLUSTER_CHAR`) and the
    documents of each month, what a search page counts its results by."""
    return dumps(
        {
            "cluster": "".join(chr(CLUSTER_CHAR + cluster_no[d.cluster]) for d in ordered),
            # [month, documents] for each run (documents are numbered by date): the page
            # adds the counts up (as [month, first, last] these were 5.2 kB gzip, now 2.1)
            "months": [[k, b - a + 1] for k, a, b in _ranges([month_key(d.date) for d in ordered])],
        }
    )


def _ranges(keys: list[str]) -> list[list[Any]]:
    """[key, first, last] for each run of equal keys (documents are numbered by date, so
    each year and each month is one run)."""
    out: list[list[Any]] = []
    for i, key in enumerate(keys):
        if out and out[-1][0] == key:
            out[-1][2] = i
        else:
            out.append([key, i, i])
    return out
