//! The look of forms and page sections, shared by every page.

use leptos::prelude::*;

/// A page section: the white (dark: slate) rounded panel most content sits in.
pub const CARD: &str = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900";
/// A compact secondary button (rename, save, delete beside a heading).
pub const SMALL_BUTTON: &str = "rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 focus:outline-none focus:ring-2 focus:ring-sky-500/60 dark:border-slate-700 dark:hover:bg-slate-800";
/// A narrow card holding one form.
pub const FORM_CARD: &str = "mx-auto w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900";

pub fn field_class() -> &'static str {
    "rounded-md border border-slate-300 bg-white px-3 py-2 text-base font-normal text-slate-900 shadow-sm focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/40 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
}

/// A labelled field: the label's text above the control(s) given as children.
#[component]
pub fn FormField(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <label class="flex flex-col gap-1 text-sm font-medium">
            {label}
            {children()}
        </label>
    }
}

/// A submit button that says it is busy while its action runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
            class="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-800 focus:outline-none focus:ring-2 focus:ring-sky-500/60 disabled:cursor-wait disabled:opacity-70 dark:bg-sky-600 dark:hover:bg-sky-500"
        >
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}
