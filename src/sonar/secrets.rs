//! Secrets in source text, in the style of gitleaks: one rule per kind of credential
//! (a pattern, sometimes an entropy floor), placeholders and test fixtures allowed.
//! A finding never carries the secret itself: only a redacted prefix and a
//! fingerprint that stays the same while the secret does.

use std::sync::OnceLock;

use regex::{Regex, RegexSet};
use sha2::{Digest, Sha256};

/// One kind of secret. `secret_group` is the capture group holding the secret.
struct Rule {
    id: &'static str,
    pattern: &'static str,
    secret_group: usize,
    /// Shannon entropy (bits per character) the secret must reach, for loose patterns.
    min_entropy: Option<f64>,
}

const RULES: &[Rule] = &[
    Rule {
        id: "aws-access-key-id",
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "private-key",
        pattern: r"(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "github-token",
        pattern: r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "stripe-secret-key",
        pattern: r"\b((?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{16,99})\b",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "slack-token",
        pattern: r"\b(xox[baprs]-[0-9A-Za-z]{10,13}-[0-9A-Za-z-]{10,48})\b",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "slack-webhook",
        pattern: r"(https://hooks\.slack\.com/services/T[A-Z0-9]{8,}/B[A-Z0-9]{8,}/[A-Za-z0-9]{20,})",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "jwt",
        pattern: r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
        secret_group: 1,
        min_entropy: None,
    },
    Rule {
        id: "generic-secret-assignment",
        pattern: r#"(?i)\b[a-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[a-z0-9_]*\b["']?[ \t]*[:=][ \t]*["']([^"'\s]{8,})["']"#,
        secret_group: 1,
        min_entropy: Some(3.0),
    },
];

/// Values that are obviously not real secrets.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "changeme",
    "change-me",
    "change_me",
    "placeholder",
    "dummy",
    "sample",
    "your_",
    "your-",
    "redacted",
    "xxxx",
    "****",
    "<",
    "${",
    "{{",
    "%s",
    "todo",
    "fixme",
    "not-a-real",
    "fake",
];

/// A line carrying this marker is a known, accepted non-secret (like `gitleaks:allow`).
pub const ALLOW_MARKER: &str = "sonar:allow";

/// Paths whose contents are test data: fixtures and example environment files.
const ALLOWED_PATH_PARTS: &[&str] = &["/fixtures/", "/testdata/", ".example", "example.env"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// The first four characters of the secret, then `…` (never the secret).
    pub redacted: String,
    /// sha256 of rule, path and secret: stable while the secret stays, in hex.
    pub fingerprint: String,
}

fn compiled() -> &'static [(&'static Rule, Regex)] {
    static COMPILED: OnceLock<Vec<(&'static Rule, Regex)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        RULES
            .iter()
            .filter_map(|rule| Regex::new(rule.pattern).ok().map(|re| (rule, re)))
            .collect()
    })
}

/// All the rules' patterns as one set: one pass over a text says which rules can
/// match at all (most texts match none), so only those run with captures.
fn rule_set() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        RegexSet::new(compiled().iter().map(|(_, regex)| regex.as_str()))
            .expect("the rules compile one by one, so they compile as a set")
    })
}

/// The compiled rules that match somewhere in `text`.
fn matching_rules(text: &str) -> impl Iterator<Item = &'static (&'static Rule, Regex)> {
    let matches = rule_set().matches(text);
    compiled()
        .iter()
        .enumerate()
        .filter(move |(index, _)| matches.matched(*index))
        .map(|(_, rule)| rule)
}

/// Every secret in `text` (the contents of `path`), in order of appearance. Each rule
/// runs once over the whole text (far faster than line by line); no pattern crosses a
/// line break, so every match sits on one line.
pub fn scan(path: &str, text: &str) -> Vec<Finding> {
    let normalized = format!("/{}", path.replace('\\', "/"));
    if ALLOWED_PATH_PARTS
        .iter()
        .any(|part| normalized.contains(part))
    {
        return Vec::new();
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // One secret, one finding: a value a specific rule (listed first) already
    // reported is not reported again by a looser one (`token = "ghp_…"`).
    let mut reported: Vec<(std::ops::Range<usize>, Finding)> = Vec::new();
    for (rule, regex) in matching_rules(text) {
        for captures in regex.captures_iter(text) {
            let Some(found) = captures.get(rule.secret_group) else {
                continue;
            };
            let secret = found.as_str();
            let line = line_starts.partition_point(|&start| start <= found.start());
            let line_text = text[line_starts[line - 1]..]
                .lines()
                .next()
                .unwrap_or_default();
            if line_text.contains(ALLOW_MARKER)
                || !is_candidate(rule, secret)
                || reported
                    .iter()
                    .any(|(r, _)| r.start < found.end() && found.start() < r.end)
            {
                continue;
            }
            let finding = Finding {
                rule: rule.id,
                path: path.to_string(),
                line,
                redacted: redact(secret),
                fingerprint: fingerprint(rule.id, path, secret),
            };
            reported.push((found.range(), finding));
        }
    }
    reported.sort_by_key(|(range, _)| range.start);
    reported.into_iter().map(|(_, finding)| finding).collect()
}

/// Replaces every secret in `text` by `[REDACTED:<rule>]` (for context served to clients).
pub fn redact_text(text: &str) -> String {
    let mut out = text.to_string();
    for (rule, regex) in matching_rules(text) {
        out = regex
            .replace_all(&out, |captures: &regex::Captures<'_>| {
                let whole = captures.get(0).map_or("", |m| m.as_str());
                match captures.get(rule.secret_group) {
                    Some(secret) if is_candidate(rule, secret.as_str()) => {
                        whole.replace(secret.as_str(), &format!("[REDACTED:{}]", rule.id))
                    }
                    _ => whole.to_string(),
                }
            })
            .into_owned();
    }
    out
}

/// Whether a match is worth reporting: not a placeholder, random enough for loose
/// rules, and (for loose rules) not an identifier such as `TOKEN_EXPIRED`.
fn is_candidate(rule: &Rule, secret: &str) -> bool {
    let too_plain = match rule.min_entropy {
        Some(min) => entropy(secret) < min || is_identifier(secret),
        None => false,
    };
    !(is_placeholder(secret) || too_plain)
}

/// `SOME_CONSTANT` or `some.dotted_name`: names, not credentials.
fn is_identifier(value: &str) -> bool {
    let upper = value
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let lower = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || matches!(c, '_' | '.' | '-'));
    upper || lower
}

fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    let first = lower.chars().next();
    PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) || lower.chars().all(|c| Some(c) == first)
}

/// Shannon entropy in bits per character.
pub fn entropy(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in text.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

fn redact(secret: &str) -> String {
    let prefix: String = secret.chars().take(4).collect();
    format!("{prefix}…")
}

fn fingerprint(rule: &str, path: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [rule, path, secret] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Secrets assembled at run time, so this file itself holds no scannable secret.
    fn join(parts: &[&str]) -> String {
        parts.concat()
    }

    fn rules_found(path: &str, text: &str) -> Vec<&'static str> {
        scan(path, text).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn true_positives_are_found_with_their_rule_and_line() {
        let corpus = [
            (
                "aws-access-key-id",
                join(&["aws_id = \"AKIA", "Z7QHXW4MNB2LKP3R\""]),
            ),
            (
                "private-key",
                join(&["-----BEGIN RSA ", "PRIVATE KEY-----"]),
            ),
            (
                "github-token",
                join(&["token: ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5c"]),
            ),
            (
                "stripe-secret-key",
                join(&["STRIPE = 'sk_", "live_4eC39HqLyjWDarjtT1zdp7dc'"]),
            ),
            (
                "slack-token",
                join(&["xoxb-", "1234567890-abcdefghij1234567890"]),
            ),
            (
                "slack-webhook",
                join(&[
                    "url = https://hooks.slack.com/services/",
                    "T0123ABCD/B0456EFGH/a1B2c3D4e5F6g7H8i9J0kLmN",
                ]),
            ),
            (
                "jwt",
                join(&[
                    "Bearer eyJhbGciOiJIUzI1NiJ9",
                    ".eyJzdWIiOiIxMjM0NTY3ODkwIn0",
                    ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                ]),
            ),
            (
                "generic-secret-assignment",
                join(&["db_password = \"Tr0ub4dor", "&3xQ9zLw\""]),
            ),
        ];
        for (rule, line) in &corpus {
            let text = format!("fn setup() {{}}\n{line}\n");
            let findings = scan("src/config.rs", &text);
            assert!(
                findings.iter().any(|f| f.rule == *rule),
                "{rule} missed in {line}: {findings:?}"
            );
            let finding = findings.iter().find(|f| f.rule == *rule).unwrap();
            assert_eq!(finding.line, 2);
            assert!(finding.redacted.ends_with('…') && finding.redacted.chars().count() == 5);
            assert_eq!(finding.fingerprint.len(), 32);
        }
    }

    #[test]
    fn near_misses_and_placeholders_are_not_findings() {
        let near_misses = [
            // Too short, wrong prefix or wrong alphabet.
            "AKIA1234",
            "id = \"AKIB", // not a key prefix
            "-----BEGIN PUBLIC KEY-----",
            "ghp_short",
            "sk_live_short",
            // Placeholders and low-entropy values.
            "password = \"changeme123\"",
            "api_key = \"your_api_key_here\"",
            "SECRET_KEY=\"${SECRET_KEY}\"",
            "token = \"aaaaaaaaaaaa\"",
            "password = \"password\"",
            "secret: '<set-me>'",
            // Names alone are not secrets.
            "let token = request.token();",
            // Identifiers assigned to names that merely mention secrets.
            "TokenExpired = \"TOKEN_EXPIRED\", 401,",
            "refresh_token_column = \"refresh_token_hash\"",
            "fn api_key(&self) -> &str",
        ];
        for text in near_misses {
            assert_eq!(
                rules_found("src/lib.rs", text),
                Vec::<&str>::new(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_secret_matched_by_a_specific_and_a_generic_rule_is_one_finding() {
        let token = ["ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5c"].concat();
        let findings = scan("src/service.rs", &format!("let token = \"{token}\";"));
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["github-token"]);
    }

    #[test]
    fn fixtures_and_example_files_are_allowed() {
        let key = join(&["AKIA", "Z7QHXW4MNB2LKP3R"]);
        assert!(scan("tests/fixtures/aws.txt", &key).is_empty());
        assert!(scan(".env.example", &format!("KEY={key}")).is_empty());
        assert_eq!(scan("deploy/aws.txt", &key).len(), 1);
        assert!(scan("deploy/aws.txt", &format!("{key} # sonar:allow (revoked)")).is_empty());
    }

    #[test]
    fn fingerprints_follow_the_secret_and_redaction_hides_it() {
        let secret = join(&["ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5c"]);
        let a = scan("a.rs", &format!("x = {secret}"));
        let moved = scan("a.rs", &format!("\n\n  y = {secret}"));
        let other = scan("a.rs", &format!("x = {}", secret.replace("aB3", "zZ9")));
        assert_eq!(
            a[0].fingerprint, moved[0].fingerprint,
            "same secret, other line"
        );
        assert_ne!(a[0].fingerprint, other[0].fingerprint);
        let text = format!(
            "let t = \"{secret}\"; // and {}",
            "password = \"hunter2-but-long\""
        );
        let redacted = redact_text(&text);
        assert!(!redacted.contains(&secret), "{redacted}");
        assert!(redacted.contains("[REDACTED:github-token]"), "{redacted}");
        assert!(!redacted.contains("hunter2-but-long"), "{redacted}");
        assert!(redacted.contains("let t = "), "the rest of the text stays");
    }

    #[test]
    fn entropy_is_in_bits_per_character() {
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-12);
    }
}
