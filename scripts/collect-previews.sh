#!/usr/bin/env bash
# Put the preview build of every open pull request into SITE/pr-<number>/ before the Pages
# deployment (run by .github/workflows/pages.yml, which builds main into SITE first).
#
# A preview is the `preview-pr-<number>` artifact of the latest completed "PR preview" run
# for the PR's head commit (published even when that run's tests failed: the PR shows the red
# check, and reviewers still see the site). Pull requests from forks are skipped: their previews stay
# downloadable artifacts and are never published under the project's address.
# Needs: gh (GH_TOKEN with actions: read, pull-requests: read), python3, GITHUB_REPOSITORY.
set -euo pipefail

site=${1:?usage: collect-previews.sh SITE_DIR}
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
workflow=${PREVIEW_WORKFLOW:-pr-preview.yml}
[ -d "$site" ] || { echo "collect-previews: no site folder $site" >&2; exit 1; }

# "<number> <head sha>" for each open same-repository pull request
prs=$(gh pr list --repo "$repo" --state open --limit 200 \
        --json number,headRefOid,isCrossRepository |
      python3 -c '
import json, sys
for pr in json.load(sys.stdin):
    if not pr["isCrossRepository"]:
        print(int(pr["number"]), pr["headRefOid"])
')

published=0
while read -r number sha; do
  [ -n "${number:-}" ] || continue
  dest="$site/pr-$number"
  if [ -e "$dest" ]; then
    echo "PR #$number: $dest already exists in the site (a bulletin named pr-$number?); skipped" >&2
    continue
  fi
  run=$(gh run list --repo "$repo" --workflow "$workflow" --commit "$sha" --status completed \
          --limit 1 --json databaseId |
        python3 -c 'import json, sys; runs = json.load(sys.stdin); print(runs[0]["databaseId"] if runs else "")')
  if [ -z "$run" ]; then
    echo "PR #$number: no completed preview run for ${sha:0:7} yet"
    continue
  fi
  if gh run download "$run" --repo "$repo" --name "preview-pr-$number" --dir "$dest"; then
    rm -f "$dest/.huikan-state.json" "$dest/.huikan-files"
    echo "PR #$number: preview of ${sha:0:7} (run $run) → pr-$number/"
    published=$((published + 1))
  else
    rm -rf "$dest"
    echo "PR #$number: the preview artifact of run $run is gone (expired?); skipped"
  fi
done <<< "$prs"
echo "previews published: $published"
