//! The account page's CSV import of daily bars into the user's own layer: a file
//! picker that reads the file in the browser, or pasted text without JavaScript.

use crate::components::form::CARD;
use leptos::prelude::*;

use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, FormField, SubmitButton};
use crate::components::toast::toast_outcomes;
use crate::server_fns::markets::ImportPrices;

/// Imports a CSV file of daily bars into the user's own prices; every bad line is
/// listed with its reason, and nothing is stored unless the whole file is good.
#[component]
pub(super) fn CsvImport() -> impl IntoView {
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
                <FormField label="Symbol">
                    <input type="text" name="symbol" required maxlength="10" node_ref=symbol_field class=format!("{} w-40 uppercase", field_class())/>
                </FormField>
                <CsvFilePicker symbol=symbol_field csv=csv_field/>
                <FormField label="CSV (paste the file's contents)">
                    <textarea name="csv" required rows="6" node_ref=csv_field class=format!("{} font-mono text-xs", field_class())
                        placeholder="Date,Open,High,Low,Close,Adj Close,Volume"></textarea>
                </FormField>
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
            <FormField label="Or choose a CSV file">
                <input
                    type="file"
                    accept=".csv,text/csv"
                    on:change=on_change
                    data-testid="import-file"
                    class="text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-100 dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-100"
                />
            </FormField>
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
