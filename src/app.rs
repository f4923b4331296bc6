//! The document shell (server only renders it) and the root component that hydrates.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    Lazy, ParamSegment, SsrMode, StaticSegment,
};

use crate::components::{
    auth::provide_auth, demo_banner::DemoBanner, footer::Footer, toast::ToastRegion,
    top_bar::TopBar,
};
use crate::pages::{
    account::AccountRoute,
    admin::AdminRoute,
    backtest::BacktestRoute,
    dashboard::DashboardRoute,
    home::HomePage,
    login::LoginPage,
    markets::{MarketRoute, MarketsIndexRoute},
    not_found::NotFoundPage,
    register::RegisterPage,
    screener::ScreenerRoute,
    signals::SignalsRoute,
    sonar::SonarRoute,
};

/// The HTML document. `data-theme` comes from the `theme` cookie so the first
/// paint already has the right colours; CSS resolves `system` with a media query.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = crate::components::theme_toggle::request_theme();
    #[cfg(feature = "ssr")]
    crate::server::security::headers::set_page_csp(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100 motion-safe:transition-colors">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::components::theme_toggle::provide_theme();
    crate::components::live::provide_live_feed();
    crate::components::toast::provide_toasts();
    // Effects run only in the browser: this marks the moment the client took over.
    Effect::new(|_| crate::components::mark_hydrated());

    view! {
        <Stylesheet id="leptos" href="/pkg/investment-system.css"/>
        <Title formatter=|page: String| format!("{page} · investment_system")/>
        <Meta name="description" content="Explained BUY/SELL/HOLD signals, charts and backtests you can verify."/>
        <Router>
            <Layout/>
        </Router>
    }
}

/// Everything under the router: the account actions must be created here, where a
/// form posted without JavaScript finds its error in the URL.
#[component]
fn Layout() -> impl IntoView {
    provide_auth();
    view! {
        <div class="flex min-h-screen flex-col">
            <DemoBanner/>
            <TopBar/>
            <main id="main" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">
                <Routes fallback=NotFoundPage>
                    // Async: the status card arrives in the HTML itself, readable without
                    // JavaScript, and a signed-in visitor is redirected to the dashboard.
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                    // Forms and account data arrive complete, so they work without JavaScript;
                    // Async lets the account page answer with a redirect when nobody is signed in.
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::InOrder/>
                    <Route path=StaticSegment("register") view=RegisterPage ssr=SsrMode::InOrder/>
                    <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("markets") view={Lazy::<MarketsIndexRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("signals") view={Lazy::<SignalsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("backtest") view={Lazy::<BacktestRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("screener") view={Lazy::<ScreenerRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("sonar") view={Lazy::<SonarRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("markets"), ParamSegment("symbol")) view={Lazy::<MarketRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
            <ToastRegion/>
        </div>
    }
}
