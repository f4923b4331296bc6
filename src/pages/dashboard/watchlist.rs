//! One watchlist on the dashboard: rename, delete, add symbols with suggestions, run
//! signals; and the form that creates one.

use super::symbol_card::SymbolCardView;
use super::Actions;
use leptos::prelude::*;

use crate::components::form::{field_class, FormField, SubmitButton, CARD, SMALL_BUTTON};
use crate::wire::dashboard::SymbolCard;
use crate::wire::watchlists::{WatchlistUsage, WatchlistView};

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
pub(super) fn NewWatchlistForm(actions: Actions, usage: WatchlistUsage) -> impl IntoView {
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
pub(super) fn WatchlistSection(
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
                <FormField label="Add a symbol">
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
                </FormField>
                <SubmitButton label="Add" busy_label="Adding…" pending=actions.add.pending()/>
            </ActionForm>
        </section>
    }
}
