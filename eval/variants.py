"""Labeled reports printed another way: the same cells, the text as real copies print it.

    python -m xxgk.eval.variants ../shared/dev/raw OUT      # OUT/<variant>/<same file names>
    xxgk extract OUT/indent --out PRED && xxgk eval --gold ../shared/dev/gold --pred PRED --out EV

Each variant is a pure function ``text -> text`` that leaves every gold cell as it is
(the gold files score the variants unchanged; only section offsets move), so a drop in
cell accuracy from the original text to a variant is what that way of printing costs.
They are the shapes DEVELOPERS.md lists, applied to real reports rather than to the
generator's: the generator's own layouts are what the model was trained on.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

from ..data.schema import CHINESE_NUMERALS, SECTIONS

Variant = Callable[[str], str]

_LONE_COUNT = re.compile(r"(?m)^(\t?[\xa0 ]?)([1-9][0-9]*)$")  # a non-zero count alone on its line


def indent(text: str) -> str:
    """Every line indented by four spaces (Word text of an indented document)."""
    return "\n".join("    " + line for line in text.split("\n"))


def tab_indent(text: str) -> str:
    """Every line after a tab (a Word export's indented text: tab rows get a tab more)."""
    return "\n".join("\t" + line for line in text.split("\n"))


def paragraph_indent(text: str) -> str:
    """Prose lines (over 30 characters) indented with two ideographic spaces."""
    return "\n".join("\u3000\u3000" + line if len(line.strip()) > 30 else line for line in text.split("\n"))


def page_numbers(text: str, every: int = 30) -> str:
    """A page number (``— 2 —``) on a line of its own every ``every`` lines, tables included."""
    return "\n".join(line + (f"\n— {k // every + 1} —" if k % every == every - 1 else "")
                     for k, line in enumerate(text.split("\n")))


def remarks(text: str) -> str:
    """A remark after each non-zero count alone on its line: ``18（其中新增9件）`` (the count stays 18)."""
    return _LONE_COUNT.sub(lambda m: f"{m[1]}{m[2]}（其中新增{int(m[2]) // 2}件）", text)


def units(text: str) -> str:
    """A count unit after every number alone in a cell (``0件``; a tab row's cells too)."""
    text = re.sub(r"(?m)^(\t?[\xa0 ]?)([0-9]+)$", r"\1\2件", text)
    return re.sub(r"(?m)(?<=\t)([0-9]+)(?=\t|$)", r"\1件", text)


def one_line(text: str) -> str:
    """Crawler text: the lines stripped and run together, nothing between them (blank cells vanish)."""
    return "".join(line.strip() for line in text.split("\n") if line.strip())


def spaced_lines(text: str) -> str:
    """The lines stripped and joined by single spaces, the whole report one line."""
    return " ".join(line.strip() for line in text.split("\n") if line.strip())


def stripped_lines(text: str) -> str:
    """Every line stripped: a blank cell printed as a tab or a space becomes an empty line."""
    return "\n".join(line.strip() for line in text.split("\n"))


def no_empty_lines(text: str) -> str:
    """Empty lines dropped and lines stripped (where an empty line was a blank cell, it is gone)."""
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def fullwidth_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def renumbered_headings(text: str) -> str:
    """The six top-level headings numbered (1)…(6) instead of 一、…六、 (table-三 row labels kept)."""
    words = ("总体情况", "主动公开", "收到和处理", "政府信息公开行政复议", "存在的主要问题", "其他需要报告")
    for k, w in enumerate(words):
        text = re.sub(rf"(?m)^(\s*){'一二三四五六'[k]}、(\s*{w})", rf"\g<1>({k + 1})\g<2>", text)
    return text


_REWORDED = ("工作概况", "主动公开工作情况", "政府信息公开申请办理情况", "行政复议和行政诉讼情况", "问题与改进措施",
             "其他事项")


def reworded_headings(text: str) -> str:
    """The six top-level headings worded otherwise (一、工作概况 …), words no template variant uses."""
    for k, section in enumerate(SECTIONS):
        text = re.sub(rf"(?m)^(\s*{CHINESE_NUMERALS[k]}、\s*){section.title}", rf"\g<1>{_REWORDED[k]}", text)
    return text


_CHROME_TOP = ("首页 | 政务公开 | 政府信息公开 | 互动交流 | 办事服务\n当前位置：首页 > 政务公开 > 政府信息公开年报\n"
               "发布时间：2021-01-15 10:32    浏览次数：3562    【字体：大 中 小】 打印 关闭\n")
_CHROME_BOTTOM = ("\n【打印本页】【关闭窗口】\n上一篇：2019年政府信息公开工作年度报告\n相关链接：国务院 | 省政府 | 市政府\n"
                  "主办单位：某某县人民政府办公室  网站标识码：3301000001  浙ICP备05012345号-1\n"
                  "公网安备 33010202000123号  联系电话：0571-12345678  第1页 共1页\n")


def web_chrome(text: str) -> str:
    """A web page's menus, breadcrumbs, dates, counters and footer (numbers everywhere) around it."""
    return _CHROME_TOP + text + _CHROME_BOTTOM


VARIANTS: dict[str, Variant] = {
    "indent": indent, "paragraph_indent": paragraph_indent, "page_numbers": page_numbers, "remarks": remarks,
    "one_line": one_line, "spaced_lines": spaced_lines, "no_empty_lines": no_empty_lines, "crlf": crlf,
    "fullwidth_digits": fullwidth_digits, "renumbered_headings": renumbered_headings, "web_chrome": web_chrome,
    "units": units, "stripped_lines": stripped_lines, "tab_indent": tab_indent, "reworded_headings": reworded_headings,
}


def write_variants(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Every ``*.txt`` of ``raw_dir`` in every variant: ``out_dir/<variant>/<name>.txt``."""
    written = []
    for name, fn in VARIANTS.items():
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(raw_dir.glob("*.txt")):
            target = folder / path.name
            target.write_text(fn(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")
            written.append(target)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m xxgk.eval.variants RAW_DIR OUT_DIR")
    print(f"{len(write_variants(Path(sys.argv[1]), Path(sys.argv[2])))} files written")
