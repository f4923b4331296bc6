//! `/screener`: the universe, the model's verdict, the lines to show and a condition
//! builder (line, operator, number or line) in a GET form, so the screen lives in the
//! URL. The result table sorts by any column through links (the server sorts every
//! match, not just the page), shows each symbol's last closes, pages, exports the
//! whole screen as CSV, and adds the selected rows to a watchlist. Saved screens open
//! as URLs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, FormField, CARD, SMALL_BUTTON};
use crate::components::format::{change_class, percent, price, signed_percent};
use crate::components::sparkline::Sparkline;
use crate::components::toast::use_toasts;
use crate::server_fns::dashboard::user_watchlists;
use crate::server_fns::screener::{
    add_screened_symbols, delete_saved_screen, run_screen, save_screen, saved_screens,
};
use crate::wire::screen_form::{ConditionFields, ScreenForm, MAX_FORM_CONDITIONS};
use crate::wire::screener::{SavedScreen, ScreenAnswer, ScreenRow};
use crate::wire::watchlists::WatchlistView;

super::lazy_page!(ScreenerRoute, ScreenerPage);

/// Lines offered while typing (any `/api/v1/indicators` name works).
const SUGGESTED_LINES: [&str; 14] = [
    "close",
    "open",
    "high",
    "low",
    "volume",
    "rsi:14",
    "sma:50",
    "sma:200",
    "ema:20",
    "macd:12:26:9.hist",
    "bbands:20:2:2.lower",
    "bbands:20:2:2.upper",
    "stoch:14:3:3.k",
    "adx:14",
];

const OPERATORS: [(&str, &str); 6] = [
    ("<", "<"),
    ("<=", "≤"),
    (">", ">"),
    (">=", "≥"),
    ("crosses_above", "crosses above"),
    ("crosses_below", "crosses below"),
];

#[component]
pub fn ScreenerPage() -> impl IntoView {
    let query = use_query_map();
    let form = move || {
        let read = query.read();
        ScreenForm::from_fields(|name| read.get(name).filter(|v| !v.is_empty()))
    };
    let answer = Resource::new(form, run_screen);
    let watchlists = Resource::new(
        || (),
        |_| async move { user_watchlists().await.unwrap_or_default() },
    );
    view! {
        <Title text="Screener"/>
        <h1 class="text-2xl font-semibold tracking-tight">"Screener"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "Every symbol you can see, filtered by indicator conditions on the latest bar and the model's verdict. Values are TA-Lib-exact on each symbol's whole history; verdicts are the ones signals give."
        </p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let lists = watchlists.await;
                view! { <ScreenSettings form=form() watchlists=lists/> }
            })}
        </Transition>
        <Transition fallback=|| view! { <div class="mt-6 h-64 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800"></div> }>
            {move || Suspend::new(async move {
                let lists = watchlists.await;
                match answer.await {
                    Ok(answer) => view! { <ScreenResults answer form=form() watchlists=lists/> }.into_any(),
                    Err(error) if error.code == "AUTHENTICATION_REQUIRED" => {
                        view! { <Redirect path="/login?next=/screener"/> }.into_any()
                    }
                    Err(error) => view! { <div class="mt-6"><ErrorNotice error/></div> }.into_any(),
                }
            })}
        </Transition>
        <SavedScreens form=Signal::derive(form)/>
    }
}

#[component]
fn ScreenSettings(form: ScreenForm, watchlists: Vec<WatchlistView>) -> impl IntoView {
    let value = |field: &Option<String>| field.clone().unwrap_or_default();
    let chosen_list = value(&form.watchlist);
    let model = form.model.clone().unwrap_or_else(|| "ensemble".into());
    let signal = value(&form.signal).to_ascii_uppercase();
    // The conditions given, then one empty row to add another.
    let mut rows = form.conditions.clone();
    if rows.len() < MAX_FORM_CONDITIONS {
        rows.push(ConditionFields {
            op: "<".into(),
            ..ConditionFields::default()
        });
    }
    view! {
        <Form method="GET" action="/screener" attr:class=format!("mt-4 {CARD}") attr:data-testid="screen-form">
            <input type="hidden" name="sort" value=value(&form.sort)/>
            <div class="flex flex-wrap items-end gap-3">
                <FormField label="Universe">
                    <select name="watchlist" class=field_class() data-testid="screen-universe">
                        <option value="" selected=chosen_list.is_empty()>"All my symbols (or those typed)"</option>
                        {watchlists.into_iter().map(|list| {
                            let selected = list.id == chosen_list;
                            let label = format!("{} ({} symbols)", list.name, list.symbols.len());
                            view! { <option value=list.id selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </FormField>
                <FormField label="Symbols">
                    <input type="text" name="symbols" value=value(&form.symbols) placeholder="AAPL, MSFT (empty: all)" class=format!("{} w-48 uppercase", field_class())/>
                </FormField>
                <FormField label="Model">
                    <select name="model" class=field_class()>
                        {["ensemble", "classic", "momentum"]
                            .into_iter()
                            .map(|key| view! { <option value=key selected=model == key>{key}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField label="Verdict">
                    <select name="signal" class=field_class() data-testid="screen-verdict">
                        <option value="" selected=signal.is_empty()>"Any"</option>
                        {["BUY", "SELL", "HOLD"]
                            .into_iter()
                            .map(|key| view! { <option value=key selected=signal == key>{key}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField label="Show lines">
                    <input type="text" name="indicators" value=value(&form.indicators) placeholder="rsi:14, sma:200" class=format!("{} w-56", field_class())/>
                </FormField>
            </div>
            <fieldset class="mt-4">
                <legend class="text-sm font-medium">"Conditions (all must hold on the latest bar)"</legend>
                <datalist id="screen-lines">
                    {SUGGESTED_LINES.into_iter().map(|line| view! { <option value=line></option> }).collect_view()}
                </datalist>
                <div class="mt-2 flex flex-col gap-2" data-testid="conditions">
                    {rows.into_iter().enumerate().map(|(at, row)| {
                        let n = at + 1;
                        view! { <ConditionRow n row/> }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="mt-4 flex flex-wrap gap-3">
                <button type="submit" class="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 dark:bg-sky-600">
                    "Screen"
                </button>
                <a href="/screener" class="px-2 py-2 text-sm text-slate-600 underline dark:text-slate-400">"Clear"</a>
            </div>
        </Form>
    }
}

/// One `line op value` row; an empty line leaves the row out of the screen.
#[component]
fn ConditionRow(n: usize, row: ConditionFields) -> impl IntoView {
    view! {
        <div class="flex flex-wrap items-center gap-2" data-testid="condition-row">
            <input type="text" name=format!("line{n}") value=row.line list="screen-lines"
                aria-label=format!("Line {n}") placeholder="rsi:14"
                class=format!("{} w-48", field_class())/>
            <select name=format!("op{n}") aria-label=format!("Operator {n}") class=field_class()>
                {OPERATORS.into_iter().map(|(key, label)| {
                    let selected = row.op == key;
                    view! { <option value=key selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            <input type="text" name=format!("value{n}") value=row.value list="screen-lines"
                aria-label=format!("Value {n}") placeholder="30 or sma:200"
                class=format!("{} w-40", field_class())/>
        </div>
    }
}

/// A column header that sorts the whole screen by `key` (again: the other way).
#[component]
fn SortHeader(form: ScreenForm, key: String, label: String, numeric: bool) -> impl IntoView {
    let current = form.sort.clone().unwrap_or_else(|| "symbol".into());
    let descending = format!("-{key}");
    let (next, state) = if current == key {
        (descending.clone(), Some("ascending"))
    } else if current == descending {
        (key.clone(), Some("descending"))
    } else if numeric {
        // Numbers first largest first: what a screen is usually after.
        (descending.clone(), None)
    } else {
        (key.clone(), None)
    };
    let arrow = match state {
        Some("ascending") => " ▲",
        Some(_) => " ▼",
        None => "",
    };
    let align = if numeric { "text-right" } else { "" };
    view! {
        <th scope="col" class=format!("py-2 pr-4 {align}") aria-sort=state.unwrap_or("none")>
            <a href=form.sorted_by(&next).href() class="hover:underline" data-testid=format!("sort-{key}")>
                {label}{arrow}
            </a>
        </th>
    }
}

#[component]
fn ScreenResults(
    answer: ScreenAnswer,
    form: ScreenForm,
    watchlists: Vec<WatchlistView>,
) -> impl IntoView {
    let ScreenAnswer {
        rows,
        matched,
        scanned,
        next_cursor,
        elapsed_ms,
        as_of,
    } = answer;
    let lines: Vec<String> = rows
        .first()
        .map(|row| row.lines().into_iter().map(|(name, _)| name).collect())
        .unwrap_or_default();
    let selected = RwSignal::new(Vec::<String>::new());
    let summary = format!(
        "{matched} of {scanned} symbols match{} · {elapsed_ms} ms",
        as_of
            .map(|day| format!(" · as of {day}"))
            .unwrap_or_default()
    );
    let export = {
        let fields = form.at_cursor(None).to_fields();
        format!(
            "/api/v1/screen.csv?{}",
            crate::domain::query_string::query_string(
                fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
            )
        )
    };
    let next = next_cursor.map(|cursor| form.at_cursor(Some(cursor)).href());
    let first = form.cursor.is_some().then(|| form.at_cursor(None).href());
    let empty = rows.is_empty();
    let header = |key: &str, label: &str, numeric: bool| {
        view! { <SortHeader form=form.clone() key=key.to_string() label=label.to_string() numeric/> }
    };
    let line_headers = lines
        .iter()
        .map(|line| header(line, line, true))
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| view! { <ResultRow row lines=lines.clone() selected/> })
        .collect_view();
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="results-heading" data-testid="screen-results">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h2 id="results-heading" class="font-semibold">"Results"</h2>
                    <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="screen-summary">{summary}</p>
                </div>
                <div class="flex flex-wrap items-center gap-2 text-sm">
                    <AddToWatchlist selected watchlists/>
                    <a href=export download="" rel="external" class=SMALL_BUTTON data-testid="screen-export">"Export CSV"</a>
                </div>
            </div>
            {empty.then(|| view! {
                <p class="mt-4 text-sm text-slate-600 dark:text-slate-400" data-testid="no-matches">
                    "No symbol meets every condition. Loosen a condition, or screen a wider universe."
                </p>
            })}
            <div class="mt-4 overflow-x-auto">
                <table class="w-full text-left text-sm" data-testid="screen-table">
                    <thead class="text-slate-500">
                        <tr>
                            <th scope="col" class="py-2 pr-2"><span class="sr-only">"Select"</span></th>
                            {header("symbol", "Symbol", false)}
                            <th scope="col" class="py-2 pr-4">"Last 30 closes"</th>
                            {header("price", "Price", true)}
                            {header("change_pct", "Change", true)}
                            <th scope="col" class="py-2 pr-4">"Signal"</th>
                            {header("confidence", "Confidence", true)}
                            {line_headers}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <nav aria-label="Pages" class="mt-4 flex gap-4 text-sm">
                {first.map(|href| view! { <a href=href class="underline">"First page"</a> })}
                {next.map(|href| view! { <a href=href class="underline" data-testid="screen-next-page">"Next page"</a> })}
            </nav>
        </section>
    }
}

#[component]
fn ResultRow(row: ScreenRow, lines: Vec<String>, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let symbol = row.symbol.clone();
    let toggle = {
        let symbol = symbol.clone();
        move |ev| {
            let on = event_target_checked(&ev);
            selected.update(|chosen| {
                chosen.retain(|s| *s != symbol);
                if on {
                    chosen.push(symbol.clone());
                }
            })
        }
    };
    let values = row.lines();
    let cells = lines
        .iter()
        .map(|line| {
            let value = values.iter().find(|(name, _)| name == line).and_then(|(_, v)| *v);
            let text = value.map_or("—".to_string(), |v| format!("{v:.2}"));
            view! { <td class="py-2 pr-4 text-right tabular-nums" data-line=line.clone()>{text}</td> }
        })
        .collect_view();
    let change = row.change_pct.unwrap_or_default();
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="screen-row" data-symbol=symbol.clone()>
            <td class="py-2 pr-2">
                <input type="checkbox" class="h-4 w-4 accent-sky-700" aria-label=format!("Select {symbol}") on:change=toggle/>
            </td>
            <td class="py-2 pr-4 font-medium"><a href=format!("/markets/{symbol}") class="hover:underline">{symbol.clone()}</a></td>
            <td class="w-28 py-2 pr-4">
                <Sparkline values=row.sparkline.clone().unwrap_or_default() label=format!("{symbol}: last 30 closes")/>
            </td>
            <td class="py-2 pr-4 text-right tabular-nums">{price(row.price)}</td>
            <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(change))>
                {row.change_pct.map_or("—".to_string(), signed_percent)}
            </td>
            <td class="py-2 pr-4" data-testid="row-signal">{row.signal.clone().unwrap_or_else(|| "—".into())}</td>
            <td class="py-2 pr-4 text-right tabular-nums">{row.confidence.map_or("—".to_string(), percent)}</td>
            {cells}
        </tr>
    }
}

/// Adds the selected rows to one of the user's watchlists, all or none.
#[component]
fn AddToWatchlist(
    selected: RwSignal<Vec<String>>,
    watchlists: Vec<WatchlistView>,
) -> impl IntoView {
    let toasts = use_toasts();
    let first = watchlists.first().map(|l| l.id.clone()).unwrap_or_default();
    let target = RwSignal::new(first);
    let add = Action::new(move |(id, symbols): &(String, Vec<String>)| {
        add_screened_symbols(id.clone(), symbols.clone())
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(added)) => {
            toasts.success(format!("Added {added} symbol(s) to the watchlist"));
            selected.set(Vec::new());
        }
        Some(Err(error)) => toasts.failure(&error),
        None => {}
    });
    let none = watchlists.is_empty();
    view! {
        {none.then(|| view! {
            <span class="text-slate-500">"Create a watchlist on the dashboard to collect results."</span>
        })}
        <select aria-label="Watchlist to add to" class=field_class() data-testid="screen-target-watchlist"
            disabled=none
            on:change=move |ev| target.set(event_target_value(&ev))>
            {watchlists.into_iter().map(|list| view! { <option value=list.id>{list.name}</option> }).collect_view()}
        </select>
        <button type="button" class=SMALL_BUTTON data-testid="screen-add-to-watchlist"
            disabled=move || none || selected.with(Vec::is_empty) || add.pending().get()
            on:click=move |_| { add.dispatch((target.get_untracked(), selected.get_untracked())); }>
            {move || format!("Add {} selected", selected.with(Vec::len))}
        </button>
    }
}

/// The user's saved screens (each opens as its URL), and saving the current one.
#[component]
fn SavedScreens(form: Signal<ScreenForm>) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let save = Action::new(move |(name, form): &(String, ScreenForm)| {
        save_screen(name.clone(), form.clone())
    });
    let delete = Action::new(move |id: &String| delete_saved_screen(id.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            toasts.success(format!("Saved “{}”", saved.name));
            name.set(String::new());
        }
        Some(Err(error)) => toasts.failure(&error),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Err(error)) = delete.value().get() {
            toasts.failure(&error);
        }
    });
    let screens = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| saved_screens(),
    );
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="saved-heading">
            <h2 id="saved-heading" class="font-semibold">"Saved screens"</h2>
            <form class="mt-3 flex flex-wrap items-end gap-3" data-testid="save-screen"
                on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch((name.get_untracked(), form.get_untracked()));
                }>
                <FormField label="Screen name">
                    <input type="text" required maxlength="100" placeholder="Oversold buys" class=field_class()
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </FormField>
                <button type="submit" class=SMALL_BUTTON disabled=move || save.pending().get()>"Save this screen"</button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = screens.await.unwrap_or_default();
                    view! { <SavedList list delete/> }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SavedList(
    list: Vec<SavedScreen>,
    delete: Action<String, Result<(), crate::server_fns::error::AppError>>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="mt-3 text-sm text-slate-500">"None yet."</p> }.into_any();
    }
    view! {
        <ul class="mt-3 flex flex-col gap-2 text-sm" data-testid="saved-screens">
            {list.into_iter().map(|screen| {
                let href = ScreenForm::from_request(&screen.request).href();
                let id = screen.id.clone();
                let label = format!("Delete the screen {}", screen.name);
                view! {
                    <li class="flex items-center justify-between gap-3">
                        <a href=href class="font-medium hover:underline" data-testid="saved-screen">{screen.name.clone()}</a>
                        <button type="button" class=SMALL_BUTTON aria-label=label
                            on:click=move |_| { delete.dispatch(id.clone()); }>"Delete"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
