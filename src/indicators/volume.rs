//! On-Balance Volume.

use super::recurrence::running_total_in_place;

/// Running volume, added on up closes and subtracted on down closes, starting from
/// the first bar's volume (TA-Lib's convention).
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let n = close.len().min(volume.len());
    let mut out = vec![0.0; n];
    if n == 0 {
        return out;
    }
    out[0] = volume[0];
    // Each bar's signed volume, then the running total of them.
    for ((slot, pair), volume) in out[1..].iter_mut().zip(close.windows(2)).zip(&volume[1..n]) {
        // +1, −1 or 0 times the volume, without branches.
        let direction =
            f64::from(u8::from(pair[1] > pair[0])) - f64::from(u8::from(pair[1] < pair[0]));
        *slot = direction * volume;
    }
    running_total_in_place(volume[0], &mut out[1..]);
    out
}
