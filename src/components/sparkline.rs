//! A small line of recent closes, drawn as SVG (no chart library for a 30-point
//! line); it redraws in place when its values change (live quotes).

use leptos::prelude::*;

/// Width and height of the drawing, in SVG units.
const WIDTH: f64 = 100.0;
const HEIGHT: f64 = 28.0;
/// Keeps the stroke inside the box.
const PAD: f64 = 1.5;

/// `points` for an SVG polyline of `values` across `width` × `height` (y grows
/// downwards, highest value at the top); a flat series runs through the middle;
/// fewer than two values draw nothing.
pub fn sparkline_points(values: &[f64], width: f64, height: f64) -> String {
    if values.len() < 2 || values.iter().any(|v| !v.is_finite()) {
        return String::new();
    }
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let step = (width - 2.0 * PAD) / (values.len() - 1) as f64;
    let span = high - low;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = PAD + step * i as f64;
            let y = if span > 0.0 {
                PAD + (high - v) / span * (height - 2.0 * PAD)
            } else {
                height / 2.0
            };
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn Sparkline(
    #[prop(into)] values: Signal<Vec<f64>>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let colour = move || {
        let rising = values.with(|v| v.last() >= v.first());
        if rising {
            "h-8 w-full text-emerald-600 dark:text-emerald-400"
        } else {
            "h-8 w-full text-rose-600 dark:text-rose-400"
        }
    };
    let points = move || values.with(|v| sparkline_points(v, WIDTH, HEIGHT));
    view! {
        <svg
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            preserveAspectRatio="none"
            role="img"
            aria-label=label
            class=colour
            data-testid="sparkline"
            data-points=move || values.with(Vec::len)
        >
            <polyline
                points=points
                fill="none"
                stroke="currentColor"
                stroke-width="1.5"
                stroke-linejoin="round"
                vector-effect="non-scaling-stroke"
            />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_value_is_drawn_at_the_top() {
        let points = sparkline_points(&[1.0, 3.0, 2.0], 100.0, 28.0);
        assert_eq!(points, "1.5,26.5 50.0,1.5 98.5,14.0");
    }

    #[test]
    fn flat_and_short_series() {
        assert_eq!(
            sparkline_points(&[5.0, 5.0], 100.0, 28.0),
            "1.5,14.0 98.5,14.0"
        );
        assert_eq!(sparkline_points(&[5.0], 100.0, 28.0), "");
        assert_eq!(sparkline_points(&[1.0, f64::NAN], 100.0, 28.0), "");
    }
}
