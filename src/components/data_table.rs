//! A table of rows under a header, as every listing page draws one (users, routes,
//! errors, trades, signals). The rows are the caller's `<tbody>`.

use leptos::prelude::*;

/// One column heading: text columns read left to right, numbers line up on the right;
/// a hidden heading is read only by screen readers (an actions column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub label: &'static str,
    pub numeric: bool,
    pub hidden: bool,
}

impl Column {
    pub const fn text(label: &'static str) -> Column {
        Column {
            label,
            numeric: false,
            hidden: false,
        }
    }

    pub const fn number(label: &'static str) -> Column {
        Column {
            label,
            numeric: true,
            hidden: false,
        }
    }

    pub const fn hidden(label: &'static str) -> Column {
        Column {
            label,
            numeric: false,
            hidden: true,
        }
    }
}

/// The heading cell's classes: spacing between columns (not after the last), numbers
/// aligned right.
pub fn heading_class(column: Column, last: bool) -> &'static str {
    match (column.numeric, last) {
        (false, false) => "py-2 pr-4",
        (false, true) => "py-2",
        (true, false) => "py-2 pr-4 text-right",
        (true, true) => "py-2 text-right",
    }
}

#[component]
pub fn DataTable(
    columns: &'static [Column],
    /// `data-testid` of the table, for tests.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// The `<tbody>` with the rows.
    children: Children,
) -> impl IntoView {
    let headings = columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let class = heading_class(*column, i + 1 == columns.len());
            if column.hidden {
                view! { <th scope="col" class=class><span class="sr-only">{column.label}</span></th> }
                    .into_any()
            } else {
                view! { <th scope="col" class=class>{column.label}</th> }.into_any()
            }
        })
        .collect_view();
    view! {
        <table class="w-full text-left text-sm tabular-nums" data-testid=testid>
            <thead class="text-xs uppercase text-slate-500">
                <tr>{headings}</tr>
            </thead>
            {children()}
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_align_right_and_the_last_column_has_no_gap_after_it() {
        assert_eq!(heading_class(Column::text("Email"), false), "py-2 pr-4");
        assert_eq!(
            heading_class(Column::number("p99"), false),
            "py-2 pr-4 text-right"
        );
        assert_eq!(
            heading_class(Column::number("5xx"), true),
            "py-2 text-right"
        );
        assert_eq!(heading_class(Column::hidden("Actions"), true), "py-2");
    }
}
