//! The top bar: product name, main navigation (a menu on narrow screens) and the theme switch.

use leptos::prelude::*;
use leptos_router::components::A;

use super::auth::{use_auth, LogoutButton};
use super::theme_toggle::ThemeToggle;

/// The main sections, in the order they appear.
pub const NAV_ITEMS: [(&str, &str); 6] = [
    ("Dashboard", "/dashboard"),
    ("Markets", "/markets"),
    ("Screener", "/screener"),
    ("Signals", "/signals"),
    ("Backtest", "/backtest"),
    ("Account", "/account"),
];

const LINK_CLASS: &str = "rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 aria-[current=page]:bg-slate-100 aria-[current=page]:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white dark:aria-[current=page]:bg-slate-800 dark:aria-[current=page]:text-white";

#[component]
pub fn TopBar() -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let close_menu = move |_| menu_open.set(false);

    view! {
        <header class="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
            <div class="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4 sm:px-6">
                <A href="/" attr:class="flex items-center gap-2 font-semibold tracking-tight">
                    <span aria-hidden="true" class="inline-block h-6 w-6 rounded bg-gradient-to-br from-emerald-500 to-sky-600"></span>
                    <span class="hidden min-[400px]:inline">"investment_system"</span>
                </A>
                <nav aria-label="Main" class="hidden flex-1 items-center gap-1 md:flex">
                    {NAV_ITEMS
                        .into_iter()
                        .map(|(label, href)| view! { <A href=href attr:class=LINK_CLASS>{label}</A> })
                        .collect_view()}
                </nav>
                <div class="ml-auto flex items-center gap-2">
                    <AccountLinks/>
                    <ThemeToggle/>
                    <button
                        type="button"
                        class="inline-flex h-9 w-9 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 md:hidden dark:text-slate-200 dark:hover:bg-slate-800"
                        aria-controls="mobile-menu"
                        aria-expanded=move || menu_open.get().to_string()
                        aria-label=move || if menu_open.get() { "Close menu" } else { "Open menu" }
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        <span aria-hidden="true" class="text-xl leading-none">
                            {move || if menu_open.get() { "✕" } else { "☰" }}
                        </span>
                    </button>
                </div>
            </div>
            <nav
                id="mobile-menu"
                aria-label="Main (mobile)"
                class="border-t border-slate-200 px-4 py-2 md:hidden dark:border-slate-800"
                hidden=move || !menu_open.get()
            >
                <ul class="flex flex-col gap-1">
                    {NAV_ITEMS
                        .into_iter()
                        .map(|(label, href)| {
                            view! {
                                <li>
                                    <A href=href attr:class=format!("block {LINK_CLASS}") on:click=close_menu>
                                        {label}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                    <MobileLogout/>
                </ul>
            </nav>
        </header>
    }
}

/// "Log out" at the end of the narrow-screen menu, for signed-in users.
#[component]
fn MobileLogout() -> impl IntoView {
    let user = use_auth().user;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(user.await, Ok(Some(_))).then(|| view! {
                    <li><LogoutButton class=format!("block w-full text-left {LINK_CLASS}")/></li>
                })
            })}
        </Transition>
    }
}

/// "Log in" and "Sign up" for visitors; the account and "Log out" once signed in.
#[component]
fn AccountLinks() -> impl IntoView {
    let user = use_auth().user;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    // On narrow screens both live in the menu instead.
                    Ok(Some(profile)) => view! {
                        {(profile.role == "admin").then(|| view! {
                            <A href="/admin" attr:class=format!("hidden sm:inline-block {LINK_CLASS}")>"Admin"</A>
                            <A href="/sonar" attr:class=format!("hidden sm:inline-block {LINK_CLASS}")>"SONAR"</A>
                        })}
                        <A href="/account" attr:class=format!("hidden sm:inline-block {LINK_CLASS}") attr:data-testid="signed-in-as">
                            <span class="block max-w-48 truncate">{profile.email}</span>
                        </A>
                        <LogoutButton class=format!("hidden sm:inline-block {LINK_CLASS}")/>
                    }
                    .into_any(),
                    _ => view! {
                        <A href="/login" attr:class=LINK_CLASS>"Log in"</A>
                        <A
                            href="/register"
                            attr:class="rounded-md bg-sky-700 px-3 py-2 text-sm font-medium text-white hover:bg-sky-800 dark:bg-sky-600 dark:hover:bg-sky-500"
                        >
                            "Sign up"
                        </A>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}
