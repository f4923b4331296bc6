//! Query strings for links (filters carried from page to page and to downloads, a
//! form carried in its URL). Pure.

/// `a=1&b=x%20y` from the pairs whose value is not empty, percent-encoding all but
/// unreserved characters.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_left_out_and_the_rest_encoded() {
        assert_eq!(
            query_string([
                ("symbol", "AAPL,MSFT"),
                ("signal", ""),
                ("from", "2024-01-02")
            ]),
            "symbol=AAPL%2CMSFT&from=2024-01-02"
        );
        assert_eq!(query_string([("q", "a b&c=é")]), "q=a%20b%26c%3D%C3%A9");
        assert_eq!(query_string([("x", "")]), "");
    }
}
