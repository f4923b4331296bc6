"""Prints our 1 000-pair sweep against vectorbt's (arguments: the JSON lines of
benches/optimize.rs and benches/vectorbt_reference.py); ratio = ours / vectorbt,
below 0.2 is the target."""

import json
import sys

ours = json.load(open(sys.argv[1]))
theirs = json.load(open(sys.argv[2]))
print(f"1000 SMA-cross pairs on {ours['bars']} bars (vectorbt {theirs['vectorbt']})")
print(f"{'':<44}{'ms':>10}{'ours / it':>12}")
print(f"{'ours: full statistics, over HTTP':<44}{ours['ours_ms']:>10.1f}")
for label, key in [
    ("vectorbt: sweep with full statistics", "sweep_with_stats_ms"),
    ("vectorbt: sweep, total return only", "sweep_ms"),
]:
    print(f"{label:<44}{theirs[key]:>10.1f}{ours['ours_ms'] / theirs[key]:>12.3f}")
