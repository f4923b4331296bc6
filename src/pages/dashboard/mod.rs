//! `/dashboard`: the signed-in user's watchlists (create, rename, delete; add and
//! remove symbols with suggestions), a card per symbol (price, change, recent
//! closes, latest signal), "Run signals" per watchlist, and a summary with the
//! newest signals. Every control is a form, so it also works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::components::auth::ErrorNotice;
use crate::components::form::CARD;
use crate::components::format::price;
use crate::components::live::LiveIndicator;
use crate::components::toast::toast_outcomes;
use crate::server_fns::dashboard::{
    dashboard_overview, AddWatchlistSymbol, CreateWatchlist, DeleteWatchlist,
    RemoveWatchlistSymbol, RenameWatchlist, RunWatchlistSignals,
};
use crate::server_fns::error::AppError;
use crate::wire::dashboard::{Dashboard, SymbolCard};
use crate::wire::signals::SignalView;
use crate::wire::watchlists::WatchlistUsage;

mod symbol_card;
mod watchlist;

use watchlist::{NewWatchlistForm, WatchlistSection};

/// The page's actions, shared by its parts; the overview reloads after any of them.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateWatchlist>,
    rename: ServerAction<RenameWatchlist>,
    delete: ServerAction<DeleteWatchlist>,
    add: ServerAction<AddWatchlistSymbol>,
    remove: ServerAction<RemoveWatchlistSymbol>,
    run: ServerAction<RunWatchlistSignals>,
}

impl Actions {
    fn new() -> Actions {
        let actions = Actions {
            create: ServerAction::new(),
            rename: ServerAction::new(),
            delete: ServerAction::new(),
            add: ServerAction::new(),
            remove: ServerAction::new(),
            run: ServerAction::new(),
        };
        toast_outcomes(actions.create, "Watchlist created");
        toast_outcomes(actions.rename, "Watchlist renamed");
        toast_outcomes(actions.delete, "Watchlist deleted");
        toast_outcomes(actions.add, "Symbol added");
        toast_outcomes(actions.remove, "Symbol removed");
        toast_outcomes(actions.run, "Signals generated");
        actions
    }

    /// Changes whenever any action completes.
    fn versions(&self) -> [usize; 6] {
        [
            self.create.version().get(),
            self.rename.version().get(),
            self.delete.version().get(),
            self.add.version().get(),
            self.remove.version().get(),
            self.run.version().get(),
        ]
    }

    /// When one action starts, the others' outcomes are old news: their errors go.
    /// (In the browser; without JavaScript each page load shows one outcome anyway.)
    fn forget_old_outcomes(self) {
        Effect::new(move |_| {
            let pending = [
                self.create.pending().get(),
                self.rename.pending().get(),
                self.delete.pending().get(),
                self.add.pending().get(),
                self.remove.pending().get(),
                self.run.pending().get(),
            ];
            if let Some(running) = pending.iter().position(|p| *p) {
                self.clear_all_but(running);
            }
        });
    }

    fn clear_all_but(&self, keep: usize) {
        let clears: [&dyn Fn(); 6] = [
            &|| self.create.value().set(None),
            &|| self.rename.value().set(None),
            &|| self.delete.value().set(None),
            &|| self.add.value().set(None),
            &|| self.remove.value().set(None),
            &|| self.run.value().set(None),
        ];
        for (i, clear) in clears.iter().enumerate() {
            if i != keep {
                clear();
            }
        }
    }

    /// The failures of the latest run of each action.
    fn errors(&self) -> Vec<AppError> {
        fn failed<T>(value: Option<Result<T, AppError>>) -> Option<AppError> {
            value.and_then(Result::err)
        }
        [
            failed(self.create.value().get()),
            failed(self.rename.value().get()),
            failed(self.delete.value().get()),
            failed(self.add.value().get()),
            failed(self.remove.value().get()),
            failed(self.run.value().get()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

super::lazy_page!(DashboardRoute, DashboardPage);

#[component]
pub fn DashboardPage() -> impl IntoView {
    let actions = Actions::new();
    actions.forget_old_outcomes();
    let overview = Resource::new(move || actions.versions(), |_| dashboard_overview());
    view! {
        <Title text="Dashboard"/>
        <Transition fallback=|| view! { <DashboardSkeleton/> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(Some(data)) => view! { <Overview data actions/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login?next=/dashboard"/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DashboardSkeleton() -> impl IntoView {
    view! {
        <div class="animate-pulse" aria-busy="true" aria-label="Loading the dashboard">
            <div class="h-8 w-48 rounded bg-slate-200 dark:bg-slate-800"></div>
            <div class="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {(0..3).map(|_| view! { <div class="h-36 rounded-xl bg-slate-200 dark:bg-slate-800"></div> }).collect_view()}
            </div>
        </div>
    }
}

#[component]
fn Overview(data: Dashboard, actions: Actions) -> impl IntoView {
    let Dashboard {
        watchlists,
        cards,
        summary,
        recent,
        known_symbols,
    } = data;
    let usage = watchlists.usage;
    let lists = watchlists.watchlists;
    let empty = lists.is_empty();
    view! {
        <div class="flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="flex items-center gap-3 text-2xl font-semibold tracking-tight">"Dashboard" <LiveIndicator/></h1>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                    "Latest signals across your watchlists"
                </p>
            </div>
            <dl class="flex gap-2 text-sm" data-testid="signal-summary">
                <SummaryPill label="BUY" count=summary.buy/>
                <SummaryPill label="SELL" count=summary.sell/>
                <SummaryPill label="HOLD" count=summary.hold/>
            </dl>
        </div>
        <div class="mt-4 flex flex-col gap-2" aria-live="polite">
            {move || actions.errors().into_iter().map(|error| view! { <ErrorNotice error/> }).collect_view()}
        </div>
        <datalist id="known-symbols">
            {known_symbols.into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
        </datalist>
        <div class="mt-6 grid gap-6 lg:grid-cols-[1fr_20rem]">
            <div class="flex flex-col gap-6">
                {empty.then(|| view! {
                    <section class=CARD data-testid="no-watchlists">
                        <h2 class="font-semibold">"Start a watchlist"</h2>
                        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                            "Name it below, add a few symbols (try AAPL or MSFT), then run signals."
                        </p>
                    </section>
                })}
                {lists
                    .into_iter()
                    .map(|list| {
                        let list_cards: Vec<SymbolCard> = list
                            .symbols
                            .iter()
                            .filter_map(|s| cards.iter().find(|c| c.symbol == *s).cloned())
                            .collect();
                        view! { <WatchlistSection list cards=list_cards actions/> }
                    })
                    .collect_view()}
                <NewWatchlistForm actions usage/>
            </div>
            <aside class="flex flex-col gap-6">
                <UsageCard usage/>
                <RecentSignals recent/>
            </aside>
        </div>
    }
}

#[component]
fn SummaryPill(label: &'static str, count: u32) -> impl IntoView {
    view! {
        <div class=format!("flex items-center gap-2 rounded-full px-3 py-1 {}", badge_class(label))>
            <dt class="font-semibold">{label}</dt>
            <dd data-testid=format!("summary-{}", label.to_lowercase())>{count}</dd>
        </div>
    }
}

fn badge_class(signal: &str) -> &'static str {
    match signal {
        "BUY" => "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
        "SELL" => "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300",
        _ => "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
    }
}

#[component]
fn UsageCard(usage: WatchlistUsage) -> impl IntoView {
    let of = |used: u32, limit: Option<u32>| match limit {
        Some(limit) => format!("{used} of {limit}"),
        None => format!("{used} (unlimited)"),
    };
    let symbols_full = usage.symbols_limit.is_some_and(|l| usage.symbols >= l);
    view! {
        <section class=CARD aria-labelledby="usage-heading">
            <h2 id="usage-heading" class="font-semibold">"Your tier"</h2>
            <dl class="mt-3 grid grid-cols-[1fr_auto] gap-y-1 text-sm">
                <dt class="text-slate-500">"Watchlists"</dt>
                <dd data-testid="usage-watchlists">{of(usage.watchlists, usage.watchlists_limit)}</dd>
                <dt class="text-slate-500">"Watchlist symbols"</dt>
                <dd data-testid="usage-symbols">{of(usage.symbols, usage.symbols_limit)}</dd>
            </dl>
            {symbols_full.then(|| view! {
                <p class="mt-2 text-sm text-amber-700 dark:text-amber-400">"Symbol limit reached: remove one or upgrade."</p>
            })}
        </section>
    }
}

#[component]
fn RecentSignals(recent: Vec<SignalView>) -> impl IntoView {
    let empty = recent.is_empty();
    view! {
        <section class=CARD aria-labelledby="recent-heading">
            <h2 id="recent-heading" class="font-semibold">"Recent signals"</h2>
            {empty.then(|| view! {
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"None yet: run signals on a watchlist."</p>
            })}
            <ul class="mt-3 flex flex-col gap-2 text-sm" data-testid="recent-signals">
                {recent
                    .into_iter()
                    .map(|signal| view! {
                        <li class="flex items-center justify-between gap-2">
                            <span class="font-medium">{signal.symbol.clone()}</span>
                            <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {}", badge_class(&signal.signal))>
                                {signal.signal.clone()}
                            </span>
                            <span class="tabular-nums text-slate-500">{price(signal.price)}</span>
                            <time class="text-xs text-slate-500" datetime=signal.created_at.clone()>{signal.ts.clone()}</time>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
