//! One figure with its label, in a card: the admin summary's metrics and a
//! backtest's headline statistics. Sits inside a `<dl>`.

use leptos::prelude::*;

use super::form::CARD;

#[component]
pub fn StatCard(
    #[prop(into)] label: String,
    #[prop(into)] value: String,
    /// Extra classes of the figure (a colour for gains and losses).
    #[prop(optional)]
    value_class: &'static str,
    /// `data-testid` of the card.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// `data-testid` of the figure.
    #[prop(optional, into)]
    value_testid: Option<String>,
) -> impl IntoView {
    view! {
        <div class=CARD data-testid=testid>
            <dt class="text-xs uppercase text-slate-500">{label}</dt>
            <dd class=format!("mt-1 text-xl font-semibold tabular-nums {value_class}") data-testid=value_testid>
                {value}
            </dd>
        </div>
    }
}
