//! Virtualised rows for the long lists (10,000 tags, 100,000 files): only the rows on screen,
//! plus an overscan above and below, are in the DOM; spacers (or padding) of the other rows'
//! height keep the page's own scrollbar the length of the whole list. The page scrolls, not a
//! box inside it, so Back's saved `scrollY`, find-the-row-by-scrolling and keyboard focus
//! (a focused row scrolls into view, which renders its neighbours) work as on any page.
//!
//! Rows are measured once drawn (the distance between consecutive rows' tops, so borders,
//! gaps and margins count): the common height replaces the estimate, and rows drawn at
//! another height (a wrapped name, an opened tag) are kept as exceptions.

mod heights;

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use heights::{Heights, Span};

/// Rows drawn beyond each edge of the window, in pixels: enough for a fling between frames
/// and for Tab to reach the next row before the window follows.
const OVERSCAN_PX: f64 = 600.0;
/// Marks each drawn row (each item, in a grid) for measuring; its value is the row's key,
/// unique in the list (a path, a tag), which Back anchors the scroll position on.
pub const ROW_MARK: &str = "data-vrow";

/// Where the rows are and how many there are.
pub struct VirtualOptions<O: ElementType, I: ElementType> {
    /// The element whose top is the top of row 0 (the top spacer, or the list itself).
    pub origin: NodeRef<O>,
    /// The element holding the drawn rows (each marked with [`ROW_MARK`]).
    pub rows: NodeRef<I>,
    /// Rows in the list (grid rows for a grid).
    pub len: Signal<usize>,
    /// A row's height until one is measured.
    pub estimate: f64,
    /// A grid: the columns, counted from the drawn items and written here.
    pub columns: Option<RwSignal<usize>>,
}

/// The rows to draw, kept current as the page scrolls, resizes and the list changes. Call
/// [`VirtualRows::rows_changed`] when the rows themselves change (not just their number).
#[derive(Clone, Copy)]
pub struct VirtualRows {
    pub span: Memo<Span>,
    heights: RwSignal<Heights>,
}

impl VirtualRows {
    pub fn new<O, I>(options: VirtualOptions<O, I>) -> VirtualRows
    where
        O: ElementType + 'static,
        O::Output: JsCast + Clone + 'static,
        I: ElementType + 'static,
        I::Output: JsCast + Clone + 'static,
    {
        let VirtualOptions {
            origin,
            rows,
            len,
            estimate,
            columns,
        } = options;
        let heights = RwSignal::new(Heights::new(estimate));
        let screen = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .unwrap_or(1000.0);
        // The stretch of the list on screen, in px from its top.
        let window = RwSignal::new((0.0, screen));
        let span = Memo::new(move |_| {
            let (from, to) = window.get();
            heights.with(|h| h.span(len.get(), from - OVERSCAN_PX, to + OVERSCAN_PX))
        });
        let locate = move || {
            let Some(Some(origin)) = origin.try_get_untracked() else {
                return;
            };
            if let Some(stretch) = on_screen(origin.unchecked_ref())
                && window.try_get_untracked() != Some(stretch)
            {
                window.set(stretch);
            }
        };
        let pending = StoredValue::new(false);
        let schedule = move || {
            if pending.try_get_value() == Some(false) {
                pending.set_value(true);
                request_animation_frame(move || {
                    if pending.try_set_value(false).is_none() {
                        locate();
                    }
                });
            }
        };
        let on_scroll = window_event_listener(leptos::ev::scroll, move |_| schedule());
        let on_resize = window_event_listener(leptos::ev::resize, move |_| {
            heights.try_update(Heights::remeasure);
            schedule();
        });
        on_cleanup(move || {
            on_scroll.remove();
            on_resize.remove();
        });
        // Once drawn: measure what was drawn, and look again where the list is (what is
        // above it may have grown, e.g. a progress bar replaced by a summary).
        Effect::new(move |_| {
            let drawn = span.get();
            request_animation_frame(move || {
                let Some(Some(list)) = rows.try_get_untracked() else {
                    return;
                };
                let measured = measure(list.unchecked_ref(), drawn, columns);
                if let Some(measured) = measured {
                    let changed = heights
                        .try_update_untracked(|h| h.record(drawn.start, &measured))
                        .unwrap_or(false);
                    if changed {
                        heights.notify();
                    }
                }
                locate();
            });
        });
        VirtualRows { span, heights }
    }

    /// The rows were replaced (filtered, sorted, a folder opened): exceptions measured for
    /// the old rows no longer apply.
    pub fn rows_changed(&self) {
        self.heights.try_update(Heights::forget_rows);
    }
}

/// The part of the list on screen: from the viewport's top to its bottom, in px from the
/// list's top.
fn on_screen(origin: &web_sys::Element) -> Option<(f64, f64)> {
    let height = web_sys::window()?.inner_height().ok()?.as_f64()?;
    let top = client_top(origin)?;
    Some((-top, height - top))
}

/// `getBoundingClientRect().top`, fractions kept (`offsetTop` rounds, and rounded rows
/// would not add up).
fn client_top(element: &web_sys::Element) -> Option<f64> {
    Some(element.get_bounding_client_rect().top())
}

/// The heights of the drawn rows, each the distance to the next row's top (the last row's
/// own height is left out: it is off screen, and has nothing below it to measure against).
/// A grid's columns are counted from how many items share the first row's top.
fn measure(
    list: &web_sys::Element,
    drawn: Span,
    columns: Option<RwSignal<usize>>,
) -> Option<Vec<f64>> {
    let nodes = list.query_selector_all(&format!("[{ROW_MARK}]")).ok()?;
    let tops: Vec<f64> = (0..nodes.length())
        .filter_map(|i| client_top(nodes.item(i)?.dyn_ref::<web_sys::Element>()?))
        .collect();
    let per_row = match columns {
        Some(columns) => {
            let first = *tops.first()?;
            let counted = tops.iter().take_while(|&&t| t == first).count().max(1);
            // A row's worth of items is only known once a second row is drawn.
            if counted < tops.len() && columns.try_get_untracked() != Some(counted) {
                columns.set(counted);
                return None;
            }
            counted
        }
        None => 1,
    };
    let row_tops: Vec<f64> = tops.iter().step_by(per_row).copied().collect();
    // Drawn for another span (the list changed since): measure next time.
    if row_tops.len() != drawn.len() {
        return None;
    }
    Some(row_tops.windows(2).map(|w| w[1] - w[0]).collect())
}
