"""One report of every benchmark's figures, and the ratios between them.

Reads what `scripts/bench` kept: each benchmark's own output (OUT/NAME.txt) and
criterion's estimates (CRITERION/*/new/). Each figure is read from the line its
benchmark prints for people; a figure that cannot be found stops the report with the
benchmark and the line expected, so a changed benchmark cannot drop out unnoticed.

    python3 scripts/bench_report.py OUT CRITERION
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys


class Missing(Exception):
    pass


def read(out, name):
    with open(os.path.join(out, name + ".txt"), encoding="utf-8") as f:
        return f.read()


def find(text, name, pattern, what):
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        raise Missing(f"{name}: no {what} (expected a line matching {pattern!r})")
    return match


def criterion(directory):
    """Median time in seconds per benchmark title."""
    medians = {}
    if not os.path.isdir(directory):
        return medians
    for entry in os.listdir(directory):
        new = os.path.join(directory, entry, "new")
        try:
            with open(os.path.join(new, "benchmark.json"), encoding="utf-8") as f:
                title = json.load(f)["full_id"]
            with open(os.path.join(new, "estimates.json"), encoding="utf-8") as f:
                medians[title] = json.load(f)["median"]["point_estimate"] / 1e9
        except (OSError, KeyError, ValueError):
            continue
    return medians


def median(medians, title):
    if title not in medians:
        raise Missing(f"criterion: no estimate for {title!r}")
    return medians[title]


def duration(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def report(out, criterion_dir):
    lines = []
    row = lines.append
    m = criterion(criterion_dir)

    row(f"packwise benchmarks, {datetime.date.today()}, commit {commit()}")
    row(f"{cpu()}, {os.cpu_count()} cores")
    row("")
    row("engine (criterion medians)")
    decide = median(m, "decide/10 lines x 100 campaigns")
    row(f"  decide, 10 lines x 100 campaigns          {duration(decide):>12}")
    row(f"  suggest, 10-line basket                   "
        f"{duration(median(m, 'suggest/10-line basket, 16 history neighbours')):>12}")
    row(f"  remember, 10-line basket                  "
        f"{duration(median(m, 'remember/10-line basket into 16 history neighbours')):>12}")

    row("slips and pick lists (criterion medians)")
    label = median(m, "slip pdf 4x6")
    a4 = median(m, "slip pdf a4")
    html = median(m, "slip html")
    row(f"  slip PDF 4x6 / A4 / HTML                  {duration(label)} / {duration(a4)} / "
        f"{duration(html)}   PDF is {label / html:.1f}x the HTML")
    row(f"  pick list of 500 orders, PDF / CSV        "
        f"{duration(median(m, 'pick list pdf a4 500 orders'))} / "
        f"{duration(median(m, 'pick list csv 500 orders'))}")

    text = read(out, "process")
    orders = find(text, "process", r"^process bench: (\d+) synthetic orders", "order count")[1]
    rates = [float(x) for x in re.findall(r"throughput\s+([\d.]+) orders/s", text)]
    peaks = [float(x) for x in re.findall(r"peak memory so far\s+([\d.]+) MiB", text)]
    if len(rates) != 2 or len(peaks) != 2:
        raise Missing("process: expected two runs (without and with slips)")
    row(f"local processing (`packwise process`, {int(orders):,} orders, embedded store)")
    row(f"  without slips                             {rates[0]:>9,.0f} orders/s   "
        f"target 5,000: {rates[0] / 5000:.2f}x")
    row(f"  with slips                                {rates[1]:>9,.0f} orders/s   "
        f"slips cost {rates[0] / rates[1]:.1f}x; peak {peaks[1]:.0f} MiB")

    text = read(out, "similar_build")
    sizes = re.findall(
        r"^\s*(\d+)\s+\d+\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+(\d+)\s+(\d+)\s+\d+\s*$",
        text, re.MULTILINE)
    if not sizes:
        raise Missing("similar_build: no size rows")
    row("similar items build (one core)")
    for lines_, total, per_s, peak in sizes:
        row(f"  {int(lines_):>12,} lines                      {float(total):>8.2f} s   "
            f"{int(per_s):>10,} lines/s   peak {int(peak):,} MiB")
    first, last = sizes[0], sizes[-1]
    row(f"  time per line, largest / smallest         "
        f"{(float(last[1]) / int(last[0])) / (float(first[1]) / int(first[0])):.2f}x")

    text = read(out, "init")
    init = find(text, "init", r"median ([\d.]+) ms, p90 ([\d.]+) ms", "init times")
    row("order-processor function init (start until first poll, local API)")
    row(f"  median / p90                              {init[1]} ms / {init[2]} ms")

    text = read(out, "load")
    head = find(text, "load", r"^load: (\d+) synthetic orders in batches of (\d+), (\d+) batches",
                "run shape")
    speed = find(text, "load",
                 r"([\d.]+) orders/s .* handler time per batch p50 ([\d.]+) ms, p99 ([\d.]+) ms",
                 "throughput and handler times")
    accounted = find(text, "load", r"accounted: (\d+) with .* (\d+) failed with a reason, (\d+) lost",
                     "accounting")
    p50, p99 = float(speed[2]), float(speed[3])
    row(f"load (`scripts/load`: {int(head[1]):,} orders, batches of {head[2]}, {head[3]} at once, "
        "DynamoDB Local + moto S3)")
    row(f"  throughput                                {float(speed[1]):>9,.0f} orders/s")
    row(f"  handler time per batch p50 / p99          {p50:.1f} ms / {p99:.1f} ms   "
        f"p99 is {p99 / p50:.1f}x p50")
    row(f"  orders written / failed with reason / lost {int(accounted[1]):,} / {accounted[2]} / "
        f"{accounted[3]}")

    text = read(out, "cost")
    total = find(text, "cost", r"^\s+total\s+([\d.]+)\s+([\d.]+)\s*$", "totals")
    shipped, naive = float(total[1]), float(total[2])
    row("cost per million orders (`scripts/cost`, infra/prices.toml)")
    for item in ("Lambda invocations", "Lambda duration", "DynamoDB reads", "DynamoDB writes",
                 "S3 PUT", "SQS"):
        line = find(text, "cost", rf"^\s+{re.escape(item)}\s+([\d.]+) .*?([\d.]+)\s+([\d.]+) .*?([\d.]+)\s*$",
                    item)
        row(f"  {item:<22} shipped ${float(line[2]):>7.3f}   naive ${float(line[4]):>7.3f}")
    row(f"  total                  shipped ${shipped:>7.2f}   naive ${naive:>7.2f}   "
        f"naive is {naive / shipped:.2f}x; target $3: {shipped / 3:.2f}x")
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        print(report(sys.argv[1], sys.argv[2]))
    except (Missing, OSError) as e:
        sys.exit(f"bench report: {e}")


if __name__ == "__main__":
    main()
