//! Scroll positions survive Back and Forward. Each history entry keeps its own position in
//! `history.state` (not in the URL: a shared link should open at the top), saved while the
//! person scrolls and just before a click navigates. On Back the position is restored once
//! the page has grown tall enough, since listings and images arrive after the URL changes;
//! the browser's own restoration is off because it jumps before the content is there.
//!
//! A virtualised list only knows the heights of the rows it has drawn, so after Back the same
//! `scrollY` can show other rows (or lie past the page's end). Each entry therefore also keeps
//! an anchor: the key of the first row on screen and its distance from the viewport's top.
//! The restore scrolls near the position and then lines that row up again.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::components::virtual_list::ROW_MARK;

/// Saving is throttled: browsers limit how often `history.replaceState` may run.
const SAVE_EVERY: Duration = Duration::from_millis(150);
/// How long a restored position waits for the page to grow (tries × every).
const RESTORE_TRIES: u32 = 100;
const RESTORE_EVERY: Duration = Duration::from_millis(100);
/// Looks again this many times once there: virtualised lists measure the rows the jump drew
/// and correct the heights above them, which moves the content under the position.
const SETTLE_TRIES: u32 = 5;
const KEY: &str = "scrollY";
const ANCHOR_KEY: &str = "scrollAnchor";
const ANCHOR_TOP: &str = "scrollAnchorTop";

/// The first row on screen and its top relative to the viewport's.
#[derive(Debug, Clone, PartialEq)]
struct Anchor {
    key: String,
    top: f64,
}

/// Installs the listeners; call once, in the app shell.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
    }
    let pending = Rc::new(Cell::new(false));
    let on_scroll = Closure::<dyn Fn()>::new(move || {
        if pending.replace(true) {
            return;
        }
        let href = location_href();
        let pending = pending.clone();
        set_timeout(
            move || {
                pending.set(false);
                // Only for the entry it was meant for: a navigation may have come between.
                if location_href() == href {
                    save();
                }
            },
            SAVE_EVERY,
        );
    });
    let _ = window.add_event_listener_with_callback("scroll", on_scroll.as_ref().unchecked_ref());
    on_scroll.forget();
    // Capture phase: before the router's click handler pushes the next entry.
    let on_click = Closure::<dyn Fn()>::new(save);
    let _ = window.add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    on_click.forget();
    let generation = Rc::new(Cell::new(0u32));
    let on_pop =
        Closure::<dyn Fn(web_sys::PopStateEvent)>::new(move |ev: web_sys::PopStateEvent| {
            let (y, anchor) = read(&ev.state());
            let run = generation.get().wrapping_add(1);
            generation.set(run);
            if y > 0.0 {
                let target = Target { y, anchor };
                restore(
                    Rc::new(target),
                    run,
                    generation.clone(),
                    RESTORE_TRIES,
                    SETTLE_TRIES,
                );
            }
        });
    let _ = window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
}

/// Writes the current position into the current entry, keeping whatever else is there.
pub fn save() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let y = window.scroll_y().unwrap_or(0.0);
    let state = history
        .state()
        .ok()
        .filter(|s| s.is_object())
        .unwrap_or_else(|| js_sys::Object::new().into());
    let anchor = first_row_on_screen();
    let (key, top) = match &anchor {
        Some(a) => (a.key.as_str().into(), a.top.into()),
        None => (wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::NULL),
    };
    let set = |name: &str, value: &wasm_bindgen::JsValue| {
        js_sys::Reflect::set(&state, &name.into(), value).is_ok()
    };
    if set(KEY, &y.into()) && set(ANCHOR_KEY, &key) && set(ANCHOR_TOP, &top) {
        let _ = history.replace_state(&state, "");
    }
}

fn read(state: &wasm_bindgen::JsValue) -> (f64, Option<Anchor>) {
    let get = |name: &str| js_sys::Reflect::get(state, &name.into()).ok();
    let y = get(KEY).and_then(|v| v.as_f64()).unwrap_or(0.0);
    let anchor = match (get(ANCHOR_KEY), get(ANCHOR_TOP)) {
        (Some(key), Some(top)) => key.as_string().zip(top.as_f64()),
        _ => None,
    };
    (y, anchor.map(|(key, top)| Anchor { key, top }))
}

/// Where to go back to: the saved `scrollY`, and the row that was first on screen there.
struct Target {
    y: f64,
    anchor: Option<Anchor>,
}

/// The drawn virtual rows, with their keys.
fn virtual_rows() -> Vec<(String, web_sys::Element)> {
    let Some(nodes) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all(&format!("[{ROW_MARK}]")).ok())
    else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| Some((e.get_attribute(ROW_MARK)?, e)))
        .filter(|(key, _)| !key.is_empty())
        .collect()
}

fn first_row_on_screen() -> Option<Anchor> {
    virtual_rows().into_iter().find_map(|(key, row)| {
        let rect = row.get_bounding_client_rect();
        (rect.bottom() > 0.0).then(|| Anchor {
            key,
            top: rect.top(),
        })
    })
}

/// How far the anchor row is from where it was (px, positive: it is lower now), once drawn.
/// Keys are compared as text, not put into a selector: they are a registry's words.
fn anchor_drift(anchor: &Anchor) -> Option<f64> {
    virtual_rows()
        .into_iter()
        .find(|(key, _)| *key == anchor.key)
        .map(|(_, row)| row.get_bounding_client_rect().top() - anchor.top)
}

/// Scrolls to the target as soon as the page is tall enough (or as far as it goes, when the
/// anchor row is drawn there), lines the anchor row up, then checks `settle` more times that
/// it stayed there; gives up after `tries` or when a newer Back/Forward started its own
/// restore.
fn restore(target: Rc<Target>, run: u32, generation: Rc<Cell<u32>>, tries: u32, settle: u32) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if generation.get() != run {
        return;
    }
    let height = window
        .document()
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| f64::from(e.scroll_height()));
    let viewport = window
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let scroll_y = || window.scroll_y().unwrap_or(0.0);
    let y = target.y;
    let reach = height - viewport;
    let mut settle = settle;
    let tall_enough = reach >= y - 1.0;
    if tall_enough {
        window.scroll_to_with_x_and_y(0.0, y);
    } else if tries > 0 && reach > scroll_y() + 1.0 {
        // Not tall enough yet: go as far as it goes. A virtualised list there draws its
        // rows, and the anchor below tells whether this is already the place.
        window.scroll_to_with_x_and_y(0.0, reach);
    }
    let there = match &target.anchor {
        Some(anchor) => match anchor_drift(anchor) {
            Some(drift) if drift.abs() > 1.0 => {
                window.scroll_to_with_x_and_y(0.0, scroll_y() + drift);
                anchor_drift(anchor).is_some_and(|d| d.abs() <= 1.0)
            }
            Some(_) => true,
            None => false,
        },
        None => tall_enough && (scroll_y() - y).abs() <= 1.0,
    };
    // There: look again a few times, as rows drawn by the jump get measured.
    if tries == 0 || (there && settle == 0) {
        return;
    }
    if there {
        settle -= 1;
    }
    set_timeout(
        move || restore(target, run, generation, tries.saturating_sub(1), settle),
        RESTORE_EVERY,
    );
}

fn location_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}
