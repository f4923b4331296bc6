//! A symbol's card: last price and the day's change (live when the feed is up),
//! recent closes as a sparkline, the latest signal, demo and stale markers.

use super::{badge_class, Actions};
use leptos::prelude::*;

use crate::components::format::{change_class, percent, price, signed, signed_percent};
use crate::components::live::use_live;
use crate::components::sparkline::Sparkline;
use crate::wire::dashboard::SymbolCard;

#[component]
pub(super) fn SymbolCardView(
    card: SymbolCard,
    watchlist: String,
    actions: Actions,
) -> impl IntoView {
    let SymbolCard {
        symbol,
        last_day,
        last_price,
        change,
        change_pct,
        sparkline,
        is_stale,
        is_demo,
        latest_signal,
        error,
    } = card;
    let sparkline_label = format!("{symbol}: the last closes");
    let remove_label = format!("Remove {symbol}");
    let feed = use_live(vec![symbol.clone()]);
    let (quote, pushed_signal) = (feed.quote(&symbol), feed.signal(&symbol));
    // Live quotes move the price, the change against the last close and the
    // sparkline's newest point in place; until one arrives, the stored day shows.
    let shown_price = move || quote.with(|q| q.as_ref().map_or(last_price, |q| q.price));
    let shown_change = move || {
        quote.with(|q| {
            q.as_ref()
                .map_or((change, change_pct), |q| (q.change, q.change_pct))
        })
    };
    let closes = Signal::derive(move || {
        let mut closes = sparkline.clone();
        if let Some(live) = quote.with(|q| q.as_ref().map(|q| q.price)) {
            closes.push(live);
        }
        closes
    });
    let badge = move || {
        pushed_signal
            .get()
            .map(|s| (s.signal, s.confidence, s.model, s.ts))
            .or_else(|| {
                latest_signal
                    .clone()
                    .map(|s| (s.signal, s.confidence, s.model, s.ts))
            })
    };
    let (data_symbol, title, remove_value) = (symbol.clone(), symbol.clone(), symbol);
    view! {
        <li class="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="symbol-card" data-symbol=data_symbol>
            <div class="flex items-start justify-between gap-2">
                <div>
                    <a href=format!("/markets/{title}") class="font-semibold hover:text-sky-700 hover:underline dark:hover:text-sky-400">{title.clone()}</a>
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        {(!last_day.is_empty()).then(|| last_day.clone())}
                        {is_demo.then(|| view! { <span class="ml-1 rounded bg-amber-100 px-1 text-amber-800 dark:bg-amber-950 dark:text-amber-300">"demo"</span> })}
                        {is_stale.then(|| view! { <span class="ml-1 rounded bg-orange-100 px-1 text-orange-800 dark:bg-orange-950 dark:text-orange-300" data-testid="stale">"stale"</span> })}
                    </p>
                </div>
                {move || match badge() {
                    Some((signal, confidence, model, ts)) => view! {
                        <span
                            class=format!("badge-pop rounded-full px-2 py-0.5 text-xs font-semibold {}", badge_class(&signal))
                            data-testid="signal-badge"
                            data-signal=signal.clone()
                            title=format!("{model} model, {ts}")
                        >
                            {signal.clone()} " " {percent(confidence)}
                        </span>
                    }.into_any(),
                    None => view! {
                        <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-500 dark:bg-slate-800" data-testid="no-signal">"no signal"</span>
                    }.into_any(),
                }}
            </div>
            {match error {
                Some(reason) => view! { <p class="text-sm text-rose-700 dark:text-rose-400">{reason}</p> }.into_any(),
                None => view! {
                    <div class="flex items-baseline justify-between gap-2">
                        <span class="text-lg font-semibold tabular-nums" data-testid="last-price">{move || price(shown_price())}</span>
                        <span class=move || format!("text-sm tabular-nums {}", change_class(shown_change().0)) data-testid="price-change">
                            {move || {
                                let (change, change_pct) = shown_change();
                                format!("{} ({})", signed(change), signed_percent(change_pct))
                            }}
                        </span>
                    </div>
                    <Sparkline values=closes label=sparkline_label/>
                }.into_any(),
            }}
            <ActionForm action=actions.remove attr:class="self-end">
                <input type="hidden" name="id" value=watchlist/>
                <input type="hidden" name="symbol" value=remove_value/>
                <button type="submit" class="text-xs text-slate-500 underline hover:text-rose-700 dark:text-slate-400" aria-label=remove_label>
                    "Remove"
                </button>
            </ActionForm>
        </li>
    }
}
