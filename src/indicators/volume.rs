//! On-Balance Volume.

use super::recurrence::running_total_in_place;

/// Running volume, added on up closes and subtracted on down closes, starting from
/// the first bar's volume (TA-Lib's convention).
// Compiled for AVX2 too (as most indicators are; see `indicators/mod.rs`).
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let n = close.len().min(volume.len());
    if n == 0 {
        return Vec::new();
    }
    // Each bar's signed volume, written once (no zeroed buffer first), then the
    // running total of them.
    let mut out = Vec::with_capacity(n);
    out.push(volume[0]);
    out.extend(
        close[..n - 1]
            .iter()
            .zip(&close[1..n])
            .zip(&volume[1..n])
            .map(|((before, price), volume)| {
                // Selects the compiler turns into vector blends (no branches).
                if price > before {
                    *volume
                } else if price < before {
                    -volume
                } else {
                    0.0
                }
            }),
    );
    running_total_in_place(volume[0], &mut out[1..]);
    out
}
