//! Subscription tiers and their limits: one table, served in `/api/v1/me`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    #[default]
    Free,
    Starter,
    Pro,
    Enterprise,
}

/// `None` means unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TierLimits {
    pub requests_per_minute: u32,
    pub requests_per_day: u32,
    pub symbols_per_request: Option<u32>,
    pub signals_per_day: Option<u32>,
    pub watchlist_symbols: Option<u32>,
    pub watchlists: Option<u32>,
    /// Symbols the user's live-feed connections (`/ws`) may follow at once, together.
    pub live_symbols: Option<u32>,
    /// Live-feed connections the user may hold open at once.
    pub live_connections: u32,
    /// API keys the user may hold at once (revoked ones do not count).
    pub api_keys: u32,
    /// Bars one imported series may hold (and one import may bring).
    pub bars_per_series: u32,
    /// Bar evaluations one backtest request may cost (bars × strategy evaluations,
    /// walk-forward folds included), checked before the work starts.
    pub backtest_budget: u64,
    /// Parameter combinations one optimisation request may sweep (skipped ones
    /// included), checked before the work starts.
    pub optimize_combinations: u32,
    /// Symbols one portfolio backtest may hold, checked before any series is read.
    pub portfolio_symbols: u32,
    /// Symbols one screen may scan (`None`: every symbol the user can see).
    pub screen_symbols: Option<u32>,
    /// Screens the user may keep saved at once.
    pub saved_screens: u32,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Free, Tier::Starter, Tier::Pro, Tier::Enterprise];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Starter => "starter",
            Tier::Pro => "pro",
            Tier::Enterprise => "enterprise",
        }
    }

    pub fn parse(value: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == value)
    }

    pub fn limits(self) -> TierLimits {
        let (per_minute, per_day, symbols, signals, watchlist, watchlists, live) = match self {
            Tier::Free => (10, 500, Some(5), Some(10), Some(10), Some(3), Some(10)),
            Tier::Starter => (
                60,
                10_000,
                Some(20),
                Some(100),
                Some(50),
                Some(10),
                Some(50),
            ),
            Tier::Pro => (
                300,
                100_000,
                Some(100),
                Some(1_000),
                Some(200),
                Some(50),
                Some(200),
            ),
            Tier::Enterprise => (1_000, 1_000_000, None, None, None, None, None),
        };
        let (live_connections, api_keys, bars_per_series, backtest_budget, combinations) =
            match self {
                Tier::Free => (3, 5, 20_000, 20_000_000, 100),
                Tier::Starter => (10, 20, 50_000, 100_000_000, 1_000),
                Tier::Pro => (25, 100, 200_000, 500_000_000, 10_000),
                Tier::Enterprise => (100, 1_000, 200_000, 2_000_000_000, 100_000),
            };
        let portfolio_symbols = match self {
            Tier::Free => 10,
            Tier::Starter => 50,
            Tier::Pro => 500,
            Tier::Enterprise => 5_000,
        };
        let (screen_symbols, saved_screens) = match self {
            Tier::Free => (Some(100), 5),
            Tier::Starter => (Some(1_000), 25),
            Tier::Pro => (Some(10_000), 100),
            Tier::Enterprise => (None, 1_000),
        };
        TierLimits {
            requests_per_minute: per_minute,
            requests_per_day: per_day,
            symbols_per_request: symbols,
            signals_per_day: signals,
            watchlist_symbols: watchlist,
            watchlists,
            live_symbols: live,
            live_connections,
            api_keys,
            bars_per_series,
            backtest_budget,
            optimize_combinations: combinations,
            portfolio_symbols,
            screen_symbols,
            saved_screens,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
        }
        assert_eq!(Tier::parse("gold"), None);
    }

    #[test]
    fn screen_caps_match_the_published_table() {
        let universe: Vec<Option<u32>> = Tier::ALL
            .iter()
            .map(|t| t.limits().screen_symbols)
            .collect();
        assert_eq!(universe, vec![Some(100), Some(1_000), Some(10_000), None]);
        let saved: Vec<u32> = Tier::ALL.iter().map(|t| t.limits().saved_screens).collect();
        assert_eq!(saved, vec![5, 25, 100, 1_000]);
    }

    #[test]
    fn limits_match_the_published_table() {
        assert_eq!(Tier::Free.limits().requests_per_minute, 10);
        assert_eq!(Tier::Starter.limits().requests_per_day, 10_000);
        assert_eq!(Tier::Pro.limits().signals_per_day, Some(1_000));
        assert_eq!(Tier::Enterprise.limits().symbols_per_request, None);
        assert_eq!(Tier::Free.limits().watchlist_symbols, Some(10));
        assert_eq!(Tier::Free.limits().bars_per_series, 20_000);
        assert_eq!(Tier::Starter.limits().bars_per_series, 50_000);
        assert_eq!(Tier::Pro.limits().bars_per_series, 200_000);
        let combinations: Vec<u32> = Tier::ALL
            .iter()
            .map(|t| t.limits().optimize_combinations)
            .collect();
        assert_eq!(combinations, vec![100, 1_000, 10_000, 100_000]);
        let portfolio: Vec<u32> = Tier::ALL
            .iter()
            .map(|t| t.limits().portfolio_symbols)
            .collect();
        assert_eq!(portfolio, vec![10, 50, 500, 5_000]);
    }

    #[test]
    fn higher_tiers_never_allow_less() {
        for pair in Tier::ALL.windows(2) {
            let (lower, higher) = (pair[0].limits(), pair[1].limits());
            assert!(higher.requests_per_minute > lower.requests_per_minute);
            assert!(higher.requests_per_day > lower.requests_per_day);
            assert!(higher.live_connections > lower.live_connections);
            assert!(higher.api_keys > lower.api_keys);
            assert!(higher.bars_per_series >= lower.bars_per_series);
            assert!(higher.backtest_budget > lower.backtest_budget);
            assert!(higher.optimize_combinations > lower.optimize_combinations);
            assert!(higher.portfolio_symbols > lower.portfolio_symbols);
        }
    }
}
