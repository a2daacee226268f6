//! A socket whose writes may not stall for longer than a limit: the other half of
//! slow-loris, a client that asks for a big download and then reads nothing (or a byte a
//! minute). Such a client holds its connection, its API permits and an upstream connection
//! for as long as it likes; the header timeout does not see it (the head arrived).
//!
//! Only a write the kernel cannot take is timed: a download that waits for its registry
//! writes nothing and is not cut (the registry's own idle limit covers that), and a slow but
//! reading client makes progress every few milliseconds. Hand-written because hyper has no
//! write timeout and `tokio-io-timeout` would add a crate for these 60 lines.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

pub(super) struct SendStall<T> {
    io: T,
    limit: Option<Duration>,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> SendStall<T> {
    /// `limit` zero: writes may wait forever.
    pub(super) fn new(io: T, limit: Duration) -> SendStall<T> {
        SendStall {
            io,
            limit: (!limit.is_zero()).then_some(limit),
            stalled: None,
        }
    }

    /// Starts the clock when a write cannot proceed, stops it when one does.
    fn watch<R>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let Some(limit) = self.limit else {
            return Poll::Pending;
        };
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client read nothing for {limit:?}"),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for SendStall<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for SendStall<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_shutdown(cx);
        this.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn a_write_nobody_reads_fails_after_the_limit() {
        let (near, mut far) = tokio::io::duplex(64);
        let mut io = SendStall::new(near, Duration::from_millis(100));
        let started = std::time::Instant::now();
        let error = io.write_all(&[7u8; 4096]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(100));
        // The bytes that fit were sent; nothing was lost before the cut.
        let mut got = [0u8; 64];
        far.read_exact(&mut got).await.unwrap();
    }

    #[tokio::test]
    async fn a_slow_reader_that_keeps_reading_is_not_cut() {
        let (near, mut far) = tokio::io::duplex(64);
        let mut io = SendStall::new(near, Duration::from_millis(100));
        let reader = tokio::spawn(async move {
            let mut all = Vec::new();
            let mut chunk = [0u8; 64];
            while all.len() < 1024 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let n = far.read(&mut chunk).await.unwrap();
                all.extend_from_slice(&chunk[..n]);
            }
            all.len()
        });
        // 16 reads 20 ms apart: 320 ms in all, three times the limit.
        io.write_all(&[1u8; 1024]).await.unwrap();
        assert_eq!(reader.await.unwrap(), 1024);
    }
}
