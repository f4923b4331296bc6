//! On-Balance Volume.

/// Running volume, added on up closes and subtracted on down closes, starting from
/// the first bar's volume (TA-Lib's convention).
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(close.len());
    let Some((&first_close, &first_volume)) = close.first().zip(volume.first()) else {
        return out;
    };
    let mut total = first_volume;
    let mut previous = first_close;
    out.push(total);
    for (&price, &traded) in close.iter().zip(volume).skip(1) {
        if price > previous {
            total += traded;
        } else if price < previous {
            total -= traded;
        }
        out.push(total);
        previous = price;
    }
    out
}
