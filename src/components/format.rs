//! Numbers for people: prices with thousands separators, signed changes.

/// `1234567.891` → `"1,234,567.89"` (two decimals).
pub fn price(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let text = format!("{:.2}", value.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && text != "0.00" {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{cents}")
}

/// `1.5` → `"+1.50"`, `-0.25` → `"−0.25"` (a true minus sign).
pub fn signed(value: f64) -> String {
    let text = price(value.abs());
    if value > 0.0 && text != "0.00" {
        format!("+{text}")
    } else if value < 0.0 && text != "0.00" {
        format!("−{text}")
    } else {
        text
    }
}

/// `2.345` → `"+2.35 %"`.
pub fn signed_percent(value: f64) -> String {
    format!("{} %", signed(value))
}

/// A share in [0, 1] as a whole percentage: `0.734` → `"73 %"`.
pub fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// Tailwind text colour for a change: green up, red down, grey flat.
pub fn change_class(value: f64) -> &'static str {
    if value > 0.0 {
        "text-emerald-700 dark:text-emerald-400"
    } else if value < 0.0 {
        "text-rose-700 dark:text-rose-400"
    } else {
        "text-slate-500 dark:text-slate-400"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_group_thousands() {
        assert_eq!(price(0.0), "0.00");
        assert_eq!(price(999.999), "1,000.00");
        assert_eq!(price(1234567.891), "1,234,567.89");
        assert_eq!(price(-1234.5), "-1,234.50");
        assert_eq!(price(-0.001), "0.00");
        assert_eq!(price(f64::NAN), "—");
    }

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(signed(1.5), "+1.50");
        assert_eq!(signed(-0.25), "−0.25");
        assert_eq!(signed(0.001), "0.00");
        assert_eq!(signed_percent(2.345), "+2.35 %");
        assert_eq!(percent(0.734), "73 %");
        assert!(change_class(1.0).contains("emerald"));
        assert!(change_class(-1.0).contains("rose"));
    }
}
