//! The view's conversation as a sequence diagram: one lane per party (the browser, Lading,
//! the registry, its token server, a CDN, a web API — those that took part), requests as
//! solid arrows and answers as dashed ones in the Requests panel's status colours. Hovering
//! or focusing an arrow points the Requests panel at its row ([`Highlight`]); a click (or
//! Enter) also opens and scrolls to it. Drawn from the same model as the Mermaid export
//! (`lading_shared::reproduce::diagram`), as SVG text nodes (never markup from the trace).

mod layout;

use lading_shared::reproduce::Flow;
use leptos::prelude::*;

use crate::components::flow_panels::Highlight;
use crate::components::link::Link;
use crate::pages::learn_page::{Topic, learn_href};

pub use layout::{Arrow, Column};
use layout::{
    HEAD_HEIGHT, HOST_CHARS, LANE_GAP, arrow_y, body_height, fit, label_chars, lane_x, width,
};

#[component]
pub fn SequenceDiagram(flow: Flow) -> impl IntoView {
    let arrows = layout::arrows(&flow);
    let columns = layout::columns(&flow, &arrows);
    let summary = format!("{} arrows · {} lanes", arrows.len(), columns.len());
    let reference = flow.subject.image().map(|i| i.reference.to_string());
    let pull = learn_href(Topic::Pull, reference.as_deref());
    view! {
        <details class="panel diagram" data-testid="sequence-diagram">
            <summary>
                <span class="panel-title">"Diagram"</span>
                <span class="muted">{summary}</span>
            </summary>
            <p class="muted small">
                "Who spoke to whom for this view, top to bottom: requests are solid arrows, \
                 answers dashed. Hover, focus or click an arrow to find its row in the Requests \
                 panel. "
                <Link href=pull testid="learn-pull-link">"How pulling works"</Link>
            </p>
            <Diagram columns arrows label="Sequence diagram of this view's requests" />
        </details>
    }
}

/// The SVG itself: lane headers (kept in sight while the arrows scroll) over the arrows.
/// Also drawn by the explainer pages, with arrows of their own.
#[component]
pub fn Diagram(
    columns: Vec<Column>,
    arrows: Vec<Arrow>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let highlight = Highlight::get().0;
    // The row a click chose: hovering elsewhere and leaving comes back to it.
    let pinned = RwSignal::new(None::<usize>);
    let w = width(columns.len());
    let h = body_height(arrows.len());
    let index_of = |lane| columns.iter().position(|c| c.lane == lane).unwrap_or(0);
    let lifelines = (0..columns.len())
        .map(|i| {
            let x = lane_x(i);
            view! { <line class="seq-lifeline" x1=x y1=0 x2=x y2=h /> }
        })
        .collect_view();
    let drawn = arrows
        .into_iter()
        .enumerate()
        .map(|(i, arrow)| {
            let (from, to) = (index_of(arrow.message.from), index_of(arrow.message.to));
            view! { <ArrowView arrow y=arrow_y(i) x1=lane_x(from) x2=lane_x(to) highlight pinned /> }
        })
        .collect_view();
    let heads = columns
        .into_iter()
        .enumerate()
        .map(|(i, c)| lane_head(i, c))
        .collect_view();
    let view_box = |h: f64| format!("0 0 {w} {h}");
    view! {
        <div class="seq-scroll" data-testid="diagram-scroll">
            <svg
                class="seq-heads"
                width=w
                height=HEAD_HEIGHT
                viewBox=view_box(HEAD_HEIGHT)
                aria-hidden="true"
            >
                {heads}
            </svg>
            <svg
                class="seq-diagram"
                width=w
                height=h
                viewBox=view_box(h)
                role="group"
                aria-label=label
                data-testid="diagram-svg"
            >
                {lifelines}
                {drawn}
            </svg>
        </div>
    }
}

/// A lane's header box: its title and, below, the host it stands for.
fn lane_head(index: usize, column: Column) -> impl IntoView {
    let x = lane_x(index);
    let box_w = LANE_GAP - 24.0;
    let host = column.host.map(|host| {
        let shown = fit(&host, HOST_CHARS);
        view! {
            <text class="seq-host" x=x y=42 text-anchor="middle">
                <title>{host}</title>
                {shown}
            </text>
        }
    });
    view! {
        <g class="seq-head" data-lane=column.lane.label()>
            <rect x=x - box_w / 2.0 y=4 width=box_w height=HEAD_HEIGHT - 8.0 rx=6 />
            <text class="seq-title" x=x y=24 text-anchor="middle">{column.title}</text>
            {host}
        </g>
    }
}

/// One arrow: its line and head, its label above, a hit area covering its row.
#[component]
fn ArrowView(
    arrow: Arrow,
    y: f64,
    x1: f64,
    x2: f64,
    highlight: RwSignal<Option<usize>>,
    pinned: RwSignal<Option<usize>>,
) -> impl IntoView {
    let Arrow {
        message,
        tone,
        endpoint,
    } = arrow;
    let dir = if x2 >= x1 { 1.0 } else { -1.0 };
    let tip = x2 - dir * 2.0;
    let head = format!(
        "{tip},{y} {},{} {},{}",
        tip - dir * 8.0,
        y - 4.0,
        tip - dir * 8.0,
        y + 4.0
    );
    let span = (x2 - x1).abs();
    let full = match endpoint {
        Some(id) => format!("{id} {}", message.label),
        None => message.label.clone(),
    };
    let shown = fit(
        &message.label,
        label_chars(span).saturating_sub(endpoint.map_or(0, |id| id.len() + 1)),
    );
    let (left, right) = (x1.min(x2), x1.max(x2));
    let request = message.request;
    let aria = aria_label(&message, endpoint);
    let number = request
        .filter(|_| !message.reply)
        .map(|n| view! { <text class="seq-number" x=4 y=y + 4.0 aria-hidden="true">{n}</text> });
    let class = format!(
        "seq-arrow {tone}{}",
        if message.reply { " seq-reply" } else { "" }
    );
    let set = move |row: Option<usize>| highlight.set(row);
    let activate = move || {
        if let Some(n) = request {
            pinned.set(Some(n));
            highlight.set(Some(n));
            request_animation_frame(move || reveal_row(n));
        }
    };
    // The row number stands outside the arrow's group, so the group's box is its row.
    view! {
        {number}
        <g
            class=class
            class:active=move || request.is_some() && highlight.get() == request
            data-arrow=""
            data-request=request
            tabindex=request.map(|_| "0")
            role=if request.is_some() { "button" } else { "img" }
            aria-label=aria
            on:mouseenter=move |_| if request.is_some() { set(request) }
            on:mouseleave=move |_| if request.is_some() { set(pinned.get_untracked()) }
            on:focus=move |_| set(request)
            on:blur=move |_| set(pinned.get_untracked())
            on:click=move |_| activate()
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if matches!(ev.key().as_str(), "Enter" | " ") {
                    ev.prevent_default();
                    activate();
                }
            }
        >
            <title>{full}</title>
            <rect class="seq-hit" x=left - 8.0 y=y - 22.0 width=right - left + 16.0 height=30 rx=4 />
            <line x1=x1 y1=y x2=tip y2=y />
            <polygon points=head />
            <text class="seq-label" x=(x1 + x2) / 2.0 y=y - 6.0 text-anchor="middle">
                {endpoint.map(|id| view! { <tspan class="seq-endpoint">{id}" "</tspan> })}
                {shown}
            </text>
        </g>
    }
}

/// What a screen reader says for an arrow: which row, who to whom, what.
fn aria_label(
    message: &lading_shared::reproduce::diagram::Message,
    endpoint: Option<&str>,
) -> String {
    let who = format!("{} to {}", message.from.label(), message.to.label());
    let what = match endpoint {
        Some(id) => format!("{} ({id})", message.label),
        None => message.label.clone(),
    };
    match (message.request, message.reply) {
        (Some(n), false) => format!("Request {n}, {who}: {what}"),
        (Some(n), true) => format!("Answer to request {n}, {who}: {what}"),
        (None, _) => format!("{who}: {what}"),
    }
}

/// Opens the Requests panel at row `n` (`id="request-N"`) and scrolls it into view.
fn reveal_row(n: usize) {
    let Some(row) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("request-{n}")))
    else {
        return;
    };
    if let Ok(Some(panel)) = row.closest("details") {
        let _ = panel.set_attribute("open", "");
    }
    row.scroll_into_view();
}
