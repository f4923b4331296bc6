//! `/dashboard`: the signed-in user's watchlists (create, rename, delete; add and
//! remove symbols with suggestions), a card per symbol (price, change, recent
//! closes, latest signal), "Run signals" per watchlist, and a summary with the
//! newest signals. Every control is a form, so it also works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::dashboard::{
    dashboard_overview, AddWatchlistSymbol, CreateWatchlist, DeleteWatchlist,
    RemoveWatchlistSymbol, RenameWatchlist, RunWatchlistSignals,
};
use crate::api::error::AppError;
use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, SubmitButton, CARD, SMALL_BUTTON};
use crate::components::format::{change_class, percent, price, signed, signed_percent};
use crate::components::live::{use_live, LiveIndicator};
use crate::components::sparkline::Sparkline;
use crate::components::toast::toast_outcomes;
use crate::wire::dashboard::{Dashboard, SymbolCard};
use crate::wire::signals::SignalView;
use crate::wire::watchlists::{WatchlistUsage, WatchlistView};

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

/// Empties `form` once `action` succeeds (the page is updated in place, so typed
/// text would otherwise stay in the field).
fn reset_after_success<A>(action: ServerAction<A>, form: NodeRef<leptos::html::Form>)
where
    A: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    A::Output: Send + Sync + 'static,
    A::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action
            .value()
            .with(|outcome| matches!(outcome, Some(Ok(_))))
        {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
}

#[component]
fn NewWatchlistForm(actions: Actions, usage: WatchlistUsage) -> impl IntoView {
    let form = NodeRef::new();
    reset_after_success(actions.create, form);
    let full = usage
        .watchlists_limit
        .is_some_and(|limit| usage.watchlists >= limit);
    view! {
        <section class=CARD aria-labelledby="new-watchlist-heading">
            <h2 id="new-watchlist-heading" class="font-semibold">"New watchlist"</h2>
            {full.then(|| view! {
                <p class="mt-1 text-sm text-amber-700 dark:text-amber-400" data-testid="watchlist-limit">
                    "Your tier allows " {usage.watchlists_limit} " watchlists; delete one or upgrade to add more."
                </p>
            })}
            <ActionForm action=actions.create node_ref=form attr:class="mt-3 flex flex-wrap items-end gap-3" attr:data-testid="new-watchlist">
                <label class="flex grow flex-col gap-1 text-sm font-medium">
                    "Name"
                    <input type="text" name="name" required maxlength="60" placeholder="e.g. Tech" class=field_class()/>
                </label>
                <SubmitButton label="Create" busy_label="Creating…" pending=actions.create.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn WatchlistSection(
    list: WatchlistView,
    cards: Vec<SymbolCard>,
    actions: Actions,
) -> impl IntoView {
    let WatchlistView {
        id, name, symbols, ..
    } = list;
    let has_symbols = !symbols.is_empty();
    let heading_id = format!("watchlist-{id}");
    let rename_input = format!("rename-{id}");
    let delete_label = format!("Delete the watchlist {name}");
    let (run_id, rename_id, delete_id, add_id) = (id.clone(), id.clone(), id.clone(), id.clone());
    let (labelled_by, data_name, title, rename_value) =
        (heading_id.clone(), name.clone(), name.clone(), name);
    let add_form = NodeRef::new();
    reset_after_success(actions.add, add_form);
    let cards = cards
        .into_iter()
        .map(|card| view! { <SymbolCardView card watchlist=id.clone() actions/> })
        .collect_view();
    view! {
        <section class=CARD aria-labelledby=labelled_by data-testid="watchlist" data-name=data_name>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 id=heading_id class="text-lg font-semibold">{title}</h2>
                <div class="flex flex-wrap items-center gap-2">
                    <ActionForm action=actions.run attr:class="inline">
                        <input type="hidden" name="id" value=run_id/>
                        <button
                            type="submit"
                            disabled=move || !has_symbols || actions.run.pending().get()
                            class="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 focus:outline-none focus:ring-2 focus:ring-sky-500/60 disabled:opacity-60 dark:bg-sky-600 dark:hover:bg-sky-500"
                            data-testid="run-signals"
                        >
                            {move || if actions.run.pending().get() { "Running…" } else { "Run signals" }}
                        </button>
                    </ActionForm>
                    <details class="relative">
                        <summary class=format!("{SMALL_BUTTON} cursor-pointer list-none")>"Rename"</summary>
                        <ActionForm action=actions.rename attr:class="absolute right-0 z-10 mt-2 flex w-64 gap-2 rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                            <input type="hidden" name="id" value=rename_id/>
                            <label class="sr-only" for=rename_input.clone()>"New name"</label>
                            <input id=rename_input type="text" name="name" required maxlength="60" value=rename_value class=format!("{} w-full", field_class())/>
                            <button type="submit" class=SMALL_BUTTON>"Save"</button>
                        </ActionForm>
                    </details>
                    <ActionForm action=actions.delete attr:class="inline">
                        <input type="hidden" name="id" value=delete_id/>
                        <button type="submit" class=format!("{SMALL_BUTTON} text-rose-700 dark:text-rose-400") aria-label=delete_label>
                            "Delete"
                        </button>
                    </ActionForm>
                </div>
            </div>
            {(!has_symbols).then(|| view! {
                <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">"No symbols yet: add one below."</p>
            })}
            <ul class="mt-4 grid gap-3 sm:grid-cols-2 xl:grid-cols-3">{cards}</ul>
            <ActionForm action=actions.add node_ref=add_form attr:class="mt-4 flex flex-wrap items-end gap-3" attr:data-testid="add-symbol">
                <input type="hidden" name="id" value=add_id/>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Add a symbol"
                    <input
                        type="text"
                        name="symbol"
                        required
                        maxlength="10"
                        list="known-symbols"
                        autocomplete="off"
                        autocapitalize="characters"
                        placeholder="AAPL"
                        class=format!("{} w-40 uppercase", field_class())
                    />
                </label>
                <SubmitButton label="Add" busy_label="Adding…" pending=actions.add.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn SymbolCardView(card: SymbolCard, watchlist: String, actions: Actions) -> impl IntoView {
    let SymbolCard {
        symbol,
        last_day,
        last_price,
        change,
        change_pct,
        sparkline,
        is_stale,
        is_demo,
        latest_signal,
        error,
    } = card;
    let sparkline_label = format!("{symbol}: the last closes");
    let remove_label = format!("Remove {symbol}");
    let feed = use_live(vec![symbol.clone()]);
    let (quote, pushed_signal) = (feed.quote(&symbol), feed.signal(&symbol));
    // Live quotes move the price, the change against the last close and the
    // sparkline's newest point in place; until one arrives, the stored day shows.
    let shown_price = move || quote.with(|q| q.as_ref().map_or(last_price, |q| q.price));
    let shown_change = move || {
        quote.with(|q| {
            q.as_ref()
                .map_or((change, change_pct), |q| (q.change, q.change_pct))
        })
    };
    let closes = Signal::derive(move || {
        let mut closes = sparkline.clone();
        if let Some(live) = quote.with(|q| q.as_ref().map(|q| q.price)) {
            closes.push(live);
        }
        closes
    });
    let badge = move || {
        pushed_signal
            .get()
            .map(|s| (s.signal, s.confidence, s.model, s.ts))
            .or_else(|| {
                latest_signal
                    .clone()
                    .map(|s| (s.signal, s.confidence, s.model, s.ts))
            })
    };
    let (data_symbol, title, remove_value) = (symbol.clone(), symbol.clone(), symbol);
    view! {
        <li class="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="symbol-card" data-symbol=data_symbol>
            <div class="flex items-start justify-between gap-2">
                <div>
                    <a href=format!("/markets/{title}") class="font-semibold hover:text-sky-700 hover:underline dark:hover:text-sky-400">{title.clone()}</a>
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        {(!last_day.is_empty()).then(|| last_day.clone())}
                        {is_demo.then(|| view! { <span class="ml-1 rounded bg-amber-100 px-1 text-amber-800 dark:bg-amber-950 dark:text-amber-300">"demo"</span> })}
                        {is_stale.then(|| view! { <span class="ml-1 rounded bg-orange-100 px-1 text-orange-800 dark:bg-orange-950 dark:text-orange-300" data-testid="stale">"stale"</span> })}
                    </p>
                </div>
                {move || match badge() {
                    Some((signal, confidence, model, ts)) => view! {
                        <span
                            class=format!("badge-pop rounded-full px-2 py-0.5 text-xs font-semibold {}", badge_class(&signal))
                            data-testid="signal-badge"
                            data-signal=signal.clone()
                            title=format!("{model} model, {ts}")
                        >
                            {signal.clone()} " " {percent(confidence)}
                        </span>
                    }.into_any(),
                    None => view! {
                        <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-500 dark:bg-slate-800" data-testid="no-signal">"no signal"</span>
                    }.into_any(),
                }}
            </div>
            {match error {
                Some(reason) => view! { <p class="text-sm text-rose-700 dark:text-rose-400">{reason}</p> }.into_any(),
                None => view! {
                    <div class="flex items-baseline justify-between gap-2">
                        <span class="text-lg font-semibold tabular-nums" data-testid="last-price">{move || price(shown_price())}</span>
                        <span class=move || format!("text-sm tabular-nums {}", change_class(shown_change().0)) data-testid="price-change">
                            {move || {
                                let (change, change_pct) = shown_change();
                                format!("{} ({})", signed(change), signed_percent(change_pct))
                            }}
                        </span>
                    </div>
                    <Sparkline values=closes label=sparkline_label/>
                }.into_any(),
            }}
            <ActionForm action=actions.remove attr:class="self-end">
                <input type="hidden" name="id" value=watchlist/>
                <input type="hidden" name="symbol" value=remove_value/>
                <button type="submit" class="text-xs text-slate-500 underline hover:text-rose-700 dark:text-slate-400" aria-label=remove_label>
                    "Remove"
                </button>
            </ActionForm>
        </li>
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
