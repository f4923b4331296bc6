"""Prints our portfolio backtest against vectorbt's (arguments: the JSON lines of
benches/portfolio.rs and benches/vectorbt_portfolio.py); ratio = ours / vectorbt, at
most 0.5 is the target, and the 5 000-symbol run must stay under 2 000 ms."""

import json
import sys

ours = json.load(open(sys.argv[1]))
theirs = json.load(open(sys.argv[2]))
print(f"{ours['symbols']} symbols x {ours['bars']} bars, monthly (vectorbt {theirs['vectorbt']}; final equity equal)")
print(f"{'':<52}{'ms':>10}{'ours / it':>12}")
print(f"{'ours: simulation, statistics, answer, over HTTP':<52}{ours['ours_ms']:>10.1f}")
for label, key in [
    ("vectorbt: simulation and equity", "equity_ms"),
    ("vectorbt: simulation, equity and stats()", "with_stats_ms"),
]:
    print(f"{label:<52}{theirs[key]:>10.1f}{ours['ours_ms'] / theirs[key]:>12.3f}")
if ours.get("large_ms") is not None:
    print(f"ours: {ours['large_symbols']} symbols x {ours['bars']} bars over HTTP: {ours['large_ms']:.1f} ms (target < 2000)")
if ours.get("large_cold_ms") is not None:
    print(f"ours: the same, cold (every series read from SQLite): {ours['large_cold_ms']:.1f} ms")
