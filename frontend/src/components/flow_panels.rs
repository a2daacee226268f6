//! What every view shows under its header about how it was made: the Requests panel, the
//! sequence diagram, the Reproduce panel and the exports, all from one [`Flow`].

use lading_shared::api::Exchange;
use lading_shared::reproduce::{Flow, Subject};
use leptos::prelude::*;

use crate::components::requests_panel::RequestsPanel;

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
pub fn FlowPanels(subject: Subject, trace: Vec<Exchange>) -> impl IntoView {
    provide_context(Highlight(RwSignal::new(None)));
    let flow = Flow::new(subject, &trace);
    let _ = Highlight::get().0;
    view! { <RequestsPanel trace=flow.trace /> }
}
