//! A listing as it arrives: the state the listing views read (layers, progress, the tree,
//! how it ended), and the run that fills it from `api::stream_listing`. A run can be
//! cancelled (the fetch is aborted; what arrived stays usable) and restarted (after signing
//! in), and a run that was replaced or whose view went away writes nothing.

use lading_shared::api::{ApiError, ErrorKind};
use lading_shared::layer::{LayerInfo, ListingEvent, ListingSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::{local_error, stream_listing};
use crate::layer_links::Subject;
use crate::tree::Tree;

/// How a listing ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Done(ListingSummary),
    Failed(ApiError),
    /// Stopped by the person; `entries` had arrived and stay listed.
    Cancelled {
        entries: usize,
    },
}

/// Everything the stream has said so far, as signals the view reads.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    pub layers: RwSignal<Vec<LayerInfo>>,
    pub total_bytes: RwSignal<u64>,
    pub read_bytes: RwSignal<u64>,
    pub entries: RwSignal<usize>,
    pub tree: RwSignal<Tree>,
    pub outcome: RwSignal<Option<Outcome>>,
    /// The current run: its number (events of older runs are dropped) and its abort handle.
    run: StoredValue<u64>,
    abort: StoredValue<Option<AbortController>, LocalStorage>,
    /// What the last run listed, to list it again after a cancel.
    last: StoredValue<Option<(Subject, Option<String>)>>,
}

impl Listing {
    /// A listing that stops its run when the calling view is disposed.
    pub fn new() -> Listing {
        let listing = Listing {
            layers: RwSignal::new(Vec::new()),
            total_bytes: RwSignal::new(0),
            read_bytes: RwSignal::new(0),
            entries: RwSignal::new(0),
            tree: RwSignal::new(Tree::default()),
            outcome: RwSignal::new(None),
            run: StoredValue::new(0),
            abort: StoredValue::new_local(None),
            last: StoredValue::new(None),
        };
        on_cleanup(move || listing.stop());
        listing
    }

    /// (Re)starts listing `subject`, forgetting what an earlier run found.
    pub fn start(&self, subject: Subject, credentials: Option<String>) {
        self.stop();
        self.last
            .set_value(Some((subject.clone(), credentials.clone())));
        self.layers.set(Vec::new());
        self.total_bytes.set(0);
        self.read_bytes.set(0);
        self.entries.set(0);
        self.tree.set(Tree::default());
        self.outcome.set(None);
        let Ok(controller) = AbortController::new() else {
            self.fail(local_error(
                ErrorKind::Unreachable,
                "This browser cannot start a cancellable request.".to_owned(),
            ));
            return;
        };
        let signal = controller.signal();
        self.abort.set_value(Some(controller));
        let run = self.run.get_value();
        let listing = *self;
        spawn_local(async move {
            let current = move || listing.run.try_get_value() == Some(run);
            let result = stream_listing(&subject, credentials, &signal, |events| {
                if current() {
                    listing.apply(events);
                }
            })
            .await;
            // Aborted (cancelled, restarted, view gone): whoever aborted has said why.
            if !current() || signal.aborted() {
                return;
            }
            match result {
                Err(error) => listing.fail(error),
                Ok(()) if listing.outcome.with_untracked(Option::is_none) => {
                    listing.fail(local_error(
                        ErrorKind::Unreachable,
                        "The listing ended before the server said it was done; it may be incomplete."
                            .to_owned(),
                    ));
                }
                Ok(()) => {}
            }
        });
    }

    /// The person stopped it: the fetch is aborted, the entries so far stay.
    pub fn cancel(&self) {
        if self.outcome.with_untracked(Option::is_some) {
            return;
        }
        self.stop();
        let entries = self.entries.get_untracked();
        self.outcome.set(Some(Outcome::Cancelled { entries }));
    }

    /// Lists the same subject again (after a cancel).
    pub fn restart(&self) {
        if let Some((subject, credentials)) = self.last.get_value() {
            self.start(subject, credentials);
        }
    }

    /// Ends the current run, if any, without saying anything.
    fn stop(&self) {
        if let Some(next) = self.run.try_get_value().map(|n| n + 1) {
            self.run.set_value(next);
        }
        if let Some(Some(controller)) = self.abort.try_update_value(Option::take) {
            controller.abort();
        }
    }

    fn fail(&self, error: ApiError) {
        self.outcome.set(Some(Outcome::Failed(error)));
    }

    /// One chunk's events: all its entries go into the tree in one update (one re-render).
    fn apply(&self, events: Vec<ListingEvent>) {
        let mut batch = Vec::new();
        for event in events {
            match event {
                ListingEvent::Start {
                    layers,
                    total_bytes,
                } => {
                    self.layers.set(layers);
                    self.total_bytes.set(total_bytes);
                }
                ListingEvent::Entries { entries } => batch.extend(entries),
                ListingEvent::Progress { read_bytes } => self.read_bytes.set(read_bytes),
                ListingEvent::Done(summary) => self.outcome.set(Some(Outcome::Done(summary))),
                ListingEvent::Error(error) => self.fail(error),
            }
        }
        if !batch.is_empty() {
            self.entries.update(|n| *n += batch.len());
            self.tree
                .update(|tree| batch.into_iter().for_each(|e| tree.insert(e)));
        }
    }
}
