//! Cooperative cancellation of a backtest: a request that times out sets its flag
//! and the bar loop stops at its next check, instead of running on in a blocking
//! thread nobody waits for.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set from outside; read by the bar loop every [`CHECK_EVERY`] bars.
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

/// Bars between two looks at the flag (a model decision costs ~MODEL_WINDOW bars).
pub const CHECK_EVERY: usize = 64;

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_flag_stays_cancelled() {
        let cancel = Cancel::default();
        assert!(!cancel.is_cancelled());
        cancel.cancel();
        assert!(cancel.is_cancelled());
    }
}
