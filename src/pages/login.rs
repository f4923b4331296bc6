//! `/login`: email and password. A plain form: it works without JavaScript, and
//! every failure shows its catalog code (and, when locked, until when).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::auth::{use_auth, AuthCard};
use crate::components::form::{field_class, FormField, SubmitButton};
use crate::server_fns::auth::Login;

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
        <AuthCard title="Log in" prompt="No account yet? " link_href="/register" link_text="Sign up" error=Signal::derive(error)>
            <ActionForm action attr:class="mt-4 flex flex-col gap-4" attr:data-testid="login-form">
                <input type="hidden" name="next" value=next/>
                <FormField label="Email">
                    <input
                        type="email"
                        name="email"
                        required
                        autocomplete="email"
                        value=remembered_email
                        class=field_class()
                    />
                </FormField>
                <FormField label="Password">
                    <input
                        type="password"
                        name="password"
                        required
                        autocomplete="current-password"
                        class=field_class()
                    />
                </FormField>
                <SubmitButton label="Log in" busy_label="Logging in…" pending=action.pending()/>
            </ActionForm>
        </AuthCard>
    }
}
