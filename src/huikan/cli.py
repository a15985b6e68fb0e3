"""Command-line entry point: ``huikan new|ingest|build|serve|review|diff|check``.

Exit codes: 0 done; 1 the work found problems (a failed build, ``huikan check`` findings, an
unreadable bulletin for ``ingest``); 2 the command itself is wrong (unknown option, a missing
file or ``--config``, a folder instead of a bulletin, a busy ``serve`` port); 130 Ctrl-C.

Each sub-command lives in its own module; this file only parses arguments and imports the
module that does the work, so ``huikan ingest`` does not pay for loading the renderer.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import NoReturn


def _cmd_ingest(args: argparse.Namespace) -> int:
    from huikan.commands.ingest import run

    return run(args)


def _cmd_build(args: argparse.Namespace) -> int:
    from huikan.commands.build import run

    return run(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    from huikan.commands.serve import run

    return run(args)


def _cmd_diff(args: argparse.Namespace) -> int:
    from huikan.commands.diff import run

    return run(args)


def _cmd_review(args: argparse.Namespace) -> int:
    from huikan.commands.review import run

    return run(args)


def _cmd_new(args: argparse.Namespace) -> int:
    from huikan.commands.new import run

    return run(args)


def _cmd_check(args: argparse.Namespace) -> int:
    from huikan.commands.check import run

    return run(args)


# argparse's own words, in the language of the rest of the command (argparse looks each up
# through its module-level gettext ``_``).
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "没有 %(value)r 这个选项（可选：%(choices)s）"
    ),
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值（应为 %(type)s）",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是 %(matches)s"
    ),
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "one of the arguments %s is required": "需要以下参数之一：%s",
}


def _zh(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


CONFIG_HELP = "站点配置文件 site.yml（默认：从当前文件夹向上查找）"


def add_config_argument(p: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """``--config`` before or after the command: ``huikan --config x.yml build`` and
    ``huikan build --config x.yml`` (a sub-command's copy leaves the namespace alone unless
    given, so it never resets the global one)."""
    p.add_argument("--config", default=default, metavar="FILE", help=CONFIG_HELP)


def project_from_args(args: argparse.Namespace, start=None):
    """The site of this command (see :mod:`huikan.project`)."""
    from huikan.project import discover

    return discover(getattr(args, "config", None), start)


def build_parser() -> argparse.ArgumentParser:
    argparse._ = _zh  # type: ignore[attr-defined]
    p = argparse.ArgumentParser(
        prog="huikan",
        description="汇刊：把产业科技简报档案生成可检索的静态网站。",
        epilog=(
            "站点配置 site.yml 从当前文件夹向上查找（或用 --config 指定）。"
            "退出码：0 成功；1 发现问题或构建失败；2 命令用法有误（参数、文件、端口）；130 已中断。"
        ),
    )
    add_config_argument(p, default=None)
    sub = p.add_subparsers(dest="command", metavar="命令")
    sub.required = True

    from huikan.commands.new import add_arguments as add_new_arguments

    new = sub.add_parser("new", help="新建一个网站：site.yml、issues/、模板覆盖文件夹和发布流程")
    add_new_arguments(new)
    new.set_defaults(func=_cmd_new)

    ing = sub.add_parser("ingest", help="拆分一期简报并显示文章列表（检查新一期用）")
    ing.add_argument("file", help="简报文件：.pdf、.txt 或 .md")
    ing.add_argument("--json", action="store_true", help="输出 JSON（机器可读）")
    ing.add_argument("--no-cache", action="store_true", help="不读写拆分缓存")
    ing.add_argument("--no-sidecar", action="store_true", help="忽略同名 .yml 旁注文件")
    ing.add_argument(
        "--jobs", "-j", type=int, default=None, help="扫描件OCR识别的并行进程数（默认 CPU 核数）"
    )
    ing.set_defaults(func=_cmd_ingest)

    from huikan.commands.build import add_arguments as add_build_arguments

    bld = sub.add_parser("build", help="把 issues/ 生成静态网站（默认输出到 build/）")
    add_build_arguments(bld)
    bld.set_defaults(func=_cmd_build)

    srv = sub.add_parser("serve", help="构建并在本机预览网站，修改后自动重建")
    add_build_arguments(srv)
    srv.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    srv.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    srv.set_defaults(func=_cmd_serve)

    from huikan.commands.review import add_arguments as add_review_arguments

    rev = sub.add_parser("review", help="把拆分结果画在原版页面上，生成核对页（编辑检查新一期用）")
    add_review_arguments(rev)
    rev.set_defaults(func=_cmd_review)

    from huikan.commands.diff import add_arguments as add_diff_arguments

    dif = sub.add_parser("diff", help="比较两次构建（manifest.json），输出 Markdown 或 JSON 报告")
    add_diff_arguments(dif)
    dif.set_defaults(func=_cmd_diff)

    from huikan.commands.check import add_arguments as add_check_arguments

    chk = sub.add_parser("check", help="检查 site.yml 和所有旁注文件，发现错误时退出码为 1")
    add_check_arguments(chk)
    chk.set_defaults(func=_cmd_check)

    for action in sub._choices_actions:  # `huikan X --help` opens with X's one-line summary
        sub.choices[action.dest].description = action.help
    for sp in sub.choices.values():
        add_config_argument(sp)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from huikan.project import ProjectError

    try:
        return int(args.func(args) or 0)
    except ProjectError as e:
        print(f"huikan：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `huikan ingest x.pdf | head`: the reader left, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def entry() -> NoReturn:
    """The ``huikan`` console script: :func:`main`, then the process ends without tearing
    down its heap.

    A build of a large archive ends holding its whole model (5,000 bulletins: ~1.2 GB of
    small objects); Python's shutdown frees them one by one, ~0.9 s after the summary is
    printed — a tenth of a rebuild after one new issue. Everything the command writes is
    already on disk (files are replaced atomically, caches are saved by their context
    managers, child processes are joined), so only the standard streams need flushing.
    Tests and embedders call :func:`main`, which returns normally.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # reader gone, or closed
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
