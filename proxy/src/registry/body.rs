//! Adaptors over blob bodies: digest verification as bytes pass, and byte windows.
//!
//! A verified stream holds its last chunk back until the digest is checked, so a client that
//! counts bytes (`Content-Length`) never receives a complete-looking wrong file.

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use lading_shared::Digest;
use lading_shared::digest::Digester;

use crate::error::ProxyError;

struct Verifying {
    inner: BoxStream<'static, Result<Bytes, ProxyError>>,
    digest: Digest,
    size: Option<u64>,
    hasher: Option<Digester>,
    seen: u64,
    held: Option<Bytes>,
}

/// Passes `inner` through while hashing it, one chunk behind: the held chunk is released
/// only after the next arrives or, for the last, after the digest and size check out.
pub fn verified(
    inner: BoxStream<'static, Result<Bytes, ProxyError>>,
    digest: Digest,
    size: Option<u64>,
) -> BoxStream<'static, Result<Bytes, ProxyError>> {
    let state = Verifying {
        hasher: Some(digest.hasher()),
        inner,
        digest,
        size,
        seen: 0,
        held: None,
    };
    stream::unfold(Some(state), |state| async move {
        let mut s = state?;
        loop {
            match s.inner.next().await {
                Some(Ok(chunk)) if chunk.is_empty() => {}
                Some(Ok(chunk)) => {
                    s.seen += chunk.len() as u64;
                    if s.size.is_some_and(|size| s.seen > size) {
                        let error = s.mismatch(format!("more than {} bytes", s.seen - 1));
                        return Some((Err(error), None));
                    }
                    s.hasher.as_mut()?.update(&chunk);
                    if let Some(previous) = s.held.replace(chunk) {
                        return Some((Ok(previous), Some(s)));
                    }
                }
                Some(Err(error)) => return Some((Err(error), None)),
                None => return s.finish().map(|item| (item, None)),
            }
        }
    })
    // Fused: callers may poll once more after the end (unfold would panic).
    .fuse()
    .boxed()
}

impl Verifying {
    fn mismatch(&self, actual: String) -> ProxyError {
        ProxyError::Integrity {
            what: format!("blob {}", self.digest),
            expected: match self.size {
                Some(size) => format!("{} ({size} bytes)", self.digest),
                None => self.digest.to_string(),
            },
            actual,
        }
    }

    /// The held chunk if everything checks out, the error otherwise.
    fn finish(mut self) -> Option<Result<Bytes, ProxyError>> {
        if let Some(size) = self.size
            && self.seen != size
        {
            return Some(Err(self.mismatch(format!("{} bytes", self.seen))));
        }
        let actual = self.hasher.take()?.finish();
        if actual != self.digest {
            return Some(Err(self.mismatch(actual.to_string())));
        }
        self.held.take().map(Ok)
    }
}

/// Exactly `take` bytes after skipping `skip`; a body that ends sooner ends in an error.
pub fn window(
    inner: BoxStream<'static, Result<Bytes, ProxyError>>,
    skip: u64,
    take: u64,
) -> BoxStream<'static, Result<Bytes, ProxyError>> {
    stream::unfold(Some((inner, skip, take)), |state| async move {
        let (mut inner, mut skip, mut take) = state?;
        while take > 0 {
            match inner.next().await {
                Some(Ok(mut chunk)) => {
                    let dropped = skip.min(chunk.len() as u64);
                    skip -= dropped;
                    let _ = chunk.split_to(dropped as usize);
                    let kept = take.min(chunk.len() as u64);
                    chunk.truncate(kept as usize);
                    take -= kept;
                    if !chunk.is_empty() {
                        return Some((Ok(chunk), Some((inner, skip, take))));
                    }
                }
                Some(Err(error)) => return Some((Err(error), None)),
                None => {
                    let error = ProxyError::BadUpstream(format!(
                        "the blob body ended {take} bytes short of the range"
                    ));
                    return Some((Err(error), None));
                }
            }
        }
        None
    })
    // Fused: callers may poll once more after the end (unfold would panic).
    .fuse()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> BoxStream<'static, Result<Bytes, ProxyError>> {
        let items: Vec<_> = parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        stream::iter(items).boxed()
    }

    async fn collect(
        stream: BoxStream<'static, Result<Bytes, ProxyError>>,
    ) -> (Vec<u8>, Option<ProxyError>) {
        let mut bytes = Vec::new();
        let items: Vec<_> = stream.collect().await;
        let mut error = None;
        for item in items {
            match item {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(e) => error = Some(e),
            }
        }
        (bytes, error)
    }

    #[tokio::test]
    async fn verified_passes_good_bytes_and_withholds_the_end_of_bad_ones() {
        let digest = Digest::sha256(b"hello world");
        let (bytes, error) = collect(verified(
            chunks(&[b"hello", b" ", b"world"]),
            digest.clone(),
            Some(11),
        ))
        .await;
        assert_eq!(bytes, b"hello world");
        assert!(error.is_none());

        let (bytes, error) = collect(verified(
            chunks(&[b"hello", b" ", b"wurld"]),
            digest.clone(),
            None,
        ))
        .await;
        assert_eq!(bytes, b"hello ", "the last chunk is withheld");
        assert!(matches!(error, Some(ProxyError::Integrity { .. })));

        let too_long: &[&'static [u8]] = &[b"hello world!"];
        let too_short: &[&'static [u8]] = &[b"hello"];
        for parts in [too_long, too_short] {
            let (_, error) = collect(verified(chunks(parts), digest.clone(), Some(11))).await;
            assert!(matches!(error, Some(ProxyError::Integrity { .. })));
        }
    }

    #[tokio::test]
    async fn window_skips_cuts_and_notices_short_bodies() {
        let body = || chunks(&[b"0123", b"4567", b"89"]);
        assert_eq!(collect(window(body(), 3, 4)).await.0, b"3456");
        assert_eq!(collect(window(body(), 0, 10)).await.0, b"0123456789");
        let (bytes, error) = collect(window(body(), 8, 5)).await;
        assert_eq!(bytes, b"89");
        assert!(error.is_some());
    }
}
