//! On-Balance Volume.

use super::recurrence::running_total_in_place;

/// Running volume, added on up closes and subtracted on down closes, starting from
/// the first bar's volume (TA-Lib's convention).
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
        close[..n]
            .windows(2)
            .zip(&volume[1..n])
            .map(|(pair, volume)| {
                // +1, −1 or 0 times the volume, without branches.
                let direction =
                    f64::from(u8::from(pair[1] > pair[0])) - f64::from(u8::from(pair[1] < pair[0]));
                direction * volume
            }),
    );
    running_total_in_place(volume[0], &mut out[1..]);
    out
}
