//! A listing as a table-shaped tree: directories open and close, a filter narrows it (by name
//! in a layer; by full path, as a flat result list, in the merged filesystem), and it sorts by
//! name or size. Only expanded directories are walked and only a window of rows reaches the
//! DOM, so 30,000 entries stay fluid.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::components::listing_row::{ListingRow, RowContext};
use crate::format::group_thousands;
use crate::layer_links::Source;
use crate::name_filter::NameFilter;
use crate::pages::listing_page::{Listing, Outcome};
use crate::tree::{Flatten, ROOT, SortOrder};

/// Rows rendered at first, and added by each "Show more".
const WINDOW: usize = 500;

#[component]
pub fn ListingTree(image: String, source: Source, listing: Listing) -> impl IntoView {
    let merged = source == Source::Merged;
    let tree = listing.tree;
    let filter_text = RwSignal::new(String::new());
    let filter = Memo::new(move |_| NameFilter::parse(&filter_text.get()));
    let sort = RwSignal::new(SortOrder::Name);
    let show_hidden = RwSignal::new(false);
    let expanded = RwSignal::new(HashSet::new());
    let limit = RwSignal::new(WINDOW);
    let searching = Memo::new(move |_| merged && filter.with(NameFilter::is_active));
    let rows = Memo::new(move |_| {
        let (filter, sort, show_hidden, limit) =
            (filter.get(), sort.get(), show_hidden.get(), limit.get());
        tree.with(|tree| {
            if searching.get() {
                return tree.find(show_hidden, sort, limit, |n| filter.matches(&n.path));
            }
            let include = filter
                .is_active()
                .then(|| tree.matching(show_hidden, |n| filter.matches(&n.name)));
            expanded.with(|expanded| {
                tree.flatten(&Flatten {
                    sort,
                    show_hidden,
                    expanded,
                    include: include.as_ref(),
                    limit,
                })
            })
        })
    });
    let visible = move || rows.with(|r| r.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let more = move || rows.with(Vec::len) > limit.get();
    let context = RowContext {
        image,
        source,
        tree,
        layers: listing.layers,
        expanded,
    };
    let placeholder = if merged {
        "Search paths: nginx or *.conf"
    } else {
        "Filter names: passwd or *.so*"
    };
    let empty = move || {
        let done = listing
            .outcome
            .with(|o| matches!(o, Some(Outcome::Done(_))));
        match (
            rows.with(Vec::is_empty),
            filter.with(NameFilter::is_active),
            done,
        ) {
            (false, _, _) => None,
            (true, true, _) => Some("Nothing matches the filter."),
            (true, false, true) => Some(if merged {
                "The filesystem is empty."
            } else {
                "This layer is empty."
            }),
            (true, false, false) => None,
        }
    };
    view! {
        <section class="card listing-card">
            <div class="tag-tools listing-tools">
                <p class="tag-count">
                    // What the tree shows: deleted and overwritten entries are counted apart.
                    <strong data-testid="entry-count">{move || group_thousands(tree.with(|t| t.node(ROOT).visible))}</strong>
                    " paths"
                    {move || {
                        let hidden = listing.entries.get().saturating_sub(tree.with(|t| t.node(ROOT).visible));
                        (merged && hidden > 0).then(|| format!(" (+{} deleted or overwritten)", group_thousands(hidden)))
                    }}
                </p>
                <label class="filter">
                    <span class="visually-hidden">{placeholder}</span>
                    <input
                        type="search"
                        data-testid="listing-filter"
                        placeholder=placeholder
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || filter_text.get()
                        on:input=move |ev| {
                            filter_text.set(event_target_value(&ev));
                            limit.set(WINDOW);
                        }
                    />
                </label>
                <label class="order">
                    "Sort "
                    <select on:change=move |ev| sort.set(if event_target_value(&ev) == "size" { SortOrder::Size } else { SortOrder::Name })>
                        <option value="name">"by name"</option>
                        <option value="size">"by size"</option>
                    </select>
                </label>
                <span class="button-group">
                    <button type="button" data-testid="expand-all" disabled=move || searching.get()
                        on:click=move |_| expanded.set(tree.with_untracked(|t| t.directories()))>"Expand all"</button>
                    <button type="button" data-testid="collapse-all" disabled=move || searching.get()
                        on:click=move |_| { expanded.set(HashSet::new()); limit.set(WINDOW); }>"Collapse all"</button>
                </span>
                {merged.then(|| view! {
                    <label class="toggle">
                        <input type="checkbox" data-testid="show-hidden"
                            prop:checked=move || show_hidden.get()
                            on:change=move |ev| show_hidden.set(event_target_checked(&ev)) />
                        " Show deleted and overwritten"
                    </label>
                })}
            </div>
            {move || searching.get().then(|| view! {
                <p class="muted small">"Search results across the whole filesystem, by full path."</p>
            })}
            <div class="table-wrap">
                <table class="listing" data-testid="listing-table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col" class="num">"Size"</th>
                            <th scope="col">"Mode"</th>
                            <th scope="col">"Owner"</th>
                            <th scope="col">"Modified"</th>
                            {merged.then(|| view! { <th scope="col">"Layer"</th> })}
                            <th scope="col">"Link target"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=visible key=|row| row.clone() let:row>
                            <ListingRow row context=context.clone() />
                        </For>
                    </tbody>
                </table>
            </div>
            {move || empty().map(|text| view! { <p class="muted empty-note">{text}</p> })}
            <Show when=more>
                <button type="button" class="show-more" on:click=move |_| limit.update(|l| *l += WINDOW * 4)>
                    "Show more rows"
                </button>
            </Show>
        </section>
    }
}
