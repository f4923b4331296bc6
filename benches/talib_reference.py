"""TA-Lib's speed on the bars benches/indicators.rs wrote: nanoseconds per bar, best
of many runs, printed as JSON with the same names."""

import json
import sys
import time

import numpy as np
import talib

RUNS = 200

data = json.load(open(sys.argv[1]))
o, h, l, c, v = (np.asarray(data[k], dtype=np.float64) for k in ("open", "high", "low", "close", "volume"))
calls = {
    "sma:20": lambda: talib.SMA(c, 20),
    "ema:20": lambda: talib.EMA(c, 20),
    "wma:20": lambda: talib.WMA(c, 20),
    "rsi:14": lambda: talib.RSI(c, 14),
    "macd:12:26:9": lambda: talib.MACD(c, 12, 26, 9),
    "bbands:20:2:2": lambda: talib.BBANDS(c, 20, 2, 2, 0),
    "atr:14": lambda: talib.ATR(h, l, c, 14),
    "stoch:14:3:3": lambda: talib.STOCH(h, l, c, 14, 3, 0, 3, 0),
    "adx:14": lambda: talib.ADX(h, l, c, 14),
    "plus_di:14": lambda: talib.PLUS_DI(h, l, c, 14),
    "minus_di:14": lambda: talib.MINUS_DI(h, l, c, 14),
    "obv": lambda: talib.OBV(c, v),
    "roc:10": lambda: talib.ROC(c, 10),
    "cci:20": lambda: talib.CCI(h, l, c, 20),
    "mfi:14": lambda: talib.MFI(h, l, c, v, 14),
    "willr:14": lambda: talib.WILLR(h, l, c, 14),
}
results = {}
for name, call in calls.items():
    best = min(
        (lambda: (lambda t0: (call(), time.perf_counter_ns() - t0)[1])(time.perf_counter_ns()))()
        for _ in range(RUNS)
    )
    results[name] = best / len(c)
print(json.dumps(results))
