#!/usr/bin/env python3
"""Draws fast p99 by load, one line per configuration, as a standalone SVG (no plotting library).

Usage: plot_by_load.py BY_LOAD_CSV OUT_SVG TITLE

The CSV has the header config,rate,fast_p99_ms,slow_p99_ms (slow-requests-cases.sh --plot writes
it). The y axis is logarithmic: the configurations differ by orders of magnitude. A point with no
value (the run failed) is left out of its line.
"""
import csv
import math
import sys

WIDTH, HEIGHT = 760, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 230, 40, 50
COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]


def main(path, out, title):
    series = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                value = float(row["fast_p99_ms"])
            except (TypeError, ValueError):
                continue
            series.setdefault(row["config"], []).append((float(row["rate"]), value))
    if not series:
        sys.exit("plot_by_load: no values in " + path)
    rates = sorted({r for points in series.values() for r, _ in points})
    values = [v for points in series.values() for _, v in points if v > 0]
    low = 10 ** math.floor(math.log10(min(values)))
    high = max(10 ** math.ceil(math.log10(max(values))), low * 10)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(rate):
        if len(rates) == 1:
            return LEFT + plot_w / 2
        return LEFT + (rate - rates[0]) / (rates[-1] - rates[0]) * plot_w

    def y(ms):
        return TOP + (1 - (math.log10(max(ms, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14">{escape(title)}</text>',
    ]
    decade = low
    while decade <= high:
        yy = y(decade)
        parts.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{LEFT + plot_w}" y2="{yy:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{yy + 4:.1f}" text-anchor="end">{label(decade)}</text>')
        decade *= 10
    for rate in rates:
        xx = x(rate)
        parts.append(f'<line x1="{xx:.1f}" y1="{TOP}" x2="{xx:.1f}" y2="{TOP + plot_h}" stroke="#eee"/>')
        parts.append(f'<text x="{xx:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{rate:g}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" text-anchor="middle">load (requests/s)</text>')
    parts.append(f'<text x="16" y="{TOP + plot_h / 2}" transform="rotate(-90 16 {TOP + plot_h / 2})" '
                 f'text-anchor="middle">fast p99 (ms, log scale)</text>')
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>')
    for i, (config, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        points.sort()
        coords = " ".join(f"{x(r):.1f},{y(v):.1f}" for r, v in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for r, v in points:
            parts.append(f'<circle cx="{x(r):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(config)}: '
                         f'{v:g} ms at {r:g} req/s</title></circle>')
        ly = TOP + 10 + i * 20
        parts.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{ly}" x2="{WIDTH - RIGHT + 40}" y2="{ly}" '
                     f'stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 46}" y="{ly + 4}">{escape(config)}</text>')
    parts.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")


def label(ms):
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: plot_by_load.py BY_LOAD_CSV OUT_SVG TITLE")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
