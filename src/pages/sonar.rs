//! `/sonar` (administrators only): search identifiers or words and read the ranked
//! context exactly as `GET /sonar/context` returns it, with its token count; browse a
//! file's definitions, dependencies and dependents; list secret findings; see the
//! index's size and most coupled files, and start a re-index. Searches and file
//! browsing are GET forms and links, so the URL holds the view and it works without
//! JavaScript.

use crate::components::data_table::{Column, DataTable};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, Redirect, A};
use leptos_router::hooks::use_query_map;

use crate::components::auth::ErrorNotice;
use crate::components::form::{field_class, FormField, CARD, SMALL_BUTTON};
use crate::components::toast::toast_outcomes;
use crate::domain::query_string::query_string;
use crate::server_fns::sonar::{sonar_page_data, SonarStartIndex};
use crate::wire::sonar::{
    ContextResponse, FileContext, FileNeighbour, IndexRun, SecurityReport, SonarMetrics,
    SonarOverview,
};

/// How often the page looks at a running index run.
#[cfg(feature = "hydrate")]
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

super::lazy_page!(SonarRoute, SonarPage);

const SONAR_FINDINGS_COLUMNS: &[Column] = &[
    Column::text("Rule"),
    Column::text("File"),
    Column::number("Line"),
    Column::text("Match"),
];
const SONAR_COMPLEXITY_COLUMNS: &[Column] = &[
    Column::text("File"),
    Column::number("Lines"),
    Column::number("Definitions"),
    Column::number("Fan-in"),
    Column::number("Fan-out"),
];

#[component]
pub fn SonarPage() -> impl IntoView {
    let query_map = use_query_map();
    let param = move |name: &str| query_map.read().get(name).unwrap_or_default();
    let start = ServerAction::<SonarStartIndex>::new();
    toast_outcomes(start, "Index run started");
    let running = RwSignal::new(false);
    let polls = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                if running.get_untracked() {
                    polls.update(|n| *n += 1);
                }
            },
            POLL,
        )
        .ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    }
    let data = Resource::new(
        move || {
            (
                param("symbols"),
                param("query"),
                param("max_tokens"),
                param("file"),
                start.version().get(),
                polls.get(),
            )
        },
        |(symbols, query, max_tokens, file, ..)| {
            sonar_page_data(symbols, query, max_tokens.trim().parse().ok(), file)
        },
    );
    view! {
        <Title text="SONAR"/>
        <h1 class="text-2xl font-semibold tracking-tight">"SONAR"</h1>
        <p class="mt-1 text-sm text-slate-500">"The code index: ranked context for assistants, file neighbours and secrets."</p>
        {move || start.value().get().and_then(Result::err).map(|error| view! { <div class="mt-4"><ErrorNotice error/></div> })}
        <Transition fallback=|| view! { <div class="mt-6 h-40 animate-pulse rounded-xl bg-slate-200 dark:bg-slate-800" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(page)) => {
                        running.set(page.run.as_ref().is_some_and(|r| r.state == "running"));
                        view! { <Overview page symbols=param("symbols") query=param("query") max_tokens=param("max_tokens") start/> }.into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login?next=/sonar"/> }.into_any(),
                    Err(error) => view! { <div class="mt-6"><ErrorNotice error/></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(
    page: SonarOverview,
    symbols: String,
    query: String,
    max_tokens: String,
    start: ServerAction<SonarStartIndex>,
) -> impl IntoView {
    let SonarOverview {
        metrics,
        context,
        file,
        file_missing,
        security,
        run,
    } = page;
    let complexity = metrics.complexity.clone();
    view! {
        <IndexSummary metrics run start/>
        <section class=format!("mt-6 {CARD}") aria-labelledby="context-heading">
            <h2 id="context-heading" class="font-semibold">"Context"</h2>
            <Form method="GET" action="/sonar" attr:class="mt-3 flex flex-wrap items-end gap-3" attr:role="search">
                <FormField label="Identifiers (comma-separated)">
                    <input type="search" name="symbols" value=symbols placeholder="SignalService, rank" class=field_class() data-testid="sonar-symbols"/>
                </FormField>
                <FormField label="Words">
                    <input type="search" name="query" value=query placeholder="rate limit redis" class=field_class() data-testid="sonar-query"/>
                </FormField>
                <FormField label="Token budget">
                    <input type="number" name="max_tokens" min="1" max="100000" value=max_tokens placeholder="8000" class=format!("w-28 {}", field_class())/>
                </FormField>
                <button type="submit" class=SMALL_BUTTON>"Search"</button>
            </Form>
            {context.map(|context| view! { <ContextResults context/> })}
        </section>
        {file.map(|file| view! { <FileNeighbours file/> })}
        {file_missing.then(|| view! {
            <p class=format!("mt-6 {CARD} text-sm") data-testid="sonar-file-missing">"That file is not in the index."</p>
        })}
        <Findings security/>
        <Complexity files=complexity/>
    }
}

#[component]
fn IndexSummary(
    metrics: SonarMetrics,
    run: Option<IndexRun>,
    start: ServerAction<SonarStartIndex>,
) -> impl IntoView {
    let last = metrics
        .last_indexed
        .clone()
        .unwrap_or_else(|| "never".into());
    let cards = vec![
        ("Files", metrics.files.to_string(), "files"),
        (
            "Definitions",
            (metrics.nodes.saturating_sub(metrics.files)).to_string(),
            "definitions",
        ),
        ("Edges", metrics.edges.to_string(), "edges"),
        ("Secrets", metrics.secrets_found.to_string(), "secrets"),
        (
            "Index run",
            format!("{} ms", metrics.index_duration_ms),
            "duration",
        ),
        ("Version", metrics.index_version.to_string(), "version"),
    ];
    let run_line = run.map(|run| match run.state.as_str() {
        "running" => format!(
            "Indexing {}: {} of {} files…",
            run.root, run.files_done, run.files_total
        ),
        "failed" => format!("The last run failed: {}", run.error.unwrap_or_default()),
        _ => match run.report {
            Some(report) => format!(
                "The last run indexed {} files ({} parsed, {} removed) in {} ms.",
                report.files, report.changed, report.removed, report.duration_ms
            ),
            None => String::new(),
        },
    });
    let edges = metrics
        .edges_by_kind
        .iter()
        .map(|k| format!("{} {}", k.count, k.kind))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="mt-4 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-500">{format!("Last indexed {last}")}</p>
            <ActionForm action=start>
                <button type="submit" class=SMALL_BUTTON data-testid="sonar-reindex">"Re-index now"</button>
            </ActionForm>
        </div>
        {run_line.map(|line| view! { <p class="mt-2 text-sm" role="status" data-testid="sonar-run">{line}</p> })}
        <dl class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="sonar-metrics">
            {cards
                .into_iter()
                .map(|(label, value, id)| view! {
                    <div class=CARD>
                        <dt class="text-xs uppercase text-slate-500">{label}</dt>
                        <dd class="mt-1 text-xl font-semibold tabular-nums" data-testid=format!("sonar-{id}")>{value}</dd>
                    </div>
                })
                .collect_view()}
        </dl>
        <p class="mt-2 text-xs text-slate-500">{edges}</p>
    }
}

fn file_link(path: &str) -> String {
    format!("/sonar?{}", query_string([("file", path)]))
}

#[component]
fn ContextResults(context: ContextResponse) -> impl IntoView {
    let ContextResponse {
        items,
        tokens_used,
        max_tokens,
        truncated,
        hint,
        ..
    } = context;
    let count = items.len();
    view! {
        <p class="mt-4 text-sm" data-testid="sonar-token-count">
            {format!("{count} items · {tokens_used} of {max_tokens} tokens{}", if truncated { " · truncated" } else { "" })}
        </p>
        {hint.map(|hint| view! { <p class="mt-2 text-sm text-amber-700 dark:text-amber-400" data-testid="sonar-hint">{hint}</p> })}
        <ol class="mt-3 flex flex-col gap-3">
            {items
                .into_iter()
                .map(|item| {
                    let href = file_link(&item.path);
                    let name = item.name.clone();
                    view! {
                        <li class="rounded-lg border border-slate-200 dark:border-slate-800" data-testid="sonar-item" data-name=name>
                            <div class="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-3 py-2 text-sm dark:border-slate-800">
                                <span>
                                    <span class="font-semibold">{item.name}</span>
                                    <span class="ml-2 text-xs uppercase text-slate-500">{item.kind}</span>
                                </span>
                                <span class="font-mono text-xs">
                                    <A href=href>{format!("{}:{}-{}", item.path, item.lines[0], item.lines[1])}</A>
                                    <span class="ml-2 text-slate-500">{format!("score {:.4}", item.score)}</span>
                                </span>
                            </div>
                            <pre class="overflow-x-auto px-3 py-2 text-xs leading-relaxed"><code>{item.text}</code></pre>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
fn FileNeighbours(file: FileContext) -> impl IntoView {
    let FileContext {
        path,
        language,
        lines,
        definitions,
        dependencies,
        dependents,
        ..
    } = file;
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="file-heading" data-testid="sonar-file">
            <h2 id="file-heading" class="font-mono text-sm font-semibold">{path}</h2>
            <p class="mt-1 text-sm text-slate-500">{format!("{language} · {lines} lines · {} definitions", definitions.len())}</p>
            <div class="mt-3 grid gap-4 md:grid-cols-3">
                <div>
                    <h3 class="text-xs uppercase text-slate-500">"Definitions"</h3>
                    <ul class="mt-2 flex flex-col gap-1 font-mono text-xs">
                        {definitions
                            .into_iter()
                            .map(|d| view! { <li title=d.signature>{format!("{} {} ({}-{})", d.kind, d.name, d.lines[0], d.lines[1])}</li> })
                            .collect_view()}
                    </ul>
                </div>
                <NeighbourList title="Dependencies" testid="sonar-dependencies" files=dependencies/>
                <NeighbourList title="Dependents" testid="sonar-dependents" files=dependents/>
            </div>
        </section>
    }
}

#[component]
fn NeighbourList(
    title: &'static str,
    testid: &'static str,
    files: Vec<FileNeighbour>,
) -> impl IntoView {
    let empty = files.is_empty();
    view! {
        <div>
            <h3 class="text-xs uppercase text-slate-500">{title}</h3>
            <ul class="mt-2 flex flex-col gap-1 font-mono text-xs" data-testid=testid>
                {files
                    .into_iter()
                    .map(|f| {
                        let href = file_link(&f.path);
                        view! { <li><A href=href>{f.path}</A><span class="ml-2 text-slate-500">{f.via.join(", ")}</span></li> }
                    })
                    .collect_view()}
            </ul>
            {empty.then(|| view! { <p class="mt-2 text-xs text-slate-500">"None"</p> })}
        </div>
    }
}

#[component]
fn Findings(security: SecurityReport) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="findings-heading">
            <h2 id="findings-heading" class="font-semibold">{format!("Secret findings ({})", security.total)}</h2>
            <div class="mt-3 overflow-x-auto">
                <DataTable columns=SONAR_FINDINGS_COLUMNS testid="sonar-findings">
                    <tbody>
                        {security
                            .findings
                            .into_iter()
                            .map(|f| {
                                let href = file_link(&f.path);
                                view! {
                                    <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="sonar-finding">
                                        <td class="py-1.5 pr-4 font-mono text-xs">{f.rule}</td>
                                        <td class="py-1.5 pr-4 font-mono text-xs"><A href=href>{f.path}</A></td>
                                        <td class="py-1.5 pr-4 text-right tabular-nums">{f.line}</td>
                                        <td class="py-1.5 font-mono text-xs">{f.redacted}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </DataTable>
            </div>
        </section>
    }
}

#[component]
fn Complexity(files: Vec<crate::wire::sonar::FileComplexity>) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="complexity-heading">
            <h2 id="complexity-heading" class="font-semibold">"Most coupled files"</h2>
            <div class="mt-3 overflow-x-auto">
                <DataTable columns=SONAR_COMPLEXITY_COLUMNS testid="sonar-complexity">
                    <tbody>
                        {files
                            .into_iter()
                            .map(|f| {
                                let href = file_link(&f.path);
                                view! {
                                    <tr class="border-t border-slate-200 dark:border-slate-800">
                                        <td class="py-1.5 pr-4 font-mono text-xs"><A href=href>{f.path}</A></td>
                                        <td class="py-1.5 pr-4 text-right">{f.lines}</td>
                                        <td class="py-1.5 pr-4 text-right">{f.definitions}</td>
                                        <td class="py-1.5 pr-4 text-right">{f.fan_in}</td>
                                        <td class="py-1.5 text-right">{f.fan_out}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </DataTable>
            </div>
        </section>
    }
}
