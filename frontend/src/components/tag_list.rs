//! Every tag of a repository: filterable, ordered by version or otherwise, and rendered a
//! window at a time so ten thousand tags stay fluid (sorting happens once per order;
//! filtering is a substring scan; only the visible window reaches the DOM). With details
//! from the registry, a table (`tag_table.rs`) and a "recently pushed" order.

use crate::components::count_filter::{CountAndFilter, Noun, ShowMore};
use crate::components::link::Link;
use lading_shared::api::{SkippedTag, TagDetail};
use lading_shared::{Reference, Repository};
use leptos::prelude::*;

use crate::components::tag_table::{TagFacts, TagTable};
use crate::format::group_thousands;
use crate::links::image_href;
use crate::tag_order::{TagOrder, filter_tags, sort_dated_tags};
use crate::view_state::ViewState;

/// Tags rendered at first, and added by each "Show more".
const WINDOW: usize = 300;

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
    let total = tags.len();
    let tags = StoredValue::new(tags);
    let table = !details.is_empty();
    let facts = TagFacts::new(repository.clone(), details);
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
    let limit = RwSignal::new(WINDOW);
    let sorted = Memo::new(move |_| {
        let order = order.get();
        tags.with_value(|t| dates.with_value(|d| sort_dated_tags(t, order, d)))
    });
    let matching = Memo::new(move |_| sorted.with(|s| filter_tags(s, &filter.get())));
    let visible =
        move || matching.with(|m| m.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let hidden = move || matching.with(Vec::len).saturating_sub(limit.get());
    let tag_href = move |tag: &str| {
        image_href(&Reference {
            registry: repository.registry.clone(),
            repository: repository.repository.clone(),
            tag: Some(tag.to_string()),
            digest: None,
        })
    };
    view! {
        <div class="tag-tools">
            <CountAndFilter noun=Noun { one: "tag", many: "tags", id: "tag" } total shown=Signal::derive(move || matching.with(Vec::len)) filter limit window=WINDOW />
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
        {match table {
            true => view! { <TagTable facts visible=Signal::derive(visible) /> }.into_any(),
            false => view! {
                <ul class="tag-list" data-testid="tag-list">
                    <For each=visible key=|tag| tag.clone() let:tag>
                        <li data-testid="tag-item">
                            <Link href=tag_href(&tag)>{tag.clone()}</Link>
                        </li>
                    </For>
                </ul>
            }
            .into_any(),
        }}
        <Show when=move || matching.with(Vec::is_empty)>
            <p class="muted">{move || if total == 0 { "This repository has no tags." } else { "No tag matches the filter." }}</p>
        </Show>
        <ShowMore hidden=Signal::derive(hidden) limit window=WINDOW />
        {(!skipped.is_empty()).then(|| view! { <SkippedNote skipped skipped_count /> })}
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
