"""vectorbt on the portfolio benches/portfolio.rs ran (argument: its data file): the
same closes, equal target weights on each month's first bar, shared cash, call_seq
"auto", 0.1 % fees. Times, best of 5 after a warm-up run (numba compiles on the first
call): the simulation with the equity curve (`Portfolio.from_orders` + `value()`), and
the same with vectorbt's statistics (`stats()`). Checks that the final equity equals
ours. Prints JSON.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

data = json.load(open(sys.argv[1]))
index = pd.to_datetime(np.array(data["days"]) * 86_400, unit="s")
close = pd.DataFrame(np.array(data["closes"]).T, index=index)
periods = index.to_period("M")
first = np.r_[True, periods[1:] != periods[:-1]]
size = pd.DataFrame(np.nan, index=index, columns=close.columns)
size[first] = 1.0 / close.shape[1]


def run(with_stats):
    pf = vbt.Portfolio.from_orders(
        close,
        size,
        size_type="targetpercent",
        group_by=True,
        cash_sharing=True,
        call_seq="auto",
        fees=data["commission"],
        init_cash=data["cash"],
        freq="1D",
    )
    value = pf.value()
    if with_stats:
        pf.stats(silence_warnings=True)
    return value


def best_of(runs, with_stats):
    run(with_stats)
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        value = run(with_stats)
        best = min(best, (time.perf_counter() - started) * 1000.0)
    return best, value


equity_ms, value = best_of(5, False)
stats_ms, _ = best_of(5, True)
final = float(value.iloc[-1])
ours = data["equity_final"]
assert abs(final - ours) <= 1e-9 * abs(ours), (final, ours)
print(json.dumps({
    "vectorbt": vbt.__version__,
    "equity_ms": equity_ms,
    "with_stats_ms": stats_ms,
    "equity_final": final,
}))
