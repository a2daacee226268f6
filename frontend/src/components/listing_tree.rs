//! A listing as a table-shaped tree: directories open and close, a filter narrows it (one
//! rule in a layer and the merged filesystem, see `name_filter`), and it sorts by name or
//! size. Every choice lives in the URL (replaced, not pushed), so Back and a shared link
//! restore it. Only expanded directories are walked, and only the rows on screen reach the
//! DOM (`virtual_list`), with the page's scrollbar as long as all of them: 100,000 entries
//! stay fluid, and a keystroke filters them without redrawing a row off screen.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::listing_row::{ListingRow, RowContext};
use crate::components::listing_toolbar::{ListingToolbar, Toolbar};
use crate::components::virtual_list::{VirtualOptions, VirtualRows};
use crate::layer_links::{Source, Subject};
use crate::listing_stream::{Listing, Outcome};
use crate::name_filter::NameFilter;
use crate::tree::{Flatten, SortOrder};
use crate::view_state::ViewState;

/// A row's height before one is measured (px): one line, a 24 px toggle and padding.
const ROW_ESTIMATE: f64 = 31.0;

#[component]
pub fn ListingTree(subject: Subject, listing: Listing) -> impl IntoView {
    let merged = subject.source == Source::Merged;
    let tree = listing.tree;
    let view = ViewState::get();
    let state = Memo::new(move |_| view.query.with(|q| q.listing.clone()));
    // The box answers each key at once; the URL follows (replaced, so Back is not spammed).
    let filter_text = RwSignal::new(view.query.with_untracked(|q| q.filter.clone()));
    let filter = Memo::new(move |_| NameFilter::parse(&filter_text.get()));
    let focus = RwSignal::new(None::<String>);
    let matches = Memo::new(move |_| {
        let (filter, show_hidden) = (filter.get(), state.with(|s| s.show_hidden));
        filter.is_active().then(|| {
            tree.with(|t| {
                t.matching(show_hidden, |n| {
                    filter.matches_keyed(&n.path, n.lower_path())
                })
            })
        })
    });
    let rows = Memo::new(move |_| {
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
                        include: m.as_ref(),
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
    let (origin, body) = (NodeRef::new(), NodeRef::new());
    let window = VirtualRows::new(VirtualOptions {
        origin,
        rows: body,
        len: Signal::derive(move || rows.with(Vec::len)),
        estimate: ROW_ESTIMATE,
        columns: None,
    });
    Effect::new(move |_| {
        rows.track();
        window.rows_changed();
    });
    let span = window.span;
    let visible = move || {
        let span = span.get();
        rows.with(|r| r[span.start.min(r.len())..span.end.min(r.len())].to_vec())
    };
    let columns = if merged { 6 } else { 5 };
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
                    <tbody node_ref=body>
                        <tr class="v-spacer" aria-hidden="true" node_ref=origin style:height=move || format!("{}px", span.get().before)>
                            <td colspan=columns></td>
                        </tr>
                        <For each=visible key=|row| row.clone() let:row>
                            <ListingRow row context=context.clone() />
                        </For>
                        <tr class="v-spacer" aria-hidden="true" style:height=move || format!("{}px", span.get().after)>
                            <td colspan=columns></td>
                        </tr>
                    </tbody>
                </table>
            </div>
            {move || empty().map(|text| view! { <p class="muted empty-note">{text}</p> })}
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
