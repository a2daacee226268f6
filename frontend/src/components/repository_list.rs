//! The repositories of a registry or a Docker Hub namespace: filterable (the tag list's
//! rule: substring, or a glob with `*`/`?`), each linking to its tag list, rendered a window
//! at a time. From the Hub API a table (description, stars, pulls, last updated, private);
//! from a catalog, names only, as a grid.

use lading_shared::Repository;
use lading_shared::api::CatalogEntry;
use leptos::prelude::*;

use crate::components::count_filter::{CountAndFilter, Noun, ShowMore};
use crate::components::link::Link;
use crate::format::{format_created, group_thousands};
use crate::links::repo_href;
use crate::tag_order::TextFilter;
use crate::view_state::ViewState;
use crate::when::{compact_count, epoch_ms, now_ms, relative};

/// Repositories rendered at first, and added by each "Show more".
const WINDOW: usize = 300;

/// One entry, with its tag-list link when the name is a valid repository.
#[derive(Clone)]
struct Row {
    entry: CatalogEntry,
    href: Option<String>,
}

#[component]
pub fn RepositoryList(
    registry: String,
    repositories: Vec<CatalogEntry>,
    /// Docker Hub's API answered: there are descriptions and counts to show.
    hub: bool,
) -> impl IntoView {
    let total = repositories.len();
    let rows: Vec<Row> = repositories
        .into_iter()
        .map(|entry| {
            let href = Repository::parse(&format!("{registry}/{}", entry.name))
                .ok()
                .map(|r| repo_href(&r));
            Row { entry, href }
        })
        .collect();
    let rows = StoredValue::new(rows);
    let view = ViewState::get();
    let filter = RwSignal::new(view.query.with_untracked(|q| q.filter.clone()));
    let limit = RwSignal::new(WINDOW);
    let matching = Memo::new(move |_| {
        let rule = TextFilter::new(&filter.get());
        rows.with_value(|rows| {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| rule.matches(&r.entry.name))
                .map(|(i, _)| i)
                .collect::<Vec<usize>>()
        })
    });
    let visible = move || {
        let shown = matching.with(|m| m.iter().take(limit.get()).copied().collect::<Vec<_>>());
        rows.with_value(|rows| {
            shown
                .into_iter()
                .map(|i| rows[i].clone())
                .collect::<Vec<_>>()
        })
    };
    let hidden = move || matching.with(Vec::len).saturating_sub(limit.get());
    let now = now_ms();
    let list = match hub {
        true => view! {
            <div class="table-wrap">
                <table class="repo-table stack" data-testid="repository-list">
                    <thead>
                        <tr>
                            <th scope="col">"Repository"</th>
                            <th scope="col">"Description"</th>
                            <th scope="col" class="num">"Stars"</th>
                            <th scope="col" class="num">"Pulls"</th>
                            <th scope="col">"Last updated"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=visible key=|row| row.entry.name.clone() let:row>
                            <HubRow row now />
                        </For>
                    </tbody>
                </table>
            </div>
        }
        .into_any(),
        false => view! {
            <ul class="tag-list repo-list" data-testid="repository-list">
                <For each=visible key=|row| row.entry.name.clone() let:row>
                    <li data-testid="repository-item">{name_link(&row)}</li>
                </For>
            </ul>
        }
        .into_any(),
    };
    view! {
        <div class="tag-tools">
            <CountAndFilter noun=Noun { one: "repository", many: "repositories", id: "repository" } total shown=Signal::derive(move || matching.with(Vec::len)) filter limit window=WINDOW />
        </div>
        {list}
        <Show when=move || matching.with(Vec::is_empty)>
            <p class="muted">{move || if total == 0 { "No repositories to show." } else { "No repository matches the filter." }}</p>
        </Show>
        <ShowMore hidden=Signal::derive(hidden) limit window=WINDOW />
    }
}

/// The name, linked to its tag list; a name that is no valid repository stays text.
fn name_link(row: &Row) -> AnyView {
    let name = row.entry.name.clone();
    match row.href.clone() {
        Some(href) => view! { <Link href testid="repository-link">{name}</Link> }.into_any(),
        None => view! {
            <span class="mono" title="Not a valid repository name">{name}</span>
        }
        .into_any(),
    }
}

#[component]
fn HubRow(row: Row, now: i64) -> impl IntoView {
    let entry = &row.entry;
    let private = entry.private == Some(true);
    let count = |n: Option<u64>| {
        match n {
        Some(n) => view! { <span title=group_thousands(usize::try_from(n).unwrap_or(usize::MAX))>{compact_count(n)}</span> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
    };
    let updated = match entry.last_updated.clone() {
        Some(when) => {
            let exact = format_created(&when);
            let text = epoch_ms(&when).map_or_else(|| exact.clone(), |ms| relative(ms, now));
            view! { <time datetime=when.clone() title=exact data-testid="repository-updated">{text}</time> }
                .into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let description = entry.description.clone().filter(|d| !d.trim().is_empty());
    let no_description = description.is_none();
    view! {
        <tr data-testid="repository-item">
            <td data-label="Repository" class="repo-name">
                {name_link(&row)}
                {private.then(|| view! { " " <span class="badge badge-tag" data-testid="private-badge">"private"</span> })}
            </td>
            <td data-label="Description" class="repo-description" class:none=no_description>
                {match description {
                    Some(d) => view! { <span>{d}</span> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td data-label="Stars" class="num">{count(entry.stars)}</td>
            <td data-label="Pulls" class="num" data-testid="repository-pulls">{count(entry.pulls)}</td>
            <td data-label="Last updated">{updated}</td>
        </tr>
    }
}
