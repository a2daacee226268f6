//! What every view shows under its header about how it was made: the Requests panel, the
//! sequence diagram, the Reproduce panel and the exports, all from one [`Flow`].

use lading_shared::api::Exchange;
use lading_shared::reproduce::{Flow, Subject};
use leptos::prelude::*;

use crate::components::export_links::ExportLinks;
use crate::components::reproduce_panel::{Choice, ReproducePanel};
use crate::components::requests_panel::RequestsPanel;
use crate::components::sequence_diagram::SequenceDiagram;
use crate::credentials::Credentials;

/// The Requests panel row (1-based) the diagram points at: set by hovering or clicking an
/// arrow, read by the panel to open and mark that row.
#[derive(Clone, Copy)]
pub struct Highlight(pub RwSignal<Option<usize>>);

impl Highlight {
    /// The view's highlight, provided by [`FlowPanels`] (a fresh one outside it).
    pub fn get() -> Highlight {
        use_context::<Highlight>().unwrap_or_else(|| Highlight(RwSignal::new(None)))
    }
}

#[component]
pub fn FlowPanels(
    subject: Subject,
    trace: Vec<Exchange>,
    /// Other subjects the Reproduce panel offers (include [`Choice::this_view`] to keep the
    /// view's own); empty: the view's subject only.
    #[prop(optional)]
    choices: Vec<Choice>,
    /// Said in the Reproduce panel above its selector.
    #[prop(default = None)]
    note: Option<String>,
) -> impl IntoView {
    provide_context(Highlight(RwSignal::new(None)));
    let mut flow = Flow::new(subject, &trace);
    // A warm trace (Lading already held the token) may show no credentials; the browser
    // knows it sent some, so the scripts must ask for them.
    flow.credentials |= Credentials::get().header_for(flow.registry()).is_some();
    let traced = !flow.trace.is_empty();
    // The diagram first: the Requests panel opening below it (when an arrow is pointed at)
    // must not move the arrow from under the pointer.
    view! {
        {traced.then(|| view! { <SequenceDiagram flow=flow.clone() /> })}
        <RequestsPanel trace=flow.trace.clone() />
        <ReproducePanel flow=flow.clone() choices note />
        {traced.then(|| view! { <ExportLinks flow /> })}
    }
}

/// For a view that cannot say what it was about (an error before the subject was known):
/// the Requests panel and the exports of its trace. `registry` names the exports' files.
#[component]
pub fn TracePanels(trace: Vec<Exchange>, #[prop(into)] registry: String) -> impl IntoView {
    // No subject to reproduce: the catalog of the registry stands in only to name files
    // and the browser's call in the exports; the upstream exchanges are the trace's own.
    let flow = Flow::new(
        Subject::Catalog {
            registry,
            namespace: None,
        },
        &trace,
    );
    let traced = !trace.is_empty();
    view! {
        <RequestsPanel trace />
        {traced.then(|| view! { <ExportLinks flow /> })}
    }
}
