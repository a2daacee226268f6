//! "N of M tags" and the filter box above a list of names (tags, repositories): one
//! component so both lists count, filter and write the filter to the URL alike.

use leptos::prelude::*;

use crate::format::group_thousands;
use crate::view_state::ViewState;

/// What the list is of, for its words and test ids.
#[derive(Clone, Copy)]
pub struct Noun {
    pub one: &'static str,
    pub many: &'static str,
    /// `tag` → `tag-count`, `tag-filter`.
    pub id: &'static str,
}

/// The count and the filter box; typing replaces the URL's `q` and, for a list shown a
/// window at a time (`limit`), resets it to `window` rows.
#[component]
pub fn CountAndFilter(
    noun: Noun,
    total: usize,
    #[prop(into)] shown: Signal<usize>,
    filter: RwSignal<String>,
    #[prop(optional)] limit: Option<RwSignal<usize>>,
    #[prop(optional)] window: usize,
) -> impl IntoView {
    let view = ViewState::get();
    let Noun { one, many, id } = noun;
    view! {
        <p class="tag-count">
            {move || {
                let shown = shown.get();
                (shown != total).then(|| format!("{} of ", group_thousands(shown)))
            }}
            <strong data-testid=format!("{id}-count")>{group_thousands(total)}</strong>
            {if total == 1 { format!(" {one}") } else { format!(" {many}") }}
        </p>
        <label class="filter">
            <span class="visually-hidden">{format!("Filter {many}")}</span>
            <input
                type="search"
                data-testid=format!("{id}-filter")
                placeholder=format!("Filter {many}…")
                autocomplete="off"
                spellcheck="false"
                prop:value=move || filter.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    filter.set(text.clone());
                    if let Some(limit) = limit {
                        limit.set(window);
                    }
                    view.update(|q| q.filter = text);
                }
            />
        </label>
    }
}

/// "Show more (N not shown)" below a windowed list: each click shows five windows more.
#[component]
pub fn ShowMore(
    #[prop(into)] hidden: Signal<usize>,
    limit: RwSignal<usize>,
    window: usize,
) -> impl IntoView {
    view! {
        <Show when=move || { hidden.get() > 0 }>
            <button type="button" class="show-more" on:click=move |_| limit.update(|l| *l += window * 5)>
                {move || format!("Show more ({} not shown)", group_thousands(hidden.get()))}
            </button>
        </Show>
    }
}
