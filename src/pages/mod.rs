//! One module per page.

/// Declares `$route`: `$page` as a lazily loaded route, whose code is its own
/// WebAssembly chunk (`cargo leptos build --split`), fetched when first shown.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        #[doc = concat!("`", stringify!($page), "` as a lazily loaded route.")]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                leptos::prelude::IntoAny::into_any(leptos::prelude::view! { <$page/> })
            }
        }
    };
}
pub(crate) use lazy_page;

pub mod account;
pub mod admin;
pub mod backtest;
pub mod dashboard;
pub mod home;
pub mod login;
pub mod markets;
pub mod not_found;
pub mod register;
pub mod screener;
pub mod signals;
pub mod sonar;
