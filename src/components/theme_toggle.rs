//! Light / dark / system switch. The server reads the `theme` cookie; the client
//! updates `<html data-theme>` and the cookie when the user picks another theme.

use leptos::prelude::*;

use super::dom;
use crate::theme::Theme;

#[derive(Clone, Copy)]
pub struct ThemeContext(pub RwSignal<Theme>);

/// The theme this render starts with: the request's cookie on the server, the
/// server-rendered `data-theme` attribute in the browser (so hydration matches).
pub fn request_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Theme::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        dom::root_attribute("data-theme")
            .and_then(|value| Theme::parse(&value))
            .unwrap_or_default()
    }
}

/// Puts the theme signal into context and keeps the document in step with it.
pub fn provide_theme() {
    let theme = RwSignal::new(request_theme());
    provide_context(ThemeContext(theme));
    Effect::new(move |previous: Option<Theme>| {
        let current = theme.get();
        // The first run only mirrors what the server rendered; write on real changes.
        if previous.is_some_and(|p| p != current) {
            dom::set_root_attribute("data-theme", current.as_str());
            dom::set_cookie(&current.cookie_assignment());
        }
        current
    });
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let ThemeContext(theme) = expect_context();
    view! {
        <div
            role="group"
            aria-label="Colour theme"
            class="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 dark:border-slate-700 dark:bg-slate-900"
        >
            {Theme::ALL
                .into_iter()
                .map(|choice| {
                    let pressed = move || theme.get() == choice;
                    view! {
                        <button
                            type="button"
                            data-theme-choice=choice.as_str()
                            aria-pressed=move || pressed().to_string()
                            aria-label=format!("{} theme", choice.label())
                            title=format!("{} theme", choice.label())
                            class="rounded-md px-2 py-1 text-xs font-medium text-slate-600 motion-safe:transition-colors hover:text-slate-900 aria-pressed:bg-slate-900 aria-pressed:text-white dark:text-slate-300 dark:hover:text-white dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
                            on:click=move |_| theme.set(choice)
                        >
                            {icon(choice)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

fn icon(theme: Theme) -> &'static str {
    match theme {
        Theme::Light => "☀",
        Theme::Dark => "☾",
        Theme::System => "◐",
    }
}
