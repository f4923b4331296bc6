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
pub(crate) fn smooth_each(
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

/// The blocked recurrence; `mul_add(x, y, z)` is x·y + z.
#[inline(always)]
fn smooth(
    mul_add: impl Fn(f64, f64, f64) -> f64,
    a: f64,
    scale: f64,
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
        let u0 = scale * input(i);
        // Partial results of the block without `y`: independent of the previous block.
        let s1 = mul_add(scale, input(i + 1), a * u0);
        let s2 = mul_add(scale, input(i + 2), a * s1);
        let s3 = mul_add(scale, input(i + 3), a * s2);
        emit(i, mul_add(a, y, u0));
        emit(i + 1, mul_add(a2, y, s1));
        emit(i + 2, mul_add(a3, y, s2));
        y = mul_add(a4, y, s3);
        emit(i + 3, y);
    }
    for i in whole..len {
        y = mul_add(a, y, scale * input(i));
        emit(i, y);
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
    fn a_running_total_of_integers_is_exact() {
        let mut values = vec![3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0];
        running_total_in_place(10.0, &mut values);
        assert_eq!(values, vec![13.0, 12.0, 16.0, 17.0, 12.0, 21.0, 23.0]);
    }
}
