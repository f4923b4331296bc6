//! A backtest's trades, a page at a time: a ten-year run closes about a hundred.

use leptos::prelude::*;

use crate::components::data_table::{Column, DataTable};
use crate::components::form::CARD;
use crate::components::format::{change_class, price, signed, signed_percent};
use crate::wire::backtest::TradeView;

const PAGE_SIZE: usize = 20;

const TRADES_COLUMNS: &[Column] = &[
    Column::text("Entry"),
    Column::text("Exit"),
    Column::text("Side"),
    Column::number("Size"),
    Column::number("Entry price"),
    Column::number("Exit price"),
    Column::number("P&L"),
    Column::number("Return"),
];

/// Which trades page `page` shows out of `count`: `(first, end)`, end exclusive.
fn page_bounds(page: usize, count: usize) -> (usize, usize) {
    let first = (page * PAGE_SIZE).min(count);
    (first, (first + PAGE_SIZE).min(count))
}

/// Whether page `page` is the last one with trades on it (or there are none).
fn is_last_page(page: usize, count: usize) -> bool {
    (page + 1) * PAGE_SIZE >= count
}

#[component]
pub fn TradesTable(trades: Vec<TradeView>) -> impl IntoView {
    let count = trades.len();
    let page = RwSignal::new(0_usize);
    let rows = move || {
        let (first, end) = page_bounds(page.get(), count);
        trades[first..end]
            .iter()
            .map(|t| {
                view! {
                    <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="trade-row">
                        <td class="py-2 pr-4 tabular-nums">{t.entry_ts.clone()}</td>
                        <td class="py-2 pr-4 tabular-nums">{t.exit_ts.clone()}</td>
                        <td class="py-2 pr-4">{t.side.clone()}</td>
                        <td class="py-2 pr-4 text-right tabular-nums">{t.size}</td>
                        <td class="py-2 pr-4 text-right tabular-nums">{price(t.entry_price)}</td>
                        <td class="py-2 pr-4 text-right tabular-nums">{price(t.exit_price)}</td>
                        <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(t.pnl))>{signed(t.pnl)}</td>
                        <td class=format!("py-2 pr-4 text-right tabular-nums {}", change_class(t.return_pct))>{signed_percent(t.return_pct)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let position = move || {
        let (first, end) = page_bounds(page.get(), count);
        if count == 0 {
            "No trades".to_string()
        } else {
            format!("Trades {}–{} of {count}", first + 1, end)
        }
    };
    let button = "rounded-md border border-slate-300 px-3 py-1 text-sm disabled:opacity-40 dark:border-slate-700";
    view! {
        <div class=format!("mt-4 overflow-x-auto {CARD}")>
            <DataTable columns=TRADES_COLUMNS testid="trades">
                <tbody>{rows}</tbody>
            </DataTable>
            <nav class="mt-3 flex items-center gap-3" aria-label="Trades pages">
                <button type="button" class=button disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                <span class="text-sm tabular-nums" data-testid="trades-page">{position}</span>
                <button type="button" class=button disabled=move || is_last_page(page.get(), count)
                    on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
            </nav>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_twenty_trades_and_the_last_the_rest() {
        assert_eq!(page_bounds(0, 57), (0, 20));
        assert_eq!(page_bounds(2, 57), (40, 57));
        assert!(!is_last_page(1, 57) && is_last_page(2, 57));
        assert!(is_last_page(0, 0) && page_bounds(0, 0) == (0, 0));
        assert!(!is_last_page(0, 40) && is_last_page(1, 40));
    }
}
