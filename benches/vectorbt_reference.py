"""vectorbt on the grid and bars benches/optimize.rs swept (argument: its data file).

Signals on a bar's close fill at the next bar's open with 0.2 % fees on both sides,
as our engine and backtesting.py trade. Times, best of 5 after a warm-up run (numba
compiles on the first call): the sweep alone (moving averages, crossovers, the
portfolio, each pair's total return) and the sweep with every pair's full statistics
(`Portfolio.stats(agg_func=None)`, vectorbt's per-column statistics). Prints JSON.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

data = json.load(open(sys.argv[1]))
index = pd.to_datetime([b["ts"] for b in data["bars"]])
close = pd.Series([b["close"] for b in data["bars"]], index=index)
open_ = pd.Series([b["open"] for b in data["bars"]], index=index)
fast = np.repeat(data["fast"], len(data["slow"]))
slow = np.tile(data["slow"], len(data["fast"]))


def sweep(with_stats):
    fast_ma = vbt.MA.run(close, window=fast, short_name="fast")
    slow_ma = vbt.MA.run(close, window=slow, short_name="slow")
    entries = fast_ma.ma_crossed_above(slow_ma).vbt.fshift(1, fill_value=False)
    exits = fast_ma.ma_crossed_below(slow_ma).vbt.fshift(1, fill_value=False)
    portfolio = vbt.Portfolio.from_signals(
        close,
        entries,
        exits,
        price=open_,
        fees=data["commission"],
        init_cash=data["cash"],
        freq="1D",
    )
    if with_stats:
        return portfolio.stats(agg_func=None, silence_warnings=True)
    return portfolio.total_return()


def best_of(runs, with_stats):
    sweep(with_stats)
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = sweep(with_stats)
        best = min(best, (time.perf_counter() - started) * 1000)
    assert len(result) == len(fast)
    return best


print(
    json.dumps(
        {
            "vectorbt": vbt.__version__,
            "pairs": len(fast),
            "bars": len(close),
            "sweep_ms": best_of(5, False),
            "sweep_with_stats_ms": best_of(5, True),
        }
    )
)
