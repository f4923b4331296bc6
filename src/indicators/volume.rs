//! On-Balance Volume.

/// +1, −1 or 0 times `volume` as `now` is above, below or at `before`, without branches.
fn signed_volume(before: f64, now: f64, volume: f64) -> f64 {
    (f64::from(u8::from(now > before)) - f64::from(u8::from(now < before))) * volume
}

/// Running volume, added on up closes and subtracted on down closes, starting from
/// the first bar's volume (TA-Lib's convention). One pass, four bars at a time: each
/// block's sums are formed apart from the total, so the adds of one block do not wait
/// on each other and only one add per block waits on the last (as
/// `recurrence::running_total_in_place` does, without a second pass or a zeroed buffer).
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let n = close.len().min(volume.len());
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let mut total = volume[0];
    out.push(total);
    let (before, now, volume) = (&close[..n - 1], &close[1..n], &volume[1..n]);
    let mut blocks = before
        .chunks_exact(4)
        .zip(now.chunks_exact(4))
        .zip(volume.chunks_exact(4));
    for ((b, c), v) in &mut blocks {
        let s0 = signed_volume(b[0], c[0], v[0]);
        let s1 = s0 + signed_volume(b[1], c[1], v[1]);
        let s2 = s1 + signed_volume(b[2], c[2], v[2]);
        let s3 = s2 + signed_volume(b[3], c[3], v[3]);
        out.extend_from_slice(&[total + s0, total + s1, total + s2, total + s3]);
        total += s3;
    }
    let done = out.len() - 1;
    for ((b, c), v) in before[done..].iter().zip(&now[done..]).zip(&volume[done..]) {
        total += signed_volume(*b, *c, *v);
        out.push(total);
    }
    out
}
