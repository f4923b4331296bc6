//! The demo market's live intraday feed: each symbol continues from its last daily
//! close as a bounded, mean-reverting random walk. Pure: the caller draws the
//! random numbers, so every step can be replayed in tests.

/// Per-tick standard move (0.15 %): visible on a dashboard within seconds.
const TICK_VOLATILITY: f64 = 0.0015;
/// Share of the distance back to the anchor recovered each tick (log scale).
const REVERSION: f64 = 0.02;
/// The price never leaves anchor × (1 ± BAND).
pub const BAND: f64 = 0.05;
/// Ticks in a 6.5-hour session at one tick per second.
const SESSION_TICKS: f64 = 23_400.0;

#[derive(Clone, Debug, PartialEq)]
pub struct LiveWalk {
    /// The last daily close: the session's reference for change.
    pub anchor: f64,
    pub price: f64,
    /// Shares traded this session so far.
    pub volume: f64,
    /// Typical shares per tick (the last day's volume spread over a session).
    tick_volume: f64,
}

/// One published point of the walk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quote {
    pub price: f64,
    pub change: f64,
    pub change_pct: f64,
    pub volume: f64,
}

impl LiveWalk {
    /// Starts at `last_close`; `last_volume` sets the pace of the session's volume.
    pub fn new(last_close: f64, last_volume: f64) -> LiveWalk {
        let tick_volume = if last_volume.is_finite() && last_volume > 0.0 {
            last_volume / SESSION_TICKS
        } else {
            100.0
        };
        LiveWalk {
            anchor: last_close,
            price: last_close,
            volume: 0.0,
            tick_volume,
        }
    }

    /// One tick. `shock` is a standard normal draw; `activity` is uniform in
    /// [0, 1) and scales the tick's volume between half and one and a half times
    /// the typical.
    pub fn step(&mut self, shock: f64, activity: f64) -> Quote {
        let pull = REVERSION * (self.anchor / self.price).ln();
        let moved = self.price * (TICK_VOLATILITY * shock.clamp(-6.0, 6.0) + pull).exp();
        let (low, high) = (self.anchor * (1.0 - BAND), self.anchor * (1.0 + BAND));
        self.price = round_cents(moved.clamp(low, high));
        self.volume += (self.tick_volume * (0.5 + activity.clamp(0.0, 1.0))).round();
        self.quote()
    }

    pub fn quote(&self) -> Quote {
        let change = round_cents(self.price - self.anchor);
        Quote {
            price: self.price,
            change,
            change_pct: if self.anchor > 0.0 {
                (self.price - self.anchor) / self.anchor * 100.0
            } else {
                0.0
            },
            volume: self.volume,
        }
    }
}

fn round_cents(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_at_the_last_close_with_no_change() {
        let walk = LiveWalk::new(187.25, 50_000_000.0);
        let quote = walk.quote();
        assert_eq!(quote.price, 187.25);
        assert_eq!(
            (quote.change, quote.change_pct, quote.volume),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn a_positive_shock_raises_the_price_and_change_follows() {
        let mut walk = LiveWalk::new(100.0, 23_400.0);
        let quote = walk.step(2.0, 0.5);
        // 100 × e^(0.0015 × 2) = 100.30 (no pull at the anchor).
        assert_eq!(quote.price, 100.30);
        assert_eq!(quote.change, 0.30);
        assert!((quote.change_pct - 0.30).abs() < 1e-9);
        // One share per tick on average; activity 0.5 is exactly the average.
        assert_eq!(quote.volume, 1.0);
    }

    #[test]
    fn never_leaves_the_band_even_under_relentless_shocks() {
        let mut walk = LiveWalk::new(50.0, 1e6);
        for _ in 0..10_000 {
            walk.step(6.0, 0.9);
        }
        assert!(walk.price <= 50.0 * (1.0 + BAND) + 1e-9, "{}", walk.price);
        for _ in 0..10_000 {
            walk.step(-6.0, 0.1);
        }
        assert!(walk.price >= 50.0 * (1.0 - BAND) - 1e-9, "{}", walk.price);
    }

    #[test]
    fn drifts_back_towards_the_anchor_without_shocks() {
        let mut walk = LiveWalk::new(100.0, 1e6);
        for _ in 0..50 {
            walk.step(3.0, 0.5);
        }
        let away = walk.price - 100.0;
        assert!(away > 1.0, "{away}");
        for _ in 0..200 {
            walk.step(0.0, 0.5);
        }
        assert!((walk.price - 100.0).abs() < away / 2.0, "{}", walk.price);
    }

    #[test]
    fn volume_only_grows() {
        let mut walk = LiveWalk::new(10.0, 0.0);
        let mut last = 0.0;
        for i in 0..100 {
            let quote = walk.step(if i % 2 == 0 { 1.0 } else { -1.0 }, (i as f64) / 100.0);
            assert!(quote.volume > last);
            last = quote.volume;
        }
    }
}
