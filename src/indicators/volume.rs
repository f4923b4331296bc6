//! On-Balance Volume.

/// Running volume, added on up closes and subtracted on down closes, starting from
/// the first bar's volume (TA-Lib's convention).
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let n = close.len().min(volume.len());
    let mut out = vec![0.0; n];
    if n == 0 {
        return out;
    }
    let mut total = volume[0];
    out[0] = total;
    for i in 1..n {
        if close[i] > close[i - 1] {
            total += volume[i];
        } else if close[i] < close[i - 1] {
            total -= volume[i];
        }
        out[i] = total;
    }
    out
}
