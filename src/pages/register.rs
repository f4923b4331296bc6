//! `/register`: create an account. The password rules are listed up front and,
//! with JavaScript, ticked off while typing; without it the server's answer lists
//! every rule that failed. Works as a plain form.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::auth::{use_auth, AuthCard};
use crate::components::form::{field_class, FormField, SubmitButton};
use crate::domain::password_policy::{failed_rules_for_local_part, PasswordRule};
use crate::server_fns::auth::Register;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    use_auth().refresh_after(action.version());
    let error = move || action.value().get().and_then(Result::err);
    let remembered_email = move || error().and_then(|e| e.detail("email")).unwrap_or_default();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failed = Memo::new(move |_| {
        let email = email.get().trim().to_lowercase();
        let local = email.split('@').next().unwrap_or_default().to_string();
        failed_rules_for_local_part(&password.get(), &local)
    });

    view! {
        <Title text="Sign up"/>
        <AuthCard title="Create your account" prompt="Already registered? " link_href="/login" link_text="Log in" error=Signal::derive(error)>
            <ActionForm action attr:class="mt-4 flex flex-col gap-4" attr:data-testid="register-form">
                <FormField label="Email">
                    <input
                        type="email"
                        name="email"
                        required
                        autocomplete="email"
                        value=remembered_email
                        on:input=move |ev| email.set(event_target_value(&ev))
                        class=field_class()
                    />
                </FormField>
                <FormField label="Password">
                    <input
                        type="password"
                        name="password"
                        required
                        autocomplete="new-password"
                        aria-describedby="password-rules"
                        on:input=move |ev| password.set(event_target_value(&ev))
                        class=field_class()
                    />
                </FormField>
                <ul id="password-rules" class="flex flex-col gap-1 text-sm" data-testid="password-rules">
                    {PasswordRule::ALL
                        .into_iter()
                        .map(|rule| {
                            let met = move || !password.get().is_empty() && !failed.get().contains(&rule);
                            view! {
                                <li
                                    data-rule=format!("{rule:?}")
                                    data-met=move || met().to_string()
                                    class=move || if met() {
                                        "text-emerald-700 dark:text-emerald-400"
                                    } else {
                                        "text-slate-600 dark:text-slate-400"
                                    }
                                >
                                    <span aria-hidden="true">{move || if met() { "✓ " } else { "• " }}</span>
                                    {rule.description()}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <SubmitButton label="Create account" busy_label="Creating…" pending=action.pending()/>
            </ActionForm>
        </AuthCard>
    }
}
