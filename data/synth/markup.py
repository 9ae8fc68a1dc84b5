"""Markup layouts: Markdown, PDF→Markdown fragments, HTML tables and web pages.

Like ``layouts.py``, each layout is ``(doc, rng) -> (text, spans)``.  For HTML the
sample's text is the *text form* a reader makes of the page (TAB between cells,
newline between rows, a spanned cell once at its origin and blank elsewhere);
`html_source` writes the page itself, from the same grid.
"""
from __future__ import annotations

import html
import random

from .doc import Doc, Grid, Out, Piece, collapse_covered, expanded, word_cells, wrap_pieces
from .layouts import Rendered, TableWriter, cell_pieces, prose

PROVINCE_ABBR = "冀晋辽吉苏浙皖闽赣鲁豫鄂湘粤琼川黔滇陕甘青"


# --------------------------------------------------------------------------- #
# Markdown
# --------------------------------------------------------------------------- #
def _md_row(out: Out, cells: list[list[Piece]]) -> None:
    out.add("|")
    for pieces in cells:
        out.add(" ")
        out.pieces(pieces)
        out.add(" |")
    out.add("\n")


def _md_rule(out: Out, n: int) -> None:
    out.add("|" + " --- |" * n + "\n")


def _md_prose(out: Out, doc: Doc, rng: random.Random, table: TableWriter, wrap: int = 0) -> None:
    bold = rng.random() < 0.4
    for block in doc.blocks:
        if block.kind == "table":
            table(out, block.grid)
            out.add("\n")
            continue
        mark = {"title": "# ", "heading": "" if bold else "## ", "subhead": "" if bold else "### "}.get(block.kind, "")
        strong = bold and block.kind in ("heading", "subhead")
        out.add(mark + ("**" if strong else ""))
        out.pieces(wrap_pieces(block.pieces, wrap) if (wrap and block.kind == "para") else block.pieces)
        out.add(("**" if strong else "") + "\n\n")


def markdown(doc: Doc, rng: random.Random) -> Rendered:
    empty_header = rng.random() < 0.3

    def table(out: Out, grid: Grid) -> None:
        rows = [[cell_pieces(c) for c in row] for row in expanded(grid)]
        if empty_header:
            _md_row(out, [[] for _ in range(grid.ncols)])
            _md_rule(out, grid.ncols)
        else:
            _md_row(out, rows[0])
            _md_rule(out, grid.ncols)
            rows = rows[1:]
        for row in rows:
            _md_row(out, row)

    out = Out()
    _md_prose(out, doc, rng, table)
    return out.result()


# --------------------------------------------------------------------------- #
# PDF → Markdown fragments
# --------------------------------------------------------------------------- #
def _dummy(out: Out, rng: random.Random) -> None:
    n = rng.randint(1, 3)
    out.add("|" + " - |" * n + "\n")
    _md_rule(out, n)
    out.add(("|" + " - |" * n + "\n") * rng.randint(0, 2) + "\n")


def md_fragments(doc: Doc, rng: random.Random) -> Rendered:
    """Table 三 (and sometimes 二, 四) split into several tables, placeholder headers
    数据1…数据N, row labels detached from their numbers, dummy ``-`` tables."""
    detach = rng.random() < 0.6

    def values_table(out: Out, rows: list[list[list[Piece]]]) -> None:
        n = max(len(r) for r in rows)
        out.add("|" + "".join(f" 数据{i + 1} |" for i in range(n)) + "\n")
        _md_rule(out, n)
        for row in rows:
            _md_row(out, row + [[] for _ in range(n - len(row))])
        out.add("\n")

    def table(out: Out, grid: Grid) -> None:
        rows = word_cells(grid)
        header = [r for r in rows if not any(c is not None and c.role == "value" for c in r)]
        body = [r for r in rows if any(c is not None and c.role == "value" for c in r)]
        if grid.key == "t2" and rng.random() < 0.5:
            markdown_table(out, grid)
            return
        for row in header:  # column labels survive as loose lines
            texts = [c for c in row if c is not None and c.pieces]
            for i, cell in enumerate(texts):
                out.pieces(cell.pieces)
                out.add(" " if i + 1 < len(texts) else "\n")
        out.add("\n")
        labels = [[c for c in r if c is not None and c.role != "value"] for r in body]
        values = [[c.pieces for c in r if c is not None and c.role == "value"] for r in body]
        if detach or not any(labels):
            for cells in labels:
                for cell in cells:
                    out.pieces(cell.pieces)
                    out.add("\n")
            out.add("\n")
            rows_out = values
        else:
            rows_out = []
            for cells, vals in zip(labels, values):
                joined: list[Piece] = []
                for i, cell in enumerate(c for c in cells if c is not None):
                    joined += ([Piece(" ")] if i else []) + cell.pieces
                rows_out.append([joined] + vals)
        cuts = sorted(rng.sample(range(1, len(rows_out)), min(len(rows_out) - 1, rng.randint(0, 2))))
        for a, b in zip([0] + cuts, cuts + [len(rows_out)]):
            values_table(out, rows_out[a:b])
            if rng.random() < 0.5:
                _dummy(out, rng)

    p_collapse = rng.choice([0.0, 0.0, 0.5])  # converters drop some merged-over cells

    def markdown_table(out: Out, grid: Grid) -> None:
        rows = [[cell_pieces(c) for c in collapse_covered(row, rng, p_collapse)] for row in expanded(grid)]
        _md_row(out, rows[0])
        _md_rule(out, grid.ncols)
        for row in rows[1:]:
            _md_row(out, row)
        out.add("\n")

    out = Out()
    _md_prose(out, doc, rng, table, wrap=rng.choice([0, 0, 40]))
    return out.result()


# --------------------------------------------------------------------------- #
# HTML: text form and source
# --------------------------------------------------------------------------- #
def _html_table_text(out: Out, grid: Grid) -> None:
    for row in expanded(grid):
        for i, cell in enumerate(row):
            if i:
                out.add("\t")
            out.pieces(cell_pieces(cell))
        out.add("\n")


def html_table(doc: Doc, rng: random.Random) -> Rendered:
    """The text form of the page `html_source` writes (what the model reads)."""
    out = Out()
    prose(out, doc, rng, _html_table_text)
    return out.result()


def html_source(doc: Doc, rng: random.Random) -> str:
    """An HTML page with real rowspan/colspan tables (Word-export flavour: labels split
    across ``<span>``s, ``&nbsp;`` in blank cells)."""
    esc = html.escape
    title = "".join(p.text for b in doc.blocks if b.kind == "title" for p in b.pieces)
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{esc(title)}</title></head><body>"]
    for block in doc.blocks:
        text = esc("".join(p.text for p in block.pieces))
        if block.kind == "title":
            parts.append(f'<p align="center"><b>{text}</b></p>')
        elif block.kind == "heading":
            parts.append(f"<h3>{text}</h3>")
        elif block.kind == "table":
            parts.append('<table border="1" cellspacing="0" cellpadding="0" class="MsoTableGrid">')
            for row in block.grid.rows():
                parts.append("<tr>")
                for cell in row:
                    attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                            (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                    inner = "&nbsp;" if not cell.text else esc(cell.text)
                    if cell.role == "label" and len(cell.text) > 5 and rng.random() < 0.3:
                        k = rng.randint(2, len(cell.text) - 2)
                        inner = f"<span>{esc(cell.text[:k])}</span><span>{esc(cell.text[k:])}</span>"
                    parts.append(f'<td{attrs}><p class="MsoNormal" align="center">{inner}</p></td>')
                parts.append("</tr>")
            parts.append("</table>")
        else:
            parts.append(f'<p class="MsoNormal">{text}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- #
# Web page text: site chrome, breadcrumbs, menus, footers around the report
# --------------------------------------------------------------------------- #
def web_page(doc: Doc, rng: random.Random) -> Rendered:
    from .layouts import _cell_lines_body  # the body reads like one cell per line

    nb = "\xa0"
    site = rng.choice(["人民政府", "人民政府门户网站", "政府网"])
    owner = doc.agency if rng.random() < 0.4 else rng.choice("东西南北清安平宁") + rng.choice("河山城江阳州") + "市"
    menus = rng.sample(["首页", "政务公开", "政务服务", "互动交流", "走进" + owner[:2], "新闻中心", "专题专栏", "数据开放"], 5)
    title = "".join(p.text for b in doc.blocks if b.kind == "title" for p in b.pieces)
    crumbs = f"{nb}>>{nb}".join(["首页", "政务公开", rng.choice(["政府信息公开年报", "年度报告", "法定主动公开内容"])])
    head = [f"{owner}{site}" if not owner.endswith("政府") else owner, nb,
            rng.choice([" | ".join(menus), "  ".join(menus)]),
            f"您当前位置：{crumbs}" if rng.random() < 0.5 else f"当前位置:{crumbs}{nb}>>{nb}{title[:12]}",
            title,
            f"发布时间：{doc.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}{nb * 4}来源：{nb * 4}"
            f"浏览次数：{rng.randint(12, 4000)}",
            rng.choice([f"【字体：大 中 小】{nb * 4}打印", "【打印本页】【关闭窗口】", f"字号：T|T{nb}分享到："]), nb, nb]
    foot = [nb, rng.choice(["【打印本页】 【关闭窗口】", "上一篇：无" + nb + "下一篇：无", "相关链接"]),
            rng.choice(["关于本站 | 网站声明 | 网站地图 | 联系我们", "网站地图 | 联系我们 | 使用帮助"]),
            f"主办单位：{owner}" + (rng.choice(["人民政府办公室", "人民政府", "大数据中心"]) if owner.endswith("市") else ""),
            f"网站标识码：{rng.randint(10 ** 9, 10 ** 10 - 1)}",
            f"{rng.choice(PROVINCE_ABBR)}ICP备{rng.randint(10 ** 7, 10 ** 8 - 1)}号{nb * 2} "
            f"{rng.choice(PROVINCE_ABBR)}公网安备{nb}{rng.randint(10 ** 13, 10 ** 14 - 1)}号"]
    out = Out()
    for line in head:
        if line is title:  # the page's title line is the report's title, tagged
            for i, b in enumerate(b for b in doc.blocks if b.kind == "title"):
                out.add(" " if i else "")
                out.pieces(b.pieces)
            out.add("\n")
        else:
            out.add(line + "\n")
    body = Doc([b for b in doc.blocks if b.kind != "title"], doc.agency, doc.year, doc.short_name)
    _cell_lines_body(out, body, rng)
    for line in foot:
        out.add(line + "\n")
    return out.result()
