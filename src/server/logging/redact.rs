//! Masks secret values in a formatted log line, whatever logged them: any field
//! whose name says password, secret, token, key, authorization or cookie, in JSON
//! (`"api_key":"…"`) or key=value form (`token=…`, also inside messages and query
//! strings). A second line of defence: the code already avoids logging secrets.

use std::borrow::Cow;

pub const MASK: &str = "[REDACTED]";

/// Words that make a field name secret, matched against its `_`/`-`/`.`-separated parts.
const SECRET_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "key",
    "apikey",
    "authorization",
    "cookie",
];

pub fn is_secret_name(name: &str) -> bool {
    name.split(['_', '-', '.'])
        .filter(|part| !part.is_empty())
        .any(|part| {
            let part = part.to_ascii_lowercase();
            SECRET_WORDS
                .iter()
                .any(|word| part == *word || part.ends_with(word) && *word != "key")
        })
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Where a bare value ends: whitespace or a delimiter of the text around it.
fn bare_value_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| {
            b.is_ascii_whitespace() || matches!(b, b'"' | b',' | b'}' | b';' | b'&' | b'\\')
        })
        .map_or(bytes.len(), |n| from + n)
}

/// The index of the quote closing a string whose content starts at `from`.
fn closing_quote(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

pub fn redact(line: &str) -> Cow<'_, str> {
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (name, json) = match bytes[i] {
            // "name":  (a JSON member)
            b':' if i >= 2 && bytes[i - 1] == b'"' => {
                let start = bytes[..i - 1].iter().rposition(|b| *b == b'"');
                match start {
                    Some(q) if bytes[q + 1..i - 1].iter().all(|b| is_name_byte(*b)) => {
                        (&line[q + 1..i - 1], true)
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                }
            }
            // name=  (key=value text)
            b'=' => {
                let start = bytes[..i]
                    .iter()
                    .rposition(|b| !is_name_byte(*b))
                    .map_or(0, |n| n + 1);
                (&line[start..i], false)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if name.is_empty() || !is_secret_name(name) {
            i += 1;
            continue;
        }
        let mut value = i + 1;
        while value < bytes.len() && bytes[value] == b' ' {
            value += 1;
        }
        if value < bytes.len() && bytes[value] == b'"' {
            let end = closing_quote(bytes, value + 1);
            out.push_str(&line[copied..=value]);
            out.push_str(MASK);
            copied = end;
            i = end + 1;
        } else if !json {
            let mut end = bare_value_end(bytes, value);
            // `authorization=Bearer abc`: the scheme and the credential after it.
            let scheme = &line[value..end];
            if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("basic") {
                let mut next = end;
                while next < bytes.len() && bytes[next] == b' ' {
                    next += 1;
                }
                end = bare_value_end(bytes, next);
            }
            if end > value {
                out.push_str(&line[copied..value]);
                out.push_str(MASK);
                copied = end;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        Cow::Borrowed(line)
    } else {
        out.push_str(&line[copied..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised_by_their_parts() {
        for name in [
            "password",
            "new_password",
            "api_key",
            "X-API-Key",
            "refresh_token",
            "access_token",
            "JWT_SECRET_KEY",
            "authorization",
            "set-cookie",
            "client_secret",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "status",
            "latency_ms",
            "keyboard",
            "monkey",
            "user_id",
            "message",
            "path",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn json_members_keep_their_names_and_lose_their_values() {
        let line = r#"{"level":"INFO","fields":{"message":"login","password":"hunter2","api_key":"ik_1:sk_\"x\"","status":200}}"#;
        assert_eq!(
            redact(line),
            r#"{"level":"INFO","fields":{"message":"login","password":"[REDACTED]","api_key":"[REDACTED]","status":200}}"#
        );
    }

    #[test]
    fn key_value_text_is_masked_inside_messages_and_queries() {
        assert_eq!(
            redact(r#"{"message":"retry token=abc123, then /cb?code=1&access_token=xyz"}"#),
            r#"{"message":"retry token=[REDACTED], then /cb?code=1&access_token=[REDACTED]"}"#
        );
        assert_eq!(
            redact("INFO request authorization=Bearer eyJhbGci.x.y status=401"),
            "INFO request authorization=[REDACTED] status=401"
        );
        assert_eq!(
            redact(r#"INFO login password="correct horse" user_id=7"#),
            r#"INFO login password="[REDACTED]" user_id=7"#
        );
    }

    #[test]
    fn lines_without_secrets_are_untouched() {
        let line =
            r#"{"message":"request completed","status":200,"latency_ms":1.5,"path":"/api/v1/me"}"#;
        assert!(matches!(redact(line), Cow::Borrowed(_)));
        assert_eq!(redact("a=b c"), "a=b c");
        assert_eq!(redact("naïve ünïcode key: fine"), "naïve ünïcode key: fine");
    }
}
