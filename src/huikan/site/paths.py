"""Site paths as the output folder accepts them: relative, normal, never escaping it.

Every file of the site passes here on every build, so the common case is a few C-level
substring tests (:func:`safe_rel`); anything unusual gets the full check.
"""

from __future__ import annotations


class OutputError(Exception):
    """The output folder cannot be used (a path escaping it, a file in the way, ...)."""


def safe_rel(path: str) -> str:
    """Refuse any path that could land outside the output folder.

    Every file of the site passes here on every build (~200,000 at 5,000 bulletins): a
    path with none of the substrings that can make a part empty or start one with a dot
    is accepted at once; any other goes through the full check (:func:`check_rel`)."""
    if (
        path
        and path[0] not in "./"
        and path[-1] != "/"
        and "//" not in path
        and "/." not in path
        and "\\" not in path
        and "\0" not in path
    ):
        return path
    return check_rel(path)


def check_rel(path: str) -> str:
    parts = path.split("/")
    if not path or "\\" in path or "\0" in path or any(p in ("", ".", "..") for p in parts):
        raise OutputError(f"不安全的输出路径：{path!r}")
    if any(part.startswith(".") for part in parts):
        raise OutputError(f"输出路径不能以点开头：{path!r}")
    return path  # already normal: no empty, "." or ".." part, no backslash


def folder_rel(rel_dir: str) -> str:
    """A folder entry's path: the folder's, checked like a file's, with a final "/"."""
    return safe_rel(rel_dir.rstrip("/")) + "/"
