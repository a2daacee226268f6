//! The arithmetic of a virtualised list, apart from the DOM so it is tested natively: rows of
//! one measured height with sparse exceptions (a name that wraps, a tag opened onto its
//! platforms), which rows a stretch of the page shows, and the spacers above and below them.

use std::collections::BTreeMap;

/// Measured heights closer than this (px) to the common one count as the common one.
const TOLERANCE: f64 = 0.5;
/// No row is thinner than this: keeps the arithmetic away from dividing by zero.
const MIN_HEIGHT: f64 = 1.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Heights {
    /// Most rows' height (px): an estimate until rows have been measured.
    base: f64,
    measured: bool,
    /// Rows measured at another height, by index.
    extra: BTreeMap<usize, f64>,
}

/// The rows to draw (`start..end`) and the space the others take above and below them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub before: f64,
    pub after: f64,
}

impl Span {
    pub fn len(&self) -> usize {
        self.end - self.start
    }
}

impl Heights {
    pub fn new(estimate: f64) -> Heights {
        Heights {
            base: estimate.max(MIN_HEIGHT),
            measured: false,
            extra: BTreeMap::new(),
        }
    }

    /// The top of row `index`, from the top of the list.
    pub fn offset(&self, index: usize) -> f64 {
        let extra: f64 = self.extra.range(..index).map(|(_, h)| h - self.base).sum();
        index as f64 * self.base + extra
    }

    /// The row under `y` (px from the top of the list), clamped to the list.
    pub fn index_at(&self, y: f64, len: usize) -> usize {
        if len == 0 || y <= 0.0 {
            return 0;
        }
        let (mut first, mut top) = (0usize, 0.0);
        for (&i, &h) in self.extra.range(..len) {
            let row_top = top + (i - first) as f64 * self.base;
            if y < row_top {
                break;
            }
            if y < row_top + h {
                return i;
            }
            (first, top) = (i + 1, row_top + h);
        }
        (first + ((y - top) / self.base) as usize).min(len - 1)
    }

    /// The rows of `len` that overlap `from..to` (px from the top of the list).
    pub fn span(&self, len: usize, from: f64, to: f64) -> Span {
        if len == 0 {
            return Span::default();
        }
        let start = self.index_at(from, len);
        let end = (self.index_at(to, len) + 1).max(start + 1).min(len);
        Span {
            start,
            end,
            before: self.offset(start),
            after: self.offset(len) - self.offset(end),
        }
    }

    /// Heights measured for rows `start..`; the first measurement sets the common height
    /// (the median). Whether anything changed.
    pub fn record(&mut self, start: usize, measured: &[f64]) -> bool {
        if measured.is_empty() {
            return false;
        }
        let before = self.clone();
        if !self.measured {
            let mut sorted = measured.to_vec();
            sorted.sort_by(f64::total_cmp);
            self.base = sorted[sorted.len() / 2].max(MIN_HEIGHT);
            self.measured = true;
        }
        for (i, &h) in measured.iter().enumerate() {
            if (h - self.base).abs() > TOLERANCE {
                self.extra.insert(start + i, h.max(MIN_HEIGHT));
            } else {
                self.extra.remove(&(start + i));
            }
        }
        *self != before
    }

    /// The rows changed (a filter, a folder opened): measured exceptions no longer apply.
    pub fn forget_rows(&mut self) {
        self.extra.clear();
    }

    /// The layout changed (the window was resized): measure everything again.
    pub fn remeasure(&mut self) {
        self.measured = false;
        self.extra.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_rows_span_the_stretch_asked_for() {
        let heights = Heights::new(20.0);
        let span = heights.span(1000, 100.0, 300.0);
        assert_eq!((span.start, span.end), (5, 16));
        assert_eq!(span.before, 100.0);
        assert_eq!(span.after, (1000 - 16) as f64 * 20.0);
        assert_eq!(
            span.before + span.len() as f64 * 20.0 + span.after,
            20_000.0
        );
    }

    #[test]
    fn spans_are_clamped_to_the_list() {
        let heights = Heights::new(20.0);
        assert_eq!(heights.span(0, 0.0, 500.0), Span::default());
        let above = heights.span(10, -400.0, -10.0);
        assert_eq!((above.start, above.end), (0, 1));
        let below = heights.span(10, 5000.0, 6000.0);
        assert_eq!((below.start, below.end, below.after), (9, 10, 0.0));
    }

    #[test]
    fn exceptions_move_the_rows_after_them() {
        let mut heights = Heights::new(20.0);
        // The first measurement: mostly 20 px, row 3 (index 2 + 1) wraps to 50 px.
        assert!(heights.record(1, &[20.0, 20.0, 50.0, 20.0, 20.2]));
        assert_eq!(heights.offset(3), 60.0);
        assert_eq!(heights.offset(4), 110.0);
        assert_eq!(heights.index_at(59.0, 100), 2);
        assert_eq!(heights.index_at(60.0, 100), 3);
        assert_eq!(heights.index_at(109.0, 100), 3);
        assert_eq!(heights.index_at(110.0, 100), 4);
        assert_eq!(heights.index_at(130.0, 100), 5);
        // Measuring the same again changes nothing; the row unwrapping removes the exception.
        assert!(!heights.record(1, &[20.0, 20.0, 50.0, 20.0, 20.2]));
        assert!(heights.record(3, &[20.0]));
        assert_eq!(heights.offset(4), 80.0);
    }

    #[test]
    fn the_first_measurement_replaces_the_estimate_by_the_median() {
        let mut heights = Heights::new(30.0);
        assert!(heights.record(0, &[24.0, 24.0, 90.0]));
        assert_eq!(heights.offset(10), 24.0 * 9.0 + 90.0);
        heights.remeasure();
        heights.record(0, &[40.0]);
        assert_eq!(heights.offset(10), 400.0);
    }

    #[test]
    fn forgetting_rows_keeps_the_common_height() {
        let mut heights = Heights::new(30.0);
        heights.record(0, &[24.0, 60.0, 24.0]);
        heights.forget_rows();
        assert_eq!(heights.offset(3), 72.0);
    }
}
