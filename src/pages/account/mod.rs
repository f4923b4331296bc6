//! `/account`: who you are, your tier with its limits and today's usage, and a
//! password change. Visitors who are not signed in are sent to `/login`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::components::auth::{ErrorNotice, LogoutButton};
use crate::components::form::{field_class, FormField, SubmitButton, CARD};
use crate::components::toast::toast_outcomes;
use crate::server_fns::account::my_account;
use crate::server_fns::api_keys::my_security_events;
use crate::server_fns::auth::ChangePassword;
use crate::wire::accounts::Me;

mod api_keys;
mod csv_import;

use api_keys::ApiKeys;
use csv_import::CsvImport;

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
                <FormField label="Current password">
                    <input type="password" name="current_password" required autocomplete="current-password" class=field_class()/>
                </FormField>
                <FormField label="New password">
                    <input type="password" name="new_password" required autocomplete="new-password" class=field_class()/>
                </FormField>
                <SubmitButton label="Change password" busy_label="Changing…" pending=action.pending()/>
            </ActionForm>
        </section>
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
