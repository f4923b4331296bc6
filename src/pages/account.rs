//! `/account`: who you are, your tier with its limits and today's usage, and a
//! password change. Visitors who are not signed in are sent to `/login`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::account::my_account;
use crate::api::account_tools::{
    my_api_keys, my_security_events, CreateApiKey, ImportPrices, RevokeApiKey,
};
use crate::api::auth::ChangePassword;
use crate::components::auth::{ErrorNotice, LogoutButton};
use crate::components::form::{field_class, SubmitButton};
use crate::components::toast::toast_outcomes;
use crate::wire::accounts::Me;

const CARD: &str = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900";

super::lazy_page!(AccountRoute, AccountPage);

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| my_account());
    view! {
        <Title text="Account"/>
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(Some(me)) => view! { <AccountOverview me/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login?next=/account"/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountOverview(me: Me) -> impl IntoView {
    let user = me.user;
    let limits = me.limits;
    let usage = me.usage;
    view! {
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-semibold tracking-tight">"Account"</h1>
            <LogoutButton class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"/>
        </div>
        <div class="mt-6 grid gap-6 lg:grid-cols-2">
            <section class=CARD aria-labelledby="profile-heading">
                <h2 id="profile-heading" class="font-semibold">"Profile"</h2>
                <dl class="mt-3 grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
                    <dt class="text-slate-500">"Email"</dt>
                    <dd data-testid="account-email">{user.email.clone()}</dd>
                    <dt class="text-slate-500">"Role"</dt>
                    <dd>{user.role.clone()}</dd>
                    <dt class="text-slate-500">"Member since"</dt>
                    <dd><time datetime=user.created_at.clone()>{user.created_at.get(..10).unwrap_or_default().to_string()}</time></dd>
                </dl>
            </section>
            <section class=CARD aria-labelledby="tier-heading">
                <h2 id="tier-heading" class="font-semibold">
                    "Tier: " <span class="capitalize" data-testid="account-tier">{user.tier.clone()}</span>
                </h2>
                <div class="mt-3 flex flex-col gap-3 text-sm">
                    <UsageMeter
                        label="API requests this minute"
                        used=usage.requests_this_minute
                        limit=Some(u64::from(limits.requests_per_minute))
                    />
                    <UsageMeter
                        label="API requests today"
                        used=usage.requests_today
                        limit=Some(u64::from(limits.requests_per_day))
                    />
                    <UsageMeter
                        label="Signals today"
                        used=usage.signals_today
                        limit=limits.signals_per_day.map(u64::from)
                    />
                </div>
                <dl class="mt-4 grid grid-cols-[1fr_auto] gap-y-1 text-sm">
                    <dt class="text-slate-500">"Symbols per request"</dt>
                    <dd>{limit_text(limits.symbols_per_request)}</dd>
                    <dt class="text-slate-500">"Watchlist symbols"</dt>
                    <dd>{limit_text(limits.watchlist_symbols)}</dd>
                    <dt class="text-slate-500">"Live symbols"</dt>
                    <dd>{limit_text(limits.live_symbols)}</dd>
                    <dt class="text-slate-500">"Live connections"</dt>
                    <dd>{limits.live_connections}</dd>
                    <dt class="text-slate-500">"Bars per imported series"</dt>
                    <dd data-testid="limit-bars-per-series">{limits.bars_per_series}</dd>
                    <dt class="text-slate-500">"Backtest budget (bar evaluations)"</dt>
                    <dd>{limits.backtest_budget}</dd>
                </dl>
            </section>
            <PasswordChangeForm/>
            <ApiKeys/>
            <CsvImport/>
            <SecurityEvents/>
        </div>
    }
}

fn limit_text(limit: Option<u32>) -> String {
    limit.map_or_else(|| "unlimited".to_string(), |n| n.to_string())
}

#[component]
fn UsageMeter(label: &'static str, used: u64, limit: Option<u64>) -> impl IntoView {
    let max = limit.unwrap_or(used.max(1));
    view! {
        <div>
            <div class="flex justify-between">
                <span>{label}</span>
                <span class="tabular-nums">
                    {used} " / " {limit.map_or_else(|| "unlimited".to_string(), |l| l.to_string())}
                </span>
            </div>
            <meter class="mt-1 h-2 w-full" min="0" max=max value=used high=max * 8 / 10 aria-label=label></meter>
        </div>
    }
}

#[component]
fn PasswordChangeForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    toast_outcomes(action, "Password changed");
    let result = move || action.value().get();
    view! {
        <section class=CARD aria-labelledby="password-heading">
            <h2 id="password-heading" class="font-semibold">"Change password"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "Signs you out everywhere else: other browsers, refresh tokens."
            </p>
            <div class="mt-3">
                {move || match result() {
                    Some(Ok(())) => Some(view! {
                        <p role="status" data-testid="password-changed" class="rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
                            "Password changed."
                        </p>
                    }.into_any()),
                    Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
                    None => None,
                }}
            </div>
            <ActionForm action attr:class="mt-3 flex flex-col gap-3" attr:data-testid="password-form">
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Current password"
                    <input type="password" name="current_password" required autocomplete="current-password" class=field_class()/>
                </label>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "New password"
                    <input type="password" name="new_password" required autocomplete="new-password" class=field_class()/>
                </label>
                <SubmitButton label="Change password" busy_label="Changing…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

/// API keys: create one (its secret shown once, with a copy button), see when each
/// was last used, revoke after confirming.
#[component]
fn ApiKeys() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    toast_outcomes(create, "API key created");
    toast_outcomes(revoke, "API key revoked");
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| my_api_keys(),
    );
    let created = move || create.value().get().and_then(Result::ok);
    let error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    };
    view! {
        <section class=format!("{CARD} lg:col-span-2") aria-labelledby="keys-heading">
            <h2 id="keys-heading" class="font-semibold">"API keys"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "For scripts and services: send the key as " <code>"X-API-Key"</code> "."
            </p>
            <div class="mt-3">{move || error().map(|error| view! { <ErrorNotice error/> })}</div>
            {move || created().map(|key| view! {
                <div role="status" class="mt-3 rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950">
                    <p class="font-medium">"Copy your new key now: it is not shown again."</p>
                    <div class="mt-2 flex flex-wrap items-center gap-2">
                        <code class="break-all rounded bg-white px-2 py-1 dark:bg-slate-900" data-testid="new-api-key">{key.key.clone()}</code>
                        <CopyButton text=key.key.clone()/>
                    </div>
                </div>
            })}
            <ActionForm action=create attr:class="mt-3 flex flex-wrap items-end gap-3" attr:data-testid="new-api-key-form">
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Key name"
                    <input type="text" name="name" required maxlength="100" placeholder="trading bot" class=field_class()/>
                </label>
                <SubmitButton label="Create key" busy_label="Creating…" pending=create.pending()/>
            </ActionForm>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let keys = keys.await.ok().flatten().unwrap_or_default();
                    view! {
                        <ul class="mt-4 flex flex-col gap-2 text-sm" data-testid="api-keys">
                            {keys.into_iter().map(|key| {
                                let label = format!("Revoke the key {}", key.name);
                                let question = format!("Revoke the key \"{}\"? Programs using it stop working.", key.name);
                                view! {
                                    <li class="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="api-key">
                                        <span class="font-medium">{key.name.clone()}</span>
                                        <code class="text-xs">{key.prefix.clone()}</code>
                                        <span class="text-xs text-slate-500">
                                            {key.last_used_at.clone().map_or_else(|| "never used".to_string(), |at| format!("last used {at}"))}
                                        </span>
                                        <ActionForm action=revoke attr:class="inline">
                                            <input type="hidden" name="id" value=key.id.clone()/>
                                            // Asked on the click, before the form is submitted at all.
                                            <button
                                                type="submit"
                                                class="text-sm text-rose-700 underline dark:text-rose-400"
                                                aria-label=label
                                                on:click=move |event| {
                                                    if !confirm(&question) {
                                                        event.prevent_default();
                                                    }
                                                }
                                            >
                                                "Revoke"
                                            </button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </section>
    }
}

/// Asks the user; on the server (no dialog possible) the answer is yes.
fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

#[component]
fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(window) = web_sys::window() {
                    let _ = window.navigator().clipboard().write_text(&text);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = &text;
                copied.set(true);
            }
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}

/// The user's own security events, newest first.
#[component]
fn SecurityEvents() -> impl IntoView {
    let events = Resource::new(|| (), |_| my_security_events());
    view! {
        <section class=format!("{CARD} lg:col-span-2") aria-labelledby="events-heading">
            <h2 id="events-heading" class="font-semibold">"Security events"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let events = events.await.ok().flatten().unwrap_or_default();
                    view! {
                        <ul class="mt-3 flex flex-col gap-1 text-sm" data-testid="security-events">
                            {events.into_iter().map(|event| view! {
                                <li class="flex flex-wrap gap-x-4">
                                    <time class="tabular-nums text-slate-500" datetime=event.created_at.clone()>{event.created_at.get(..16).unwrap_or_default().replace('T', " ")}</time>
                                    <span class="font-medium" data-testid="security-event">{event.event.replace('_', " ")}</span>
                                    <span class="text-slate-500">{event.ip.clone().unwrap_or_default()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </section>
    }
}

/// Imports a CSV file of daily bars into the user's own prices; every bad line is
/// listed with its reason, and nothing is stored unless the whole file is good.
#[component]
fn CsvImport() -> impl IntoView {
    let action = ServerAction::<ImportPrices>::new();
    toast_outcomes(action, "Prices imported");
    let (symbol_field, csv_field) = (NodeRef::new(), NodeRef::new());
    let outcome = move || action.value().get();
    view! {
        <section class=format!("{CARD} lg:col-span-2") aria-labelledby="import-heading">
            <h2 id="import-heading" class="font-semibold">"Import prices"</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "Yahoo, Stooq or pandas CSV. Your bars are yours alone and win over the provider's on the same days."
            </p>
            <div class="mt-3">
                {move || match outcome() {
                    Some(Ok(summary)) => Some(view! {
                        <p role="status" data-testid="import-summary" class="rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
                            {format!("Imported {} new and {} updated days, {} to {}.", summary.imported, summary.updated, summary.first, summary.last)}
                        </p>
                    }.into_any()),
                    Some(Err(error)) => {
                        let lines: Vec<(u64, String)> = error.details["errors"]
                            .as_array()
                            .map(|errors| {
                                errors
                                    .iter()
                                    .filter_map(|e| Some((e["line"].as_u64()?, e["reason"].as_str()?.to_string())))
                                    .collect()
                            })
                            .unwrap_or_default();
                        Some(view! {
                            <ErrorNotice error/>
                            <ul class="mt-2 list-inside list-disc text-sm text-rose-800 dark:text-rose-300" data-testid="import-errors">
                                {lines.into_iter().map(|(line, reason)| view! { <li>{format!("Line {line}: {reason}")}</li> }).collect_view()}
                            </ul>
                        }.into_any())
                    }
                    None => None,
                }}
            </div>
            <ActionForm action attr:class="mt-3 flex flex-col gap-3" attr:data-testid="import-form">
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Symbol"
                    <input type="text" name="symbol" required maxlength="10" node_ref=symbol_field class=format!("{} w-40 uppercase", field_class())/>
                </label>
                <CsvFilePicker symbol=symbol_field csv=csv_field/>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "CSV (paste the file's contents)"
                    <textarea name="csv" required rows="6" node_ref=csv_field class=format!("{} font-mono text-xs", field_class())
                        placeholder="Date,Open,High,Low,Close,Adj Close,Volume"></textarea>
                </label>
                <div><SubmitButton label="Import" busy_label="Importing…" pending=action.pending()/></div>
            </ActionForm>
        </section>
    }
}

/// Reads a chosen `.csv` file into the form's text area (and names the symbol after
/// the file when none is typed). Shown only once the page runs in the browser:
/// without JavaScript the file could not be read, and pasting still works.
#[component]
fn CsvFilePicker(
    symbol: NodeRef<leptos::html::Input>,
    csv: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let problem = RwSignal::new(None::<String>);
    let on_change = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        csv_file::load(event, symbol, csv, problem);
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, symbol, csv);
    };
    view! {
        <Show when=move || hydrated.get()>
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Or choose a CSV file"
                <input
                    type="file"
                    accept=".csv,text/csv"
                    on:change=on_change
                    data-testid="import-file"
                    class="text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-100 dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-100"
                />
            </label>
            {move || problem.get().map(|text| view! {
                <p role="alert" class="text-sm text-rose-700 dark:text-rose-400">{text}</p>
            })}
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod csv_file {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    /// A form post carries the file URL-encoded (about half as large again) within
    /// the server's 2 MB body limit; the REST import takes up to 20 MB.
    const MAX_BYTES: f64 = 1024.0 * 1024.0;

    pub fn load(
        event: leptos::ev::Event,
        symbol: NodeRef<leptos::html::Input>,
        csv: NodeRef<leptos::html::Textarea>,
        problem: RwSignal<Option<String>>,
    ) {
        let Some(file) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        if file.size() > MAX_BYTES {
            problem.set(Some(format!(
                "{} is larger than 1 MB: import it with POST /api/v1/prices/{{symbol}}/import (up to 20 MB).",
                file.name()
            )));
            return;
        }
        problem.set(None);
        let name = file.name();
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            match text.ok().and_then(|t| t.as_string()) {
                Some(text) => {
                    if let Some(area) = csv.get_untracked() {
                        area.set_value(&text);
                    }
                    if let Some(field) = symbol.get_untracked() {
                        if field.value().trim().is_empty() {
                            field.set_value(&symbol_from_file_name(&name));
                        }
                    }
                }
                None => problem.set(Some(format!("{name} could not be read as text."))),
            }
        });
    }

    /// `aapl.csv` or `AAPL (1).csv` names the symbol `AAPL`.
    fn symbol_from_file_name(name: &str) -> String {
        name.split(['.', ' ', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase()
    }
}
