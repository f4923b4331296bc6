"""Prints ours against TA-Lib, per indicator: ns per bar and the ratio (ours / TA-Lib;
below 1 means faster). Arguments: two JSON files from the benches."""

import json
import sys

ours = json.load(open(sys.argv[1]))
theirs = json.load(open(sys.argv[2]))
print(f"{'indicator':<16}{'ours ns/bar':>14}{'TA-Lib ns/bar':>16}{'ratio':>9}")
for name, ns in ours.items():
    ref = theirs[name]
    print(f"{name:<16}{ns:>14.2f}{ref:>16.2f}{ns / ref:>9.2f}")
