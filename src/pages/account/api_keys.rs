//! The account page's API keys: create one (its secret shown once, with a copy
//! button), list and revoke them.

use crate::components::form::CARD;
use leptos::prelude::*;

use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, FormField, SubmitButton};
use crate::components::toast::toast_outcomes;
use crate::server_fns::api_keys::{my_api_keys, CreateApiKey, RevokeApiKey};

/// API keys: create one (its secret shown once, with a copy button), see when each
/// was last used, revoke after confirming.
#[component]
pub(super) fn ApiKeys() -> impl IntoView {
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
                <FormField label="Key name">
                    <input type="text" name="name" required maxlength="100" placeholder="trading bot" class=field_class()/>
                </FormField>
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
