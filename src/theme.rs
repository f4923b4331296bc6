//! The colour theme: a pure value type plus the cookie that carries it, so the
//! server can render the chosen theme on first paint (no flash of the wrong one).

use serde::{Deserialize, Serialize};

/// Name of the cookie that stores the user's choice.
pub const THEME_COOKIE: &str = "theme";

/// One year: the choice should outlive the browser session.
const COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 60 * 60;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
    /// Follow the operating system's `prefers-color-scheme`, live.
    #[default]
    System,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::System];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::Light => "Light",
            Theme::Dark => "Dark",
            Theme::System => "System",
        }
    }

    pub fn parse(value: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == value.trim())
    }

    /// Reads the theme from a `Cookie` request header; anything missing or unknown is `System`.
    pub fn from_cookie_header(header: &str) -> Theme {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Theme::parse(value))
            .unwrap_or_default()
    }

    /// The `document.cookie` assignment that stores this choice for the whole site.
    pub fn cookie_assignment(self) -> String {
        format!(
            "{THEME_COOKIE}={}; Path=/; Max-Age={COOKIE_MAX_AGE_SECS}; SameSite=Lax",
            self.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_theme_name_and_rejects_others() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
        }
        assert_eq!(Theme::parse("blue"), None);
        assert_eq!(Theme::parse(""), None);
    }

    #[test]
    fn reads_theme_among_other_cookies() {
        assert_eq!(
            Theme::from_cookie_header("session=abc; theme=dark; x=1"),
            Theme::Dark
        );
        assert_eq!(Theme::from_cookie_header("theme=light"), Theme::Light);
    }

    #[test]
    fn unknown_or_missing_cookie_means_system() {
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
        assert_eq!(Theme::from_cookie_header("theme=purple"), Theme::System);
        assert_eq!(Theme::from_cookie_header("mytheme=dark"), Theme::System);
    }

    #[test]
    fn cookie_assignment_is_site_wide_and_lasts_a_year() {
        let cookie = Theme::Dark.cookie_assignment();
        assert!(cookie.starts_with("theme=dark;"));
        assert!(cookie.contains("Path=/"));
        assert!(cookie.contains("Max-Age=31536000"));
        assert!(cookie.contains("SameSite=Lax"));
    }
}
