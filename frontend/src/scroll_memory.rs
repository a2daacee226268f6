//! Scroll positions survive Back and Forward. Each history entry keeps its own position in
//! `history.state` (not in the URL: a shared link should open at the top), saved while the
//! person scrolls and just before a click navigates. On Back the position is restored once
//! the page has grown tall enough, since listings and images arrive after the URL changes;
//! the browser's own restoration is off because it jumps before the content is there.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Saving is throttled: browsers limit how often `history.replaceState` may run.
const SAVE_EVERY: Duration = Duration::from_millis(150);
/// How long a restored position waits for the page to grow (tries × every).
const RESTORE_TRIES: u32 = 100;
const RESTORE_EVERY: Duration = Duration::from_millis(100);
/// Looks again this many times once there: virtualised lists measure the rows the jump drew
/// and correct the heights above them, which moves the content under the position.
const SETTLE_TRIES: u32 = 5;
const KEY: &str = "scrollY";

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
            let y = read_y(&ev.state());
            let run = generation.get().wrapping_add(1);
            generation.set(run);
            if y > 0.0 {
                restore(y, run, generation.clone(), RESTORE_TRIES, SETTLE_TRIES);
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
    if js_sys::Reflect::set(&state, &KEY.into(), &y.into()).is_ok() {
        let _ = history.replace_state(&state, "");
    }
}

fn read_y(state: &wasm_bindgen::JsValue) -> f64 {
    js_sys::Reflect::get(state, &KEY.into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// Scrolls to `y` as soon as the page is tall enough, then checks `settle` more times that
/// it stayed there; gives up after `tries` or when a newer Back/Forward started its own
/// restore.
fn restore(y: f64, run: u32, generation: Rc<Cell<u32>>, tries: u32, settle: u32) {
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
    let mut settle = settle;
    if height - viewport >= y - 1.0 || tries == 0 {
        window.scroll_to_with_x_and_y(0.0, y);
        let off = (window.scroll_y().unwrap_or(0.0) - y).abs() > 1.0;
        // Off: the page shrank back while rendering. There: look again a few times.
        if tries == 0 || (!off && settle == 0) {
            return;
        }
        if !off {
            settle -= 1;
        }
    }
    set_timeout(
        move || restore(y, run, generation, tries.saturating_sub(1), settle),
        RESTORE_EVERY,
    );
}

fn location_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}
