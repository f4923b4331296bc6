//! The dashboard's sign-in state: the current user, shared by the top bar and the
//! pages, and the logout action. Forms that can fail (log in, register, change
//! password) create their actions inside their page, under `<Routes>`, where a
//! form posted without JavaScript finds its error in the URL.

use leptos::prelude::*;

use super::form::FORM_CARD;
use crate::server_fns::auth::{whoami, Logout};
use crate::server_fns::error::AppError;
use crate::wire::accounts::UserProfile;

#[derive(Clone, Copy)]
pub struct Auth {
    pub logout: ServerAction<Logout>,
    /// Reloads after a logout, and when a page calls [`Auth::refresh_after`].
    pub user: Resource<Result<Option<UserProfile>, AppError>>,
}

impl Auth {
    /// Reloads the current user whenever `version` (an action's run count) moves.
    pub fn refresh_after(self, version: RwSignal<usize>) {
        Effect::new(move |previous: Option<usize>| {
            let now = version.get();
            if previous.is_some_and(|previous| previous != now) {
                self.user.refetch();
            }
            now
        });
    }
}

pub fn provide_auth() {
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(move || logout.version().get(), |_| whoami());
    provide_context(Auth { logout, user });
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// An error from a form, with its catalog code, and each failed password rule.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let rules = error.failed_rules();
    let fields = error.field_errors();
    let locked_until = error.detail("locked_until");
    view! {
        <div
            role="alert"
            data-testid="form-error"
            data-code=error.code.clone()
            class="rounded-lg border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100"
        >
            <p class="font-medium">
                {error.message.clone()}
                " "
                <code class="rounded bg-rose-100 px-1 py-0.5 text-xs dark:bg-rose-900">{error.code.clone()}</code>
            </p>
            {(!rules.is_empty()).then(|| view! {
                <p class="mt-2">"The password needs:"</p>
                <ul class="mt-1 list-inside list-disc" data-testid="failed-rules">
                    {rules.into_iter().map(|rule| view! { <li>{rule}</li> }).collect_view()}
                </ul>
            })}
            {(!fields.is_empty()).then(|| view! {
                <ul class="mt-2 list-inside list-disc">
                    {fields
                        .into_iter()
                        .map(|(field, reason)| view! { <li>{field} ": " {reason}</li> })
                        .collect_view()}
                </ul>
            })}
            {locked_until.map(|until| view! {
                <p class="mt-2">"Locked until " <time datetime=until.clone()>{until.clone()}</time> "."</p>
            })}
            {error.correlation_id.clone().filter(|_| error.code == "INTERNAL_ERROR").map(|id| view! {
                <p class="mt-2 text-xs">"Reference: " <code>{id}</code></p>
            })}
        </div>
    }
}

/// A button that logs out; a real form, so it works without JavaScript too.
#[component]
pub fn LogoutButton(#[prop(optional, into)] class: String) -> impl IntoView {
    let auth = use_auth();
    view! {
        <ActionForm action=auth.logout attr:class="inline">
            <button type="submit" class=class data-testid="logout">"Log out"</button>
        </ActionForm>
    }
}

/// The card the log-in and registration forms sit in: the heading, a link to the
/// other form, the last failure, then the form itself.
#[component]
pub fn AuthCard(
    title: &'static str,
    /// The question before the link, e.g. "No account yet? ".
    prompt: &'static str,
    link_href: &'static str,
    link_text: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class=FORM_CARD>
            <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {prompt}
                <a href=link_href class="font-medium text-sky-700 underline dark:text-sky-400">{link_text}</a>
            </p>
            <div class="mt-4">{move || error.get().map(|error| view! { <ErrorNotice error/> })}</div>
            {children()}
        </section>
    }
}
