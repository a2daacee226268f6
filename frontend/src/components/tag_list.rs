//! Every tag of a repository: filterable, ordered by version or otherwise, and drawn only
//! where it is on screen (`virtual_list`), so ten thousand tags stay fluid: sorting (and
//! lower-casing the filter's keys) happens once per order, a keystroke is one scan, and no
//! tag off screen is drawn again. With details from the registry, a table (`tag_table.rs`)
//! and a "recently pushed" order.

use crate::components::count_filter::{CountAndFilter, Noun};
use crate::components::link::Link;
use crate::components::supply_tags::{SupplyTags, marks, split_tags};
use crate::components::virtual_list::{VirtualOptions, VirtualRows};
use lading_shared::api::{SkippedTag, TagDetail};
use lading_shared::{Reference, Repository};
use leptos::prelude::*;

use crate::components::tag_table::{TagFacts, TagTable};
use crate::format::group_thousands;
use crate::links::image_href;
use crate::tag_order::{KeyedNames, TagOrder, sort_dated_tags};
use crate::view_state::ViewState;

/// A grid row's height before one is measured (px).
const GRID_ROW_ESTIMATE: f64 = 36.0;

/// The matching tags, in order: what the grid and the table draw a stretch of.
#[derive(Clone, Copy)]
pub struct TagRange {
    sorted: Memo<KeyedNames>,
    /// Indices into `sorted`.
    matching: Memo<Vec<usize>>,
    /// Counts the changes of order or filter: drawn rows are keyed by it too, so a new order
    /// draws new rows rather than moving the old ones (Leptos' keyed moves among the
    /// spacers' siblings left rows out of order).
    generation: Memo<u64>,
}

impl TagRange {
    pub fn len(&self) -> usize {
        self.matching.with(Vec::len)
    }

    /// The matching tags `start..end` (clamped), each with the list's generation: the key
    /// to draw it by.
    pub fn slice(&self, start: usize, end: usize) -> Vec<(u64, String)> {
        let generation = self.generation.get();
        self.matching.with(|m| {
            let (start, end) = (start.min(m.len()), end.min(m.len()));
            self.sorted.with(|s| {
                m[start..end]
                    .iter()
                    .map(|&i| (generation, s.names[i].clone()))
                    .collect()
            })
        })
    }

    /// Tracks the list itself (the filter or the order changed).
    pub fn track(&self) {
        self.generation.track();
    }
}

#[component]
pub fn TagList(
    repository: Repository,
    tags: Vec<String>,
    /// Samples of the skipped entries; `skipped_count` counts them all.
    skipped: Vec<SkippedTag>,
    skipped_count: u64,
    /// What the registry says about (some of) the tags: dates, sizes, platforms.
    #[prop(optional)]
    details: Vec<TagDetail>,
) -> impl IntoView {
    // Signature and attestation tags are not images: kept out of the list, behind a toggle.
    let (tags, paperwork) = split_tags(tags);
    let total = tags.len();
    let tags = StoredValue::new(tags);
    let table = !details.is_empty();
    let mut facts = TagFacts::new(repository.clone(), details);
    facts.marks = marks(&paperwork);
    let empty_text = match paperwork.is_empty() {
        true => "This repository has no tags.",
        false => "This repository has only signature and attestation tags.",
    };
    let supply = (!paperwork.is_empty())
        .then(|| view! { <SupplyTags repository=repository.clone() paperwork /> });
    let dates = StoredValue::new(facts.dates());
    let dated = dates.with_value(|d| !d.is_empty());
    let facts = StoredValue::new(facts);
    // Filter and order live in the URL (replaced as they change), so Back brings them back.
    let view = ViewState::get();
    let (initial_filter, initial_order) = view.query.with_untracked(|q| {
        let order = q
            .order
            .as_deref()
            .map_or(TagOrder::VersionDescending, TagOrder::from_id);
        (q.filter.clone(), order)
    });
    let order = RwSignal::new(initial_order);
    let filter = RwSignal::new(initial_filter);
    let sorted = Memo::new(move |_| {
        let order = order.get();
        KeyedNames::new(tags.with_value(|t| dates.with_value(|d| sort_dated_tags(t, order, d))))
    });
    let matching = Memo::new(move |_| sorted.with(|s| s.matching(&filter.get())));
    let generation = Memo::new(move |before: Option<&u64>| {
        sorted.track();
        matching.track();
        before.map_or(0, |g| g + 1)
    });
    let list = TagRange {
        sorted,
        matching,
        generation,
    };
    view! {
        <div class="tag-tools">
            <CountAndFilter noun=Noun { one: "tag", many: "tags", id: "tag" } total shown=Signal::derive(move || list.len()) filter />
            <label class="order">
                "Order "
                <select data-testid="tag-order" on:change=move |ev| {
                    let chosen = TagOrder::from_id(&event_target_value(&ev));
                    order.set(chosen);
                    let id = (chosen != TagOrder::VersionDescending).then(|| chosen.id().to_owned());
                    view.update(|q| q.order = id);
                }>
                    {TagOrder::ALL
                        .into_iter()
                        .filter(|o| dated || *o != TagOrder::RecentlyPushed)
                        .map(|o| view! { <option value=o.id() selected=move || order.get() == o>{o.label()}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
        {supply}
        {match table {
            true => view! { <TagTable facts list /> }.into_any(),
            false => view! { <TagGrid repository list /> }.into_any(),
        }}
        <Show when=move || list.len() == 0>
            <p class="muted">{move || if total == 0 { empty_text } else { "No tag matches the filter." }}</p>
        </Show>
        {(!skipped.is_empty()).then(|| view! { <SkippedNote skipped skipped_count /> })}
    }
}

/// Names only: a grid of links, drawn a grid row at a time (its columns counted once drawn).
#[component]
fn TagGrid(repository: Repository, list: TagRange) -> impl IntoView {
    let columns = RwSignal::new(1usize);
    let grid = NodeRef::new();
    let window = VirtualRows::new(VirtualOptions {
        origin: grid,
        rows: grid,
        len: Signal::derive(move || list.len().div_ceil(columns.get().max(1))),
        estimate: GRID_ROW_ESTIMATE,
        columns: Some(columns),
    });
    Effect::new(move |_| {
        list.track();
        window.rows_changed();
    });
    let span = window.span;
    let visible = move || {
        let (span, columns) = (span.get(), columns.get().max(1));
        list.slice(span.start * columns, span.end * columns)
    };
    let tag_href = move |tag: &str| {
        image_href(&Reference {
            registry: repository.registry.clone(),
            repository: repository.repository.clone(),
            tag: Some(tag.to_string()),
            digest: None,
        })
    };
    view! {
        <ul class="tag-list" data-testid="tag-list" node_ref=grid
            style:padding-top=move || format!("{}px", span.get().before)
            style:padding-bottom=move || format!("{}px", span.get().after)>
            <For each=visible key=|keyed| keyed.clone() children=move |(_, tag): (u64, String)| {
                let (href, key) = (tag_href(&tag), tag.clone());
                view! {
                    <li data-testid="tag-item" data-vrow=key>
                        <Link href=href>{tag}</Link>
                    </li>
                }
            } />
        </ul>
    }
}

#[component]
fn SkippedNote(skipped: Vec<SkippedTag>, skipped_count: u64) -> impl IntoView {
    // Older answers carry no count: every skipped entry was listed.
    let count = skipped_count.max(skipped.len() as u64);
    let unlisted = count - skipped.len() as u64;
    view! {
        <details class="skipped">
            <summary class="muted small">
                {format!("{count} entr{} in the registry's list skipped: not valid tags", if count == 1 { "y" } else { "ies" })}
            </summary>
            <ul>
                {skipped
                    .into_iter()
                    .map(|s| view! { <li><code>{s.value}</code> " — " {s.reason}</li> })
                    .collect_view()}
                {(unlisted > 0).then(|| view! { <li class="muted">{format!("… and {} more", group_thousands(unlisted as usize))}</li> })}
            </ul>
        </details>
    }
}
