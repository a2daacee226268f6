//! The tag list as a table, when the registry (or Docker Hub's web API) says more than the
//! names: when each tag was pushed (or the image created), its size, digest and status, and
//! for Docker Hub each platform, folded under its tag until asked for. Drawn a stretch at a
//! time (`virtual_list`): each tag is one `<tbody>`, its opened platforms inside it.

use std::collections::{HashMap, HashSet};

use lading_shared::api::{TagDetail, TagImage};
use lading_shared::{Digest, Reference, Repository};
use leptos::prelude::*;

use crate::components::link::Link;
use crate::components::platform_context::platform_href;
use crate::components::supply_tags::{Marks, SupplyBadges};
use crate::components::tag_list::TagRange;
use crate::components::virtual_list::{VirtualOptions, VirtualRows};
use crate::format::{format_created, human_size};
use crate::links::image_href;
use crate::when::{epoch_ms, now_ms, relative};

/// A tag's rows' height before one is measured (px).
const ROW_ESTIMATE: f64 = 40.0;

/// What the table knows, shared by its rows.
#[derive(Clone)]
pub struct TagFacts {
    pub repository: Repository,
    pub details: HashMap<String, TagDetail>,
    /// "Pushed" when any tag has a push date, else "Created".
    pub date_heading: &'static str,
    pub has_platforms: bool,
    /// What cosign's tags say about each digest (`signed`, `attested`).
    pub marks: HashMap<Digest, Marks>,
}

impl TagFacts {
    pub fn new(repository: Repository, details: Vec<TagDetail>) -> TagFacts {
        let date_heading = match details.iter().any(|d| d.pushed.is_some()) {
            true => "Pushed",
            false => "Created",
        };
        let has_platforms = details.iter().any(|d| !d.images.is_empty());
        let details = details.into_iter().map(|d| (d.name.clone(), d)).collect();
        TagFacts {
            repository,
            details,
            date_heading,
            has_platforms,
            marks: HashMap::new(),
        }
    }

    /// Each dated tag's date in milliseconds: pushed, else created.
    pub fn dates(&self) -> HashMap<String, i64> {
        self.details
            .values()
            .filter_map(|d| {
                let when = d.pushed.as_deref().or(d.created.as_deref())?;
                Some((d.name.clone(), epoch_ms(when)?))
            })
            .collect()
    }

    fn reference(&self, tag: &str, digest: Option<&Digest>) -> Reference {
        Reference {
            registry: self.repository.registry.clone(),
            repository: self.repository.repository.clone(),
            tag: Some(tag.to_owned()),
            digest: digest.cloned(),
        }
    }
}

#[component]
pub fn TagTable(facts: StoredValue<TagFacts>, list: TagRange) -> impl IntoView {
    let (heading, platforms) = facts.with_value(|f| (f.date_heading, f.has_platforms));
    let now = now_ms();
    // Which tags show their platforms: kept here, as a tag's rows come and go with scrolling.
    let opened = RwSignal::new(HashSet::<String>::new());
    let (origin, table) = (NodeRef::new(), NodeRef::new());
    let window = VirtualRows::new(VirtualOptions {
        origin,
        rows: table,
        len: Signal::derive(move || list.len()),
        estimate: ROW_ESTIMATE,
        columns: None,
    });
    Effect::new(move |_| {
        list.track();
        window.rows_changed();
    });
    let span = window.span;
    let visible = move || {
        let span = span.get();
        list.slice(span.start, span.end)
    };
    let columns = if platforms { 6 } else { 5 };
    view! {
        <div class="table-wrap">
            <table class="tag-table stack" data-testid="tag-list" node_ref=table>
                <thead>
                    <tr>
                        <th scope="col">"Tag"</th>
                        <th scope="col">{heading}</th>
                        <th scope="col" class="num">"Size"</th>
                        <th scope="col">"Digest"</th>
                        <th scope="col">"Status"</th>
                        {platforms.then(|| view! { <th scope="col">"Platforms"</th> })}
                    </tr>
                </thead>
                <tbody class="v-spacer" aria-hidden="true" node_ref=origin>
                    <tr style:height=move || format!("{}px", span.get().before)><td colspan=columns></td></tr>
                </tbody>
                <For each=visible key=|keyed| keyed.clone() children=move |(_, tag): (u64, String)| {
                    view! { <TagRows facts tag now platforms opened /> }
                } />
                <tbody class="v-spacer" aria-hidden="true">
                    <tr style:height=move || format!("{}px", span.get().after)><td colspan=columns></td></tr>
                </tbody>
            </table>
        </div>
    }
}

/// One tag's row, and its platforms' rows once opened.
#[component]
fn TagRows(
    facts: StoredValue<TagFacts>,
    tag: String,
    now: i64,
    platforms: bool,
    opened: RwSignal<HashSet<String>>,
) -> impl IntoView {
    let detail = facts
        .with_value(|f| f.details.get(&tag).cloned())
        .unwrap_or_default();
    let href = facts.with_value(|f| image_href(&f.reference(&tag, None)));
    let open = {
        let tag = tag.clone();
        Signal::derive(move || opened.with(|o| o.contains(&tag)))
    };
    let flip = {
        let tag = tag.clone();
        move |_| {
            opened.update(|o| {
                if !o.remove(&tag) {
                    o.insert(tag.clone());
                }
            })
        }
    };
    let (date_text, date_title, stamp) = date_cell(&detail, now);
    let badges = detail
        .digest
        .as_ref()
        .and_then(|d| facts.with_value(|f| f.marks.get(d).copied()))
        .map(|marks| view! { <SupplyBadges marks /> });
    let images = detail.images.clone();
    let count = images.len();
    let toggle = (count > 0).then(|| {
        let label = format!("{count} platform{}", if count == 1 { "" } else { "s" });
        view! {
            <button type="button" class="link-button" data-testid="tag-platforms-toggle"
                aria-expanded=move || open.get().to_string()
                on:click=flip>
                {move || if open.get() { "▾ " } else { "▸ " }} {label.clone()}
            </button>
        }
    });
    let name = tag.clone();
    let platform_rows = move || {
        let tag = &name;
        open.get().then(|| {
            images
                .iter()
                .map(|image| {
                    let href = image
                        .digest
                        .as_ref()
                        .map(|d| facts.with_value(|f| platform_href(&f.reference(tag, None), d)));
                    view! { <PlatformRow image=image.clone() href now platforms /> }
                })
                .collect_view()
        })
    };
    let key = tag.clone();
    view! {
        <tbody class="tag-rows" data-vrow=key>
            <tr data-testid="tag-item">
                <td data-label="Tag" class="tag-name"><Link href=href>{tag.clone()}</Link>{badges}</td>
                <td data-label=facts.with_value(|f| f.date_heading)>
                    <time datetime=stamp title=date_title data-testid="tag-date">{date_text}</time>
                </td>
                <td data-label="Size" class="num">{size_cell(detail.size)}</td>
                <td data-label="Digest">{digest_cell(detail.digest.as_ref())}</td>
                <td data-label="Status">{status_cell(detail.status.as_deref())}</td>
                {platforms.then(|| view! { <td data-label="Platforms" class="platforms">{toggle}</td> })}
            </tr>
            {platform_rows}
        </tbody>
    }
}

#[component]
fn PlatformRow(image: TagImage, href: Option<String>, now: i64, platforms: bool) -> impl IntoView {
    let mut name = format!("{}/{}", image.os, image.architecture);
    if let Some(variant) = image.variant.as_deref().filter(|v| !v.is_empty()) {
        name = format!("{name}/{variant}");
    }
    let name = match href {
        Some(href) => view! { <Link href=href class="mono">{name}</Link> }.into_any(),
        None => view! { <span class="mono">{name}</span> }.into_any(),
    };
    let detail = TagDetail {
        pushed: image.pushed.clone(),
        ..TagDetail::default()
    };
    let (date_text, date_title, stamp) = date_cell(&detail, now);
    view! {
        <tr class="platform-row" data-testid="tag-platform">
            <td data-label="Platform" class="platform-name">{name}</td>
            <td data-label="Pushed"><time datetime=stamp title=date_title>{date_text}</time></td>
            <td data-label="Size" class="num">{size_cell(image.size)}</td>
            <td data-label="Digest">{digest_cell(image.digest.as_ref())}</td>
            <td data-label="Status">{status_cell(image.status.as_deref())}</td>
            {platforms.then(|| view! { <td class="empty-cell"></td> })}
        </tr>
    }
}

/// Relative text, the exact time on hover, and the timestamp itself.
fn date_cell(detail: &TagDetail, now: i64) -> (String, String, String) {
    let (word, when) = match (&detail.pushed, &detail.created) {
        (Some(pushed), _) => ("Pushed", pushed),
        (None, Some(created)) => ("Created", created),
        (None, None) => return ("—".to_owned(), String::new(), String::new()),
    };
    let exact = format_created(when);
    let text = epoch_ms(when).map_or_else(|| exact.clone(), |ms| relative(ms, now));
    (text, format!("{word} {exact}"), when.clone())
}

fn size_cell(size: Option<u64>) -> AnyView {
    match size {
        Some(bytes) => {
            view! { <span title=format!("{bytes} bytes, compressed")>{human_size(bytes)}</span> }
                .into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

fn digest_cell(digest: Option<&Digest>) -> AnyView {
    match digest {
        Some(d) => view! { <code class="digest" title=d.to_string()>{d.short()}</code> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

fn status_cell(status: Option<&str>) -> AnyView {
    match status {
        Some("active") => view! { <span class="muted small">"active"</span> }.into_any(),
        Some(other) => view! { <span class="badge badge-tag">{other.to_owned()}</span> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
