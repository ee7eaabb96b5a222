"""Compares packwise's similar items with the item-item and matrix-factorization models of
implicit, an established library, on one purchase log and one protocol.

packwise's numbers come from `packwise similar evaluate --json`; this script runs the
same protocol in Python for implicit's models. To prove both sides run the same protocol,
it also computes the popularity baseline and fails unless it matches packwise's to 1e-9.

The protocol (the one `packwise similar evaluate` documents):
  rows      CSV with a header naming order_id, customer_id, timestamp, sku, quantity,
            unit_price (any order, extra columns ignored). Rows with quantity <= 0 or an
            empty customer_id or sku are skipped.
  orders    the kept rows of one order_id: customer of its first row, time of its earliest
            row, items its distinct SKUs.
  split     train: time < cutoff, test: time >= cutoff. The catalogue is the SKUs of train
            orders; models see train orders only.
  history   customers with train and test orders; 10 items not bought in train, scored
            against each test order's new items (cases without new items are skipped).
  next      consecutive test orders (o, o2) of one customer; 10 items not in o, from o's
            items only, scored against o2's items not in o.
  metrics   hit rate (any recommended item among the targets) and recall per case,
            averaged; coverage: distinct recommended items / catalogue.

Run it through scripts/similar-compare, which builds packwise, makes a sample log when none
is given and installs the pinned libraries.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

N = 10
REQUIRED = ("order_id", "customer_id", "timestamp", "sku", "quantity", "unit_price")
# Share of orders left after the cutoff when none is given.
TEST_SHARE = 0.22


class Failure(Exception):
    """A problem to report in one message, without a traceback."""


@dataclass
class Order:
    order_id: str
    customer: str
    time: datetime
    items: set[str] = field(default_factory=set)


@dataclass
class Data:
    rows: int
    rows_skipped: int
    train: list[Order]
    test: list[Order]
    catalogue: list[str]


@dataclass
class Metrics:
    cases: int = 0
    hits: int = 0
    recall: float = 0.0
    recommended: set[str] = field(default_factory=set)

    def add(self, recs: list[str], targets: set[str]) -> None:
        self.cases += 1
        found = sum(1 for r in recs if r in targets)
        self.hits += found > 0
        self.recall += found / len(targets)
        self.recommended.update(recs)

    def summary(self, catalogue: int) -> dict:
        return {
            "cases": self.cases,
            "hit_rate": self.hits / self.cases if self.cases else 0.0,
            "recall": self.recall / self.cases if self.cases else 0.0,
            "coverage": len(self.recommended) / catalogue if catalogue else 0.0,
        }


def parse_time(text: str) -> datetime:
    """RFC 3339, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD`; UTC when no
    offset is given."""
    t = datetime.fromisoformat(text.strip())
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc)


def read_orders(path: str) -> tuple[int, int, list[Order]]:
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise Failure(f"cannot read the orders file {path}: {e.strerror}") from None
    with f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise Failure(f"{path} is empty: a header row is needed")
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise Failure(f"{path}: the header lacks {', '.join(missing)}")
        col = {c: header.index(c) for c in REQUIRED}
        orders: dict[str, Order] = {}
        rows = skipped = 0
        for number, row in enumerate(reader, start=2):
            rows += 1
            try:
                customer = row[col["customer_id"]]
                sku = row[col["sku"]]
                quantity = float(row[col["quantity"]])
                at = parse_time(row[col["timestamp"]])
            except (IndexError, ValueError) as e:
                raise Failure(f"{path}:{number}: cannot read the row ({e})") from None
            if quantity <= 0 or not customer or not sku:
                skipped += 1
                continue
            order_id = row[col["order_id"]]
            order = orders.get(order_id)
            if order is None:
                order = orders[order_id] = Order(order_id, customer, at)
            elif at < order.time:
                order.time = at
            order.items.add(sku)
    return rows, skipped, list(orders.values())


def split(rows: int, skipped: int, orders: list[Order], cutoff: datetime) -> Data:
    train = [o for o in orders if o.time < cutoff]
    test = [o for o in orders if o.time >= cutoff]
    catalogue = sorted({sku for o in train for sku in o.items})
    return Data(rows, skipped, train, test, catalogue)


def default_cutoff(orders: list[Order]) -> datetime:
    """The midnight that leaves about TEST_SHARE of the orders after it."""
    if not orders:
        raise Failure("the orders file has no orders")
    times = sorted(o.time for o in orders)
    t = times[min(len(times) - 1, int(len(times) * (1 - TEST_SHARE)))]
    return datetime(t.year, t.month, t.day, tzinfo=timezone.utc)


def history_cases(data: Data):
    """(customer, known items, [targets of each test order])."""
    known: dict[str, set[str]] = defaultdict(set)
    for o in data.train:
        known[o.customer].update(o.items)
    tests: dict[str, list[Order]] = defaultdict(list)
    for o in data.test:
        if o.customer in known:
            tests[o.customer].append(o)
    for customer, orders in tests.items():
        targets = [o.items - known[customer] for o in orders]
        yield customer, known[customer], [t for t in targets if t]


def next_order_cases(data: Data):
    """(items of o, targets in o2) for consecutive test orders of one customer."""
    ordered = sorted(data.test, key=lambda o: (o.customer, o.time, o.order_id))
    for o, o2 in zip(ordered, ordered[1:]):
        if o.customer != o2.customer:
            continue
        targets = o2.items - o.items
        if targets:
            yield o.items, targets


def evaluate_popularity(data: Data) -> tuple[float, dict, dict]:
    started = time.perf_counter()
    count: dict[str, int] = defaultdict(int)
    for o in data.train:
        for sku in o.items:
            count[sku] += 1
    # Python compares strings by code point, which is UTF-8 byte order: packwise's order.
    ranked = sorted(count, key=lambda sku: (-count[sku], sku))
    build = time.perf_counter() - started

    def top(excluded: set[str]) -> list[str]:
        recs = []
        for sku in ranked:
            if sku not in excluded:
                recs.append(sku)
                if len(recs) == N:
                    break
        return recs

    history, following = Metrics(), Metrics()
    for _, known, targets in history_cases(data):
        recs = top(known)
        for t in targets:
            history.add(recs, t)
    for items, targets in next_order_cases(data):
        following.add(top(items), targets)
    size = len(data.catalogue)
    return build, history.summary(size), following.summary(size)


def evaluate_implicit(data: Data, args) -> list[dict]:
    import numpy as np
    import threadpoolctl
    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.nearest_neighbours import BM25Recommender, CosineRecommender, TFIDFRecommender
    from implicit.utils import ParameterWarning
    from scipy.sparse import csr_matrix

    # The item-item models convert their own weighted matrix and warn about it on every fit.
    warnings.filterwarnings("ignore", category=ParameterWarning)

    # implicit runs its own threads; BLAS threads on top of them only fight over the cores.
    threadpoolctl.threadpool_limits(1, "blas")
    item = {sku: i for i, sku in enumerate(data.catalogue)}
    customers = sorted({o.customer for o in data.train})
    user = {c: u for u, c in enumerate(customers)}
    # Customers x items: how many train orders of the customer hold the item.
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for o in data.train:
        for sku in o.items:
            cells[(user[o.customer], item[sku])] += 1
    rows = np.fromiter((k[0] for k in cells), dtype=np.int32, count=len(cells))
    cols = np.fromiter((k[1] for k in cells), dtype=np.int32, count=len(cells))
    vals = np.fromiter(cells.values(), dtype=np.float32, count=len(cells))
    user_items = csr_matrix((vals, (rows, cols)), shape=(len(customers), len(item)))

    history = list(history_cases(data))
    history_users = np.array([user[c] for c, _, _ in history], dtype=np.int32)
    following = list(next_order_cases(data))
    # One row per case: o's items, those the model knows.
    indptr, indices = [0], []
    for items, _ in following:
        indices.extend(sorted(item[s] for s in items if s in item))
        indptr.append(len(indices))
    order_items = csr_matrix(
        (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int32), indptr),
        shape=(len(following), len(item)),
    )

    models = [
        ("implicit cosine", lambda: CosineRecommender(K=args.neighbours, num_threads=args.threads)),
        ("implicit bm25", lambda: BM25Recommender(K=args.neighbours, num_threads=args.threads)),
        ("implicit tfidf", lambda: TFIDFRecommender(K=args.neighbours, num_threads=args.threads)),
        (
            "implicit als",
            lambda: AlternatingLeastSquares(
                factors=args.factors,
                iterations=args.iterations,
                regularization=args.regularization,
                alpha=args.alpha,
                random_state=args.seed,
                num_threads=args.threads,
            ),
        ),
    ]
    results = []
    for name, make in models:
        model = make()
        started = time.perf_counter()
        model.fit(user_items, show_progress=False)
        build = time.perf_counter() - started
        als = isinstance(model, AlternatingLeastSquares)

        def lists(ids) -> list[list[str]]:
            # Item-item models pad short lists with -1.
            return [[data.catalogue[i] for i in row if i >= 0] for row in ids]

        h = Metrics()
        if len(history_users):
            ids, _ = model.recommend(history_users, user_items[history_users], N=N)
            for recs, (_, _, targets) in zip(lists(ids), history):
                for t in targets:
                    h.add(recs, t)
        f = Metrics()
        if following:
            ids, _ = model.recommend(
                np.arange(len(following), dtype=np.int32),
                order_items,
                N=N,
                recalculate_user=als,
            )
            for recs, (_, targets) in zip(lists(ids), following):
                f.add(recs, targets)
        size = len(data.catalogue)
        results.append(
            {
                "model": name,
                "source": "implicit",
                "build_seconds": build,
                "history": h.summary(size),
                "next_order": f.summary(size),
            }
        )
    return results


def run_packwise(binary: str, orders: str, cutoff: str) -> dict:
    command = [binary, "similar", "evaluate", "--orders", orders, "--cutoff", cutoff, "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as e:
        raise Failure(f"cannot run {binary}: {e.strerror}") from None
    if done.returncode != 0:
        said = done.stderr.strip() or done.stdout.strip() or "(nothing on stderr)"
        raise Failure(
            f"`{' '.join(command)}` failed with exit code {done.returncode}:\n{said}"
        )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as e:
        raise Failure(f"`packwise similar evaluate --json` did not print JSON: {e}") from None


def check_same_protocol(report: dict, data: Data, popularity: tuple[dict, dict]) -> None:
    """Fails unless packwise saw the same orders and scored the same popularity lists."""
    problems = []
    seen = report.get("data", {})
    ours = {
        "orders_train": len(data.train),
        "orders_test": len(data.test),
        "catalogue": len(data.catalogue),
    }
    for key, value in ours.items():
        if seen.get(key) != value:
            problems.append(f"data.{key}: packwise {seen.get(key)}, Python {value}")
    theirs = next((m for m in report.get("models", []) if m.get("model") == "popularity"), None)
    if theirs is None:
        problems.append("packwise reported no `popularity` model")
    else:
        for task, mine in zip(("history", "next_order"), popularity):
            for key, value in mine.items():
                other = theirs.get(task, {}).get(key)
                if other is None or not math.isclose(other, value, rel_tol=0, abs_tol=1e-9):
                    problems.append(f"popularity {task}.{key}: packwise {other}, Python {value}")
    if problems:
        raise Failure(
            "packwise and this script do not run the same protocol:\n  " + "\n  ".join(problems)
        )


COLUMNS = (
    "model",
    "build s",
    "history hit@10",
    "recall@10",
    "coverage",
    "next_order hit@10",
    "recall@10",
    "coverage",
)


def table_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        row = [r["model"], f"{r['build_seconds']:.2f}"]
        for task in ("history", "next_order"):
            m = r[task]
            row += [f"{m['hit_rate']:.4f}", f"{m['recall']:.4f}", f"{m['coverage']:.4f}"]
        rows.append(row)
    return rows


def render_text(results: list[dict]) -> str:
    rows = [list(COLUMNS)] + table_rows(results)
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def render_markdown(results: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", required=True, help="purchase log as CSV")
    parser.add_argument(
        "--cutoff",
        help="train before, test from this instant (RFC 3339 or a date); default: the "
        f"midnight that leaves about {TEST_SHARE:.0%} of the orders to test",
    )
    parser.add_argument("--packwise", default="target/release/packwise", help="the binary")
    parser.add_argument(
        "--skip-packwise",
        action="store_true",
        help="run the Python side alone (no cross-check)",
    )
    parser.add_argument("--neighbours", type=int, default=20, help="K of the item-item models")
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--regularization", type=float, default=0.05)
    # 5 did best of 1, 5, 20 and 50 on the 300,000-line sample; factors and regularization
    # barely moved the numbers there.
    parser.add_argument("--alpha", type=float, default=5.0, help="ALS confidence per purchase")
    parser.add_argument("--seed", type=int, default=7, help="ALS random state")
    parser.add_argument("--threads", type=int, default=1, help="threads of implicit's models")
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")
    parser.add_argument("--json", dest="json_out", help="also write the results as JSON")
    args = parser.parse_args()

    started = time.perf_counter()
    rows, skipped, orders = read_orders(args.orders)
    if args.cutoff:
        try:
            cutoff = parse_time(args.cutoff)
        except ValueError:
            raise Failure(f"--cutoff {args.cutoff!r} is not a timestamp or a date") from None
    else:
        cutoff = default_cutoff(orders)
    cutoff_text = cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = split(rows, skipped, orders, cutoff)
    if not data.train or not data.test:
        raise Failure(
            f"cutoff {cutoff_text} leaves {len(data.train)} train and {len(data.test)} test "
            "orders: both are needed"
        )
    print(
        f"{args.orders}: {rows} rows ({skipped} skipped), {len(data.train)} train and "
        f"{len(data.test)} test orders, {len(data.catalogue)} products in the catalogue, "
        f"cutoff {cutoff_text}",
        file=sys.stderr,
    )

    pop_build, pop_history, pop_next = evaluate_popularity(data)
    results = []
    if args.skip_packwise:
        results.append(
            {
                "model": "popularity",
                "source": "python",
                "build_seconds": pop_build,
                "history": pop_history,
                "next_order": pop_next,
            }
        )
    else:
        report = run_packwise(args.packwise, args.orders, cutoff_text)
        check_same_protocol(report, data, (pop_history, pop_next))
        print(
            "popularity: packwise and Python agree to 1e-9 on every metric", file=sys.stderr
        )
        for m in report["models"]:
            results.append(
                {
                    "model": m["model"],
                    "source": "packwise",
                    "build_seconds": m["build_ms"] / 1000,
                    "history": m["history"],
                    "next_order": m["next_order"],
                }
            )
    results += evaluate_implicit(data, args)
    elapsed = time.perf_counter() - started

    history_cases_n = results[0]["history"]["cases"]
    next_cases_n = results[0]["next_order"]["cases"]
    print(
        f"cutoff {cutoff_text}: {history_cases_n} history cases, {next_cases_n} next-order "
        f"cases, {len(data.catalogue)} products; implicit on {args.threads} thread(s)"
    )
    print(render_text(results), flush=True)
    print(f"({elapsed:.1f} s)", file=sys.stderr)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(render_markdown(results) + "\n")
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"orders": args.orders, "cutoff": cutoff_text, "models": results}, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"similar-compare: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
