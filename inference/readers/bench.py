"""OCR quality and speed on rendered pages with known numbers.

    python -m xxgk.inference.readers.bench [pages] [seed]

Each page is an A4 scan (200 dpi, clean, optionally skewed) of a table-三-like grid of
random counts (blanks included) and amounts, plus prose lines quoting numbers separated by
single spaces.  Reported: character error rate over the numbers (edit distance of the
expected vs read numeric text, row by row), exact-cell accuracy, and wall-clock and CPU
seconds per page (ONNX Runtime uses every core; the two differ when the machine is shared).
"""
from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from pathlib import Path

from . import render
from .document import CELL_SEP

ROWS, COLS = 22, 7


def _page(rng: random.Random) -> tuple[list, list[list[str]]]:
    def value() -> str:
        r = rng.random()
        if r < 0.1:
            return ""
        if r < 0.2:
            return f"{rng.randrange(1, 99999) / 100:.2f}"
        return str(rng.choice([0, 0, 1, rng.randrange(2, 10), rng.randrange(10, 100), rng.randrange(100, 10000)]))

    grid = [[value() for _ in range(COLS)] for _ in range(ROWS)]
    prose = [" ".join(value() or "0" for _ in range(rng.randrange(2, 6))) for _ in range(4)]
    rows = [["项目"] + [f"列{c + 1}" for c in range(COLS)]] + [[f"第{r + 1}行"] + grid[r] for r in range(ROWS)]
    blocks = ["三、收到和处理政府信息公开申请情况"] + [f"数据 {p}" for p in prose] + [render.table(rows)]
    expected = [[f"数据 {p}"] for p in prose] + [[f"第{r + 1}行"] + grid[r] for r in range(ROWS)]
    return blocks, expected


def _edit(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _numbers(cells: list[str]) -> str:
    return CELL_SEP.join(re.sub(r"[^0-9. ]", "", c) for c in cells)


def ocr_bench(pages: int = 2, seed: int = 0, skew: float = 0.0) -> dict:
    from . import read_document
    from .ocr import engine

    rng = random.Random(seed)
    engine()  # loaded outside the timing
    errors = chars = cells_ok = cells = 0
    seconds = cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for p in range(pages):
            blocks, expected = _page(rng)
            images, _ = render.to_images(blocks, skew=skew)
            path = Path(tmp) / f"page{p}.png"
            render.save_images(images[:1], path)
            start, start_cpu = time.perf_counter(), time.process_time()
            doc = read_document(path)
            seconds += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            read = {}
            for line in doc.text.split("\n"):
                first = line.split(CELL_SEP)[0].replace(" ", "")
                key = first if first.startswith("第") else ("数据 " + line[2:].strip() if line.startswith("数据") else None)
                if key:
                    read[first if first.startswith("第") else "prose" + str(len(read))] = line.split(CELL_SEP)
            prose_read = [v for k, v in read.items() if k.startswith("prose")]
            for k, row in enumerate(expected):
                got = prose_read[k] if k < 4 and k < len(prose_read) else read.get(row[0], []) if k >= 4 else []
                exp_n, got_n = _numbers(row[1:] if k >= 4 else [row[0][3:]]), _numbers(got[1:] if k >= 4 else [" ".join(got)[3:]])
                errors += _edit(exp_n, got_n)
                chars += len(exp_n)
                if k >= 4:
                    cells += len(row) - 1
                    cells_ok += sum(1 for c, e in enumerate(row[1:], 1) if c < len(got) and got[c].strip() == e)
    return {"pages": pages, "seed": seed, "skew": skew, "number_cer": round(errors / max(chars, 1), 4),
            "cell_accuracy": round(cells_ok / max(cells, 1), 4), "seconds_per_page": round(seconds / pages, 2),
            "cpu_seconds_per_page": round(cpu / pages, 2)}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(ocr_bench(*args))
    print(ocr_bench(*args, skew=1.0))
