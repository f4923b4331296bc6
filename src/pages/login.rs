//! `/login`: email and password. A plain form: it works without JavaScript, and
//! every failure shows its catalog code (and, when locked, until when).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::components::auth::{use_auth, ErrorNotice};
use crate::components::form::{field_class, SubmitButton, FORM_CARD};

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    use_auth().refresh_after(action.version());
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || action.value().get().and_then(Result::err);
    let remembered_email = move || error().and_then(|e| e.detail("email")).unwrap_or_default();

    view! {
        <Title text="Log in"/>
        <section class=FORM_CARD>
            <h1 class="text-2xl font-semibold tracking-tight">"Log in"</h1>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "No account yet? "
                <a href="/register" class="font-medium text-sky-700 underline dark:text-sky-400">"Sign up"</a>
            </p>
            <div class="mt-4">{move || error().map(|error| view! { <ErrorNotice error/> })}</div>
            <ActionForm action attr:class="mt-4 flex flex-col gap-4" attr:data-testid="login-form">
                <input type="hidden" name="next" value=next/>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Email"
                    <input
                        type="email"
                        name="email"
                        required
                        autocomplete="email"
                        value=remembered_email
                        class=field_class()
                    />
                </label>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Password"
                    <input
                        type="password"
                        name="password"
                        required
                        autocomplete="current-password"
                        class=field_class()
                    />
                </label>
                <SubmitButton label="Log in" busy_label="Logging in…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}
