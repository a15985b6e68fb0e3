#!/usr/bin/env python3
"""Post or update the one preview comment on a pull request (stdlib only; run by CI).

Used by ``.github/workflows/pages.yml`` after the Pages deployment: it reads the report that
the ``PR preview`` workflow uploaded (``report.md`` from ``huikan diff`` and ``pr.json`` with
the PR number and head commit), checks that the PR's head is still that commit (a newer push
means a newer report is on its way; it also stops a report from naming somebody else's PR),
and then edits the bot comment that carries :data:`MARKER`, or creates it.

Environment: ``GITHUB_TOKEN`` (pull-requests: write), ``GITHUB_API_URL`` (set by Actions).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

MARKER = "<!-- huikan-preview -->"
MAX_BODY = 65_000  # GitHub refuses comments over 65,536 characters
TRUNCATED = (
    "\n\n……报告过长，已截断。完整报告见该次运行的构建产物 `pr-report`（report.md、report.json）。\n"
)


class GitHub:
    def __init__(self, token: str, api: str = "https://api.github.com"):
        self.token = token
        self.api = api.rstrip("/")

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.api + path, data=data, method=method)
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("X-GitHub-Api-Version", "2022-11-28")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")


def compose(report: str, *, preview_url: str | None, run_url: str | None, sha: str) -> str:
    """The comment: marker, where to look, then the diff report (cut to GitHub's limit)."""
    head = [MARKER]
    if preview_url:
        head.append(f"**预览网站**：{preview_url}（本次提交 `{sha[:7]}` 构建）")
    else:
        head.append(
            f"**预览网站**：来自复刻仓库（fork）的 PR 不自动发布预览；"
            f"可下载构建产物查看（提交 `{sha[:7]}`）。"
        )
    if run_url:
        head.append(f"构建记录与产物：{run_url}")
    text = "\n\n".join(head) + "\n\n" + report.strip() + "\n"
    if len(text) <= MAX_BODY:
        return text
    cut = text[: MAX_BODY - len(TRUNCATED) - 40]
    cut = cut[: cut.rfind("\n")]
    if cut.count("<details>") > cut.count("</details>"):
        cut += "\n\n</details>"
    return cut + TRUNCATED


def find_comment(gh: GitHub, repo: str, number: int) -> dict[str, Any] | None:
    """The bot comment carrying the marker (a person quoting the marker is left alone)."""
    page = 1
    while True:
        path = f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}"
        batch = gh.request("GET", path)
        for c in batch:
            user = c.get("user") or {}
            if (c.get("body") or "").startswith(MARKER) and user.get("type") == "Bot":
                return c
        if len(batch) < 100:
            return None
        page += 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repo", required=True, help="owner/name")
    p.add_argument("--report-dir", required=True, type=Path, help="report.md and pr.json")
    p.add_argument("--head-sha", required=True, help="the commit the preview run built")
    p.add_argument("--site-url", required=True, help="the Pages site, e.g. https://o.github.io/r/")
    p.add_argument("--run-url", default=None, help="the preview run, for its artifacts")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    token = os.environ.get("GITHUB_TOKEN", "")
    gh = GitHub(token, os.environ.get("GITHUB_API_URL", "https://api.github.com"))
    info = json.loads((args.report_dir / "pr.json").read_text("utf-8"))
    number = int(info["number"])
    if not re.fullmatch(r"[0-9a-f]{40}", args.head_sha) or info.get("head_sha") != args.head_sha:
        print("report does not belong to the run's commit; nothing posted", file=sys.stderr)
        return 1
    pr = gh.request("GET", f"/repos/{args.repo}/pulls/{number}")
    if (pr.get("head") or {}).get("sha") != args.head_sha:
        print(f"PR #{number} has moved past {args.head_sha[:7]}; a newer report will follow")
        return 0
    same_repo = ((pr.get("head") or {}).get("repo") or {}).get("full_name") == args.repo
    preview = f"{args.site_url.rstrip('/')}/pr-{number}/" if same_repo else None
    report = (args.report_dir / "report.md").read_text("utf-8")
    body = compose(report, preview_url=preview, run_url=args.run_url, sha=args.head_sha)
    existing = find_comment(gh, args.repo, number)
    if existing:
        gh.request("PATCH", f"/repos/{args.repo}/issues/comments/{existing['id']}", {"body": body})
        print(f"PR #{number}: preview comment {existing['id']} updated")
    else:
        c = gh.request("POST", f"/repos/{args.repo}/issues/{number}/comments", {"body": body})
        print(f"PR #{number}: preview comment {c.get('id')} created")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except urllib.error.HTTPError as e:
        print(f"GitHub API error {e.code}: {e.read()[:500]!r}", file=sys.stderr)
        sys.exit(1)
