//! The tools above a listing: how many paths (and, filtered, how many match), the filter
//! box, sort, expand and collapse all, and in the merged filesystem "show deleted and
//! overwritten". The set-up is written to the URL through `ViewState`.

use leptos::prelude::*;

use crate::format::group_thousands;
use crate::listing_stream::Listing;
use crate::tree::{Matches, ROOT};
use crate::view_query::ListingState;
use crate::view_state::ViewState;

/// What the toolbar reads and changes.
#[derive(Clone, Copy)]
pub struct Toolbar {
    pub merged: bool,
    pub listing: Listing,
    pub state: Memo<ListingState>,
    pub filter_text: RwSignal<String>,
    pub matches: Memo<Option<Matches>>,
    pub on_filter: Callback<String>,
}

#[component]
pub fn ListingToolbar(toolbar: Toolbar) -> impl IntoView {
    let Toolbar {
        merged,
        listing,
        state,
        filter_text,
        matches,
        on_filter,
    } = toolbar;
    let view = ViewState::get();
    let tree = listing.tree;
    let show_hidden = move || state.with(|s| s.show_hidden);
    let visible = move || tree.with(|t| t.node(ROOT).visible);
    // What the tree shows: deleted and overwritten entries are counted apart.
    let total = move || {
        if show_hidden() {
            listing.entries.get()
        } else {
            visible()
        }
    };
    let count = move || match matches.with(|m| m.as_ref().map(|m| m.count)) {
        Some(found) => view! {
            <strong data-testid="match-count">{group_thousands(found)}</strong>
            {format!(" of {} entries match", group_thousands(total()))}
        }
        .into_any(),
        None => {
            let hidden = listing.entries.get().saturating_sub(visible());
            view! {
                <strong data-testid="entry-count">{group_thousands(visible())}</strong>
                " paths"
                {(merged && hidden > 0).then(|| format!(" (+{} deleted or overwritten)", group_thousands(hidden)))}
            }
            .into_any()
        }
    };
    let placeholder = "Filter: name, *.so, or a path with /";
    view! {
        <div class="tag-tools listing-tools">
            <p class="tag-count" aria-live="polite">{count}</p>
            <label class="filter">
                <span class="visually-hidden">{placeholder}</span>
                <input
                    type="search"
                    data-testid="listing-filter"
                    placeholder=placeholder
                    title="Matches names; a pattern with / matches full paths. * and ? are wildcards."
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || filter_text.get()
                    on:input=move |ev| on_filter.run(event_target_value(&ev))
                />
            </label>
            <label class="order">
                "Sort "
                <select data-testid="listing-sort"
                    on:change=move |ev| {
                        let by_size = event_target_value(&ev) == "size";
                        view.update(|q| q.listing.by_size = by_size);
                    }>
                    <option value="name" selected=move || !state.with(|s| s.by_size)>"by name"</option>
                    <option value="size" selected=move || state.with(|s| s.by_size)>"by size"</option>
                </select>
            </label>
            <span class="button-group">
                <button type="button" data-testid="expand-all"
                    on:click=move |_| view.update(|q| q.listing.expand_all())>"Expand all"</button>
                <button type="button" data-testid="collapse-all"
                    on:click=move |_| view.update(|q| q.listing.collapse_all())>"Collapse all"</button>
            </span>
            {merged.then(|| view! {
                <label class="toggle">
                    <input type="checkbox" data-testid="show-hidden"
                        prop:checked=show_hidden
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            view.update(|q| q.listing.show_hidden = on);
                        } />
                    " Show deleted and overwritten"
                </label>
            })}
        </div>
    }
}
