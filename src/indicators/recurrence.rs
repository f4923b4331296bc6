//! First-order linear recurrences `y[i] = a·y[i−1] + u[i]`: EMAs, Wilder's smoothing
//! and running totals. Computed sequentially, each bar waits for the multiply and the
//! add of the bar before; here four bars are done per step, so the next block waits
//! for only one multiply and one add (`a⁴·y + s`) while the rest runs in parallel.
//! The result differs from the sequential one by rounding only (a few units in the
//! last place; the fixture tests hold us to TA-Lib within 1e-9).

use std::cell::Cell;

/// Replaces each `x[i]` in `values` with `y[i] = a·y[i−1] + scale·x[i]`, where the
/// value before the first is `before`.
pub(crate) fn smooth_in_place(a: f64, scale: f64, before: f64, values: &mut [f64]) {
    let cells = Cell::from_mut(values).as_slice_of_cells();
    smooth_each(
        a,
        scale,
        before,
        cells.len(),
        |i| cells[i].get(),
        |i, y| cells[i].set(y),
    );
}

/// `out[i] = a·out[i−1] + scale·input[i]`, where the value before the first is `before`.
pub(crate) fn smooth_into(a: f64, scale: f64, before: f64, input: &[f64], out: &mut [f64]) {
    smooth_each(
        a,
        scale,
        before,
        input.len(),
        |i| input[i],
        |i, y| out[i] = y,
    );
}

/// Hands `emit(i, y[i])` each `y[i] = a·y[i−1] + scale·input(i)` for `i` in `0..len`,
/// in order, where the value before the first is `before`.
fn smooth_each(
    a: f64,
    scale: f64,
    before: f64,
    len: usize,
    input: impl Fn(usize) -> f64,
    emit: impl FnMut(usize, f64),
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the processor has FMA instructions, checked just above.
        unsafe { smooth_with_fma(a, scale, before, len, input, emit) };
        return;
    }
    smooth(|x, y, z| x * y + z, a, scale, before, len, input, emit);
}

/// The same with fused multiply-adds: one rounding instead of two, and one
/// instruction on the path from block to block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
fn smooth_with_fma(
    a: f64,
    scale: f64,
    before: f64,
    len: usize,
    input: impl Fn(usize) -> f64,
    emit: impl FnMut(usize, f64),
) {
    smooth(f64::mul_add, a, scale, before, len, input, emit);
}

/// The blocked recurrence; `mul_add(x, y, z)` is x·y + z. A scale of 1 (Wilder's
/// sums kept unscaled) skips the multiply on every input.
#[inline(always)]
fn smooth(
    mul_add: impl Fn(f64, f64, f64) -> f64,
    a: f64,
    scale: f64,
    before: f64,
    len: usize,
    input: impl Fn(usize) -> f64,
    emit: impl FnMut(usize, f64),
) {
    if scale == 1.0 {
        blocked(mul_add, a, before, len, input, emit);
    } else {
        blocked(mul_add, a, before, len, |i| scale * input(i), emit);
    }
}

/// `y[i] = a·y[i−1] + input(i)`, four bars a step.
#[inline(always)]
fn blocked(
    mul_add: impl Fn(f64, f64, f64) -> f64,
    a: f64,
    before: f64,
    len: usize,
    input: impl Fn(usize) -> f64,
    mut emit: impl FnMut(usize, f64),
) {
    let a2 = a * a;
    let a3 = a2 * a;
    let a4 = a2 * a2;
    let mut y = before;
    let whole = len / 4 * 4;
    for i in (0..whole).step_by(4) {
        let u0 = input(i);
        // Partial results of the block without `y`: independent of the previous block.
        let s1 = mul_add(a, u0, input(i + 1));
        let s2 = mul_add(a, s1, input(i + 2));
        let s3 = mul_add(a, s2, input(i + 3));
        emit(i, mul_add(a, y, u0));
        emit(i + 1, mul_add(a2, y, s1));
        emit(i + 2, mul_add(a3, y, s2));
        y = mul_add(a4, y, s3);
        emit(i + 3, y);
    }
    for i in whole..len {
        y = mul_add(a, y, input(i));
        emit(i, y);
    }
}

/// Two recurrences side by side, `y[i] = a·y[i−1] + input(i)` for each lane (each
/// with its own `a`), handed
/// to `emit(y[i])` in order; the value before the first is `before`. Both chains run
/// in one loop, so each waits only on itself while the other fills the gaps (RSI's
/// average gain and loss, MACD's fast and slow EMAs).
pub(crate) fn smooth_pair_each(
    a: [f64; 2],
    before: [f64; 2],
    len: usize,
    input: impl Fn(usize) -> [f64; 2],
    emit: impl FnMut([f64; 2]),
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the processor has FMA instructions, checked just above.
        unsafe { smooth_pair_with_fma(a, before, len, input, emit) };
        return;
    }
    smooth_pair(|x, y, z| x * y + z, a, before, len, input, emit);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
fn smooth_pair_with_fma(
    a: [f64; 2],
    before: [f64; 2],
    len: usize,
    input: impl Fn(usize) -> [f64; 2],
    emit: impl FnMut([f64; 2]),
) {
    smooth_pair(f64::mul_add, a, before, len, input, emit);
}

/// The blocked recurrence of [`smooth`] for two lanes at once.
#[inline(always)]
fn smooth_pair(
    mul_add: impl Fn(f64, f64, f64) -> f64,
    [a, b]: [f64; 2],
    before: [f64; 2],
    len: usize,
    input: impl Fn(usize) -> [f64; 2],
    mut emit: impl FnMut([f64; 2]),
) {
    let (a2, b2) = (a * a, b * b);
    let (a3, b3) = (a2 * a, b2 * b);
    let (a4, b4) = (a2 * a2, b2 * b2);
    let [mut y, mut z] = before;
    let whole = len / 4 * 4;
    for i in (0..whole).step_by(4) {
        let ([u0, v0], [u1, v1], [u2, v2], [u3, v3]) =
            (input(i), input(i + 1), input(i + 2), input(i + 3));
        let (s1, t1) = (mul_add(a, u0, u1), mul_add(b, v0, v1));
        let (s2, t2) = (mul_add(a, s1, u2), mul_add(b, t1, v2));
        let (s3, t3) = (mul_add(a, s2, u3), mul_add(b, t2, v3));
        emit([mul_add(a, y, u0), mul_add(b, z, v0)]);
        emit([mul_add(a2, y, s1), mul_add(b2, z, t1)]);
        emit([mul_add(a3, y, s2), mul_add(b3, z, t2)]);
        (y, z) = (mul_add(a4, y, s3), mul_add(b4, z, t3));
        emit([y, z]);
    }
    for i in whole..len {
        let [u, v] = input(i);
        (y, z) = (mul_add(a, y, u), mul_add(b, z, v));
        emit([y, z]);
    }
}

/// Replaces each `x[i]` in `values` with the running total `y[i] = y[i−1] + x[i]`,
/// where the value before the first is `before` (four bars per dependent add).
pub(crate) fn running_total_in_place(before: f64, values: &mut [f64]) {
    let mut y = before;
    let mut blocks = values.chunks_exact_mut(4);
    for block in &mut blocks {
        let s1 = block[0] + block[1];
        let s2 = s1 + block[2];
        let s3 = s2 + block[3];
        block[0] += y;
        block[1] = y + s1;
        block[2] = y + s2;
        block[3] = y + s3;
        y = block[3];
    }
    for value in blocks.into_remainder() {
        y += *value;
        *value = y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequential(a: f64, scale: f64, before: f64, inputs: &[f64]) -> Vec<f64> {
        let mut y = before;
        inputs
            .iter()
            .map(|x| {
                y = a * y + scale * x;
                y
            })
            .collect()
    }

    #[test]
    fn equals_the_sequential_recurrence_to_rounding_for_every_length() {
        let inputs: Vec<f64> = (0..103)
            .map(|i| ((i * 37 % 17) as f64).sin() * 3.0)
            .collect();
        for len in 0..inputs.len() {
            for a in [0.0, 0.5, 13.0 / 14.0, 1.0] {
                let mut blocked = inputs[..len].to_vec();
                smooth_in_place(a, 0.75, 2.5, &mut blocked);
                let expected = sequential(a, 0.75, 2.5, &inputs[..len]);
                for (got, want) in blocked.iter().zip(&expected) {
                    assert!(
                        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "{a} {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn both_lanes_of_a_pair_equal_their_own_recurrence() {
        let inputs: Vec<f64> = (0..41).map(|i| (i as f64 * 0.7).cos()).collect();
        for len in 0..inputs.len() {
            let mut seen = Vec::new();
            smooth_pair_each(
                [0.8, 0.5],
                [1.5, -2.0],
                len,
                |i| [inputs[i], 2.0 * inputs[i]],
                |pair| seen.push(pair),
            );
            let first = sequential(0.8, 1.0, 1.5, &inputs[..len]);
            let doubled: Vec<f64> = inputs[..len].iter().map(|x| 2.0 * x).collect();
            let second = sequential(0.5, 1.0, -2.0, &doubled);
            assert_eq!(seen.len(), len);
            for ((pair, want_first), want_second) in seen.iter().zip(&first).zip(&second) {
                assert!((pair[0] - want_first).abs() <= 1e-12 * want_first.abs().max(1.0));
                assert!((pair[1] - want_second).abs() <= 1e-12 * want_second.abs().max(1.0));
            }
        }
    }

    #[test]
    fn a_running_total_of_integers_is_exact() {
        let mut values = vec![3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0];
        running_total_in_place(10.0, &mut values);
        assert_eq!(values, vec![13.0, 12.0, 16.0, 17.0, 12.0, 21.0, 23.0]);
    }
}
