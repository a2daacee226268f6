//! A listing as a table-shaped tree: directories open and close, a filter narrows it (one
//! rule in a layer and the merged filesystem, see `name_filter`), and it sorts by name or
//! size. Every choice lives in the URL (replaced, not pushed), so Back and a shared link
//! restore it. Only expanded directories are walked and only a window of rows reaches the
//! DOM, so 30,000 entries stay fluid.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::listing_row::{ListingRow, RowContext};
use crate::components::listing_toolbar::{ListingToolbar, Toolbar};
use crate::layer_links::{Source, Subject};
use crate::listing_stream::{Listing, Outcome};
use crate::name_filter::NameFilter;
use crate::tree::{Flatten, SortOrder};
use crate::view_state::ViewState;

/// Rows rendered at first, and added by each "Show more".
const WINDOW: usize = 500;

#[component]
pub fn ListingTree(subject: Subject, listing: Listing) -> impl IntoView {
    let merged = subject.source == Source::Merged;
    let tree = listing.tree;
    let view = ViewState::get();
    let state = Memo::new(move |_| view.query.with(|q| q.listing.clone()));
    // The box answers each key at once; the URL follows (replaced, so Back is not spammed).
    let filter_text = RwSignal::new(view.query.with_untracked(|q| q.filter.clone()));
    let filter = Memo::new(move |_| NameFilter::parse(&filter_text.get()));
    let limit = RwSignal::new(WINDOW);
    let focus = RwSignal::new(None::<String>);
    let matches = Memo::new(move |_| {
        let (filter, show_hidden) = (filter.get(), state.with(|s| s.show_hidden));
        filter
            .is_active()
            .then(|| tree.with(|t| t.matching(show_hidden, |n| filter.matches(&n.path))))
    });
    let rows = Memo::new(move |_| {
        let limit = limit.get();
        state.with(|state| {
            let sort = if state.by_size {
                SortOrder::Size
            } else {
                SortOrder::Name
            };
            let expanded = |path: &str| state.is_open(path);
            matches.with(|m| {
                tree.with(|tree| {
                    tree.flatten(&Flatten {
                        sort,
                        show_hidden: state.show_hidden,
                        expanded: &expanded,
                        include: m.as_ref().map(|m| &m.include),
                        limit,
                    })
                })
            })
        })
    });
    // A toggled folder's row is redrawn; give its button the focus back.
    Effect::new(move |_| {
        rows.track();
        if let Some(Some(path)) = focus.try_update_untracked(Option::take) {
            request_animation_frame(move || focus_toggle(&path));
        }
    });
    let visible = move || rows.with(|r| r.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let more = move || rows.with(Vec::len) > limit.get();
    let context = RowContext {
        subject,
        tree,
        layers: listing.layers,
        on_toggle: Callback::new(move |(path, open): (String, Option<bool>)| {
            let is_open = state.with_untracked(|s| s.is_open(&path));
            if open.is_none_or(|want| want != is_open) {
                focus.set(Some(path.clone()));
                view.update(|q| q.listing.toggle(&path));
            }
        }),
    };
    let toolbar = Toolbar {
        merged,
        listing,
        state,
        filter_text,
        matches,
        on_filter: Callback::new(move |text: String| {
            filter_text.set(text.clone());
            limit.set(WINDOW);
            view.update(|q| q.filter = text);
        }),
    };
    let empty = move || {
        if !rows.with(Vec::is_empty) {
            return None;
        }
        if filter.with(NameFilter::is_active) {
            return Some("Nothing matches the filter.");
        }
        listing.outcome.with(|o| match o {
            Some(Outcome::Done(_)) if merged => Some("The filesystem is empty."),
            Some(Outcome::Done(_)) => Some("This layer is empty."),
            Some(Outcome::Cancelled { .. }) => Some("Nothing was listed before it was cancelled."),
            _ => None,
        })
    };
    view! {
        <section class="card listing-card">
            <ListingToolbar toolbar />
            <div class="table-wrap">
                <table class="listing" data-testid="listing-table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col" class="num">"Size"</th>
                            <th scope="col" class="col-mode">"Mode"</th>
                            <th scope="col" class="col-owner">"Owner"</th>
                            <th scope="col" class="col-modified">"Modified"</th>
                            {merged.then(|| view! { <th scope="col">"Layer"</th> })}
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

/// Focuses the folder toggle of `path` (compared as an attribute: no selector escaping).
fn focus_toggle(path: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(toggles) = document.query_selector_all("[data-testid=dir-toggle]") else {
        return;
    };
    for i in 0..toggles.length() {
        let Some(element) = toggles
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        if element.get_attribute("data-path").as_deref() == Some(path) {
            let _ = element.focus();
            return;
        }
    }
}
