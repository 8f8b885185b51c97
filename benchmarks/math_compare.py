"""Math renderers compared (issue 15): coverage, time per formula, import time, installed size.

    .venv/bin/python -m benchmarks.math_compare                 # ziamath, through render_formula
    /path/to/other/python -m benchmarks.math_compare --lib mathtext

The second form needs a Python with matplotlib (kept out of the app's environment on purpose);
run it from the repository root. Each run prints a table; docs/math.md holds the figures.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# (construct, TeX, display)
COVERAGE: list[tuple[str, str, bool]] = [
    ("fraction", r"\frac{a+b}{c}", True),
    ("square root", r"\sqrt{b^2-4ac}", False),
    ("n-th root", r"\sqrt[3]{x}", False),
    ("sum with limits", r"\sum_{i=1}^{n} i^2", True),
    ("integral with limits", r"\int_0^{\infty} e^{-x^2}\,dx", True),
    ("pmatrix", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
    ("bmatrix", r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}", True),
    ("aligned", r"\begin{aligned} a &= b + c \\ &= d \end{aligned}", True),
    ("cases", r"f(x) = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}", True),
    ("Greek", r"\alpha + \beta = \Gamma \cdot \omega", False),
    ("accents", r"\hat{x} + \vec{v} + \bar{y} + \tilde{n}", False),
    ("\\text", r"x = 1 \text{ if } y > 0", False),
    ("\\mathbb", r"x \in \mathbb{R}", False),
    ("\\operatorname", r"\operatorname{sgn}(x)", False),
    ("\\left( \\right)", r"\left( \frac{a}{b} \right)", True),
    ("sub/superscripts", r"x_i^2 + y_{i+1}^{n-1}", False),
    ("\\cdot \\infty \\partial \\nabla", r"a \cdot \infty + \partial_x f + \nabla g", False),
]
# Formulas as answers carry them, timed one by one (warm: after a first formula was drawn).
TIMED: list[tuple[str, bool]] = [
    (r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}", True),
    (r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", True),
    (r"\int_{-\infty}^{\infty} e^{-x^2}\,dx = \sqrt{\pi}", True),
    (r"\nabla \times \vec{E} = -\frac{\partial \vec{B}}{\partial t}", True),
    (r"E = mc^2", False),
    (r"\alpha_i", False),
    (r"\lim_{x \to 0} \frac{\sin x}{x} = 1", True),
    (r"\left( \frac{a}{b} \right)^2 + \sqrt[3]{x_1 x_2}", False),
]


def _ziamath() -> Callable[[str, bool], object]:
    from nebula_desktop.render import math as m

    def draw(tex: str, display: bool) -> object:
        m.clear_cache()
        return m.render_formula(tex, display)

    return draw


def _mathtext() -> Callable[[str, bool], object]:
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import mathtext

    def draw(tex: str, display: bool) -> object:
        out = io.BytesIO()
        mathtext.math_to_image(f"${tex}$", out, format="svg")
        return out.getvalue()

    return draw


def _import_ms(module: str) -> float:
    code = (
        "import time; t = time.perf_counter(); import " + module + "; "
        "print((time.perf_counter() - t) * 1000)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(5)
    ]  # fmt: skip
    return statistics.median(runs)


def _size_mb(names: list[str]) -> float:
    import importlib.util

    total = 0
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        root = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lib", choices=("ziamath", "mathtext"), default="ziamath")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.lib == "ziamath":
        draw, module = _ziamath(), "ziamath"
        packages = ["ziamath", "ziafont", "latex2mathml"]
    else:
        draw, module = _mathtext(), "matplotlib.mathtext"
        packages = ["matplotlib", "numpy", "PIL", "fontTools", "kiwisolver", "contourpy",
                    "pyparsing", "cycler", "dateutil", "packaging"]  # fmt: skip
    print(
        f"== {args.lib}: import {_import_ms(module):.0f} ms (median of 5 fresh processes); "
        f"installed {_size_mb(packages):.1f} MB ({', '.join(packages)}, no __pycache__)"
    )
    start = time.perf_counter()
    draw("x", False)
    print(f"first formula (fonts loaded): {(time.perf_counter() - start) * 1000:.0f} ms")
    print("\n| construct | TeX | drawn |\n|---|---|---|")
    for name, tex, display in COVERAGE:
        try:
            draw(tex, display)
            verdict = "yes"
        except Exception as exc:  # the library's own refusal, whatever its type
            verdict = f"no ({type(exc).__name__}: {str(exc).splitlines()[0][:60]})"
        print(f"| {name} | `{tex}` | {verdict} |")
    print("\n| formula | median ms |\n|---|---|")
    medians = []
    for tex, display in TIMED:
        times = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            try:
                draw(tex, display)
            except Exception:
                times = []
                break
            times.append((time.perf_counter() - t) * 1000)
        if times:
            medians.append(statistics.median(times))
            print(f"| `{tex}` | {medians[-1]:.1f} |")
        else:
            print(f"| `{tex}` | fails |")
    if medians:
        print(f"\nmedian over formulas: {statistics.median(medians):.1f} ms "
              f"(load average {os.getloadavg()[0]:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
