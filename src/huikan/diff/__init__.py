"""``huikan diff OLD NEW``: what a pull request changes on the site, from two builds' manifests.

Reviewers read this as a PR comment, so it says in Chinese what an editor did: bulletins and
articles added, removed or changed (title, cluster old → new, text), pages whose content
changed, the search-index size, and the ingest warnings of the bulletins the PR touches.

Articles are matched across builds by URL (derived from the bulletin slug and the title, so
stable). An article that moved — its bulletin got a new slug, or its title changed — is paired
with its old self when exactly one removed and one added article share the source file and
the title, or the source file and the text hash; it is then shown as one change
(``标题：旧 → 新``) instead of a removal plus an addition.

The package follows the pipeline of the command: :mod:`.builds` reads the two manifests,
:mod:`.compare` turns them into the JSON report, :mod:`.report` prints that as Markdown.
"""

from __future__ import annotations

from huikan.diff.builds import ArticleInfo, Build, DiffError, load_build, search_size
from huikan.diff.compare import compare, diff_builds, to_json
from huikan.diff.report import md, render_markdown

__all__ = [
    "ArticleInfo",
    "Build",
    "DiffError",
    "compare",
    "diff_builds",
    "load_build",
    "md",
    "render_markdown",
    "search_size",
    "to_json",
]
