//! The process log, redacted on its way out: every line any crate writes (Lading's own
//! warnings, reqwest's and hyper's traces, tower-http's request spans) passes through
//! [`super::text`] before it reaches stderr. Call sites redact too (`redact::error`), but
//! this is what makes a forgotten one harmless.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

/// A [`MakeWriter`] that redacts what the one below writes: `Redacting(std::io::stderr)`.
#[derive(Debug, Clone, Copy)]
pub struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = Line<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(self.0.make_writer())
    }
}

/// One event's writer. The fmt layer formats an event whole and hands it over in one
/// `write_all`, so each call here sees whole lines and a secret is never split between two.
pub struct Line<W>(W);

impl<W: Write> Write for Line<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let shown = super::text(&String::from_utf8_lossy(buf));
        self.0.write_all(shown.as_bytes())?;
        // All of `buf` was taken: a short count would hand the rest back split mid-line.
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_log_line_is_redacted_whoever_wrote_it() {
        let buffer = Buffer::default();
        let make = {
            let buffer = buffer.clone();
            move || buffer.clone()
        };
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Redacting(make))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let e = "could not reach https://u:pw1@cdn/b?sign=s2&n=1";
            tracing::warn!("blob aborted: {e}");
            tracing::info!(url = "https://cdn/p/s3PAR/n/ns/b/b/o/x", "a field");
        });
        let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        for secret in ["pw1", "s2", "s3PAR"] {
            assert!(!log.contains(secret), "{secret} in {log}");
        }
        assert!(log.contains("sign=<redacted>&n=1"), "{log}");
        assert_eq!(log.lines().count(), 2, "{log}");
    }
}
