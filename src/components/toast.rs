//! Toasts: short notes in a corner after an action succeeds or fails. A failure
//! names its error code and correlation id (what support asks for). They leave on
//! their own after a few seconds, or when closed. Inline errors stay where they
//! are: toasts add to them, they do not replace them.

use std::time::Duration;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::server_fns::error::AppError;

const SUCCESS_FOR: Duration = Duration::from_secs(4);
const FAILURE_FOR: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, PartialEq)]
pub enum ToastKind {
    Success,
    Failure {
        code: String,
        correlation_id: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    id: u64,
    text: String,
    kind: ToastKind,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(text.into(), ToastKind::Success, SUCCESS_FOR);
    }

    pub fn failure(&self, error: &AppError) {
        let kind = ToastKind::Failure {
            code: error.code.clone(),
            correlation_id: error.correlation_id.clone(),
        };
        self.push(error.message.clone(), kind, FAILURE_FOR);
    }

    fn push(&self, text: String, kind: ToastKind, lasts: Duration) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown
            .update(|shown| shown.push(Toast { id, text, kind }));
        let toasts = *self;
        set_timeout(move || toasts.dismiss(id), lasts);
    }

    fn dismiss(&self, id: u64) {
        self.shown
            .update(|shown| shown.retain(|toast| toast.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        shown: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Toasts each outcome of `action`: `success` on success, the error on failure.
pub fn toast_outcomes<A>(action: ServerAction<A>, success: &'static str)
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Send + Sync + 'static,
{
    let toasts = use_toasts();
    Effect::new(move |seen: Option<usize>| {
        let version = action.version().get();
        // Only outcomes that arrive while the page is open: not the one a form
        // posted without JavaScript carried in, and none twice.
        if seen.is_some_and(|seen| seen != version) {
            action.value().with_untracked(|outcome| match outcome {
                Some(Ok(_)) => toasts.success(success),
                Some(Err(error)) => toasts.failure(error),
                None => {}
            });
        }
        version
    });
}

/// Where toasts appear: bottom right, above everything, announced politely.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div
            class="pointer-events-none fixed inset-x-4 bottom-4 z-50 flex flex-col items-end gap-2 sm:left-auto sm:w-96"
            role="region"
            aria-label="Notifications"
            aria-live="polite"
            data-testid="toasts"
        >
            <For each=move || toasts.shown.get() key=|toast| toast.id let:toast>
                <ToastView toast toasts/>
            </For>
        </div>
    }
}

#[component]
fn ToastView(toast: Toast, toasts: Toasts) -> impl IntoView {
    let Toast { id, text, kind } = toast;
    let (tone, role, kind_name) = match kind {
        ToastKind::Success => (
            "border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-50",
            "status",
            "success",
        ),
        ToastKind::Failure { .. } => (
            "border-rose-300 bg-rose-50 text-rose-950 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-50",
            "alert",
            "failure",
        ),
    };
    let reference = match kind {
        ToastKind::Failure {
            code,
            correlation_id,
        } => Some(view! {
            <p class="mt-1 font-mono text-xs opacity-80">
                <span data-testid="toast-code">{code}</span>
                {correlation_id.map(|id| view! { " · " <span data-testid="toast-correlation-id">{id}</span> })}
            </p>
        }),
        ToastKind::Success => None,
    };
    view! {
        <div
            class=format!("toast-in pointer-events-auto flex w-full items-start gap-3 rounded-lg border p-3 text-sm shadow-lg {tone}")
            role=role
            data-testid="toast"
            data-kind=kind_name
        >
            <div class="flex-1">
                <p class="font-medium">{text}</p>
                {reference}
            </div>
            <button
                type="button"
                class="rounded px-1 opacity-70 hover:opacity-100 focus:outline-none focus:ring-2 focus:ring-sky-500/60"
                aria-label="Dismiss"
                on:click=move |_| toasts.dismiss(id)
            >
                "✕"
            </button>
        </div>
    }
}
