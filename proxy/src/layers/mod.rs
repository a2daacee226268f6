//! The layer engine: lists a layer blob's tar entries while it streams, merges an image's
//! layers into one filesystem, and reads single files back out.
//!
//! The key design decision is that the blob is never held: the async side forwards HTTP
//! chunks (digest-checked by `Session::blob_stream`) through a small bounded channel
//! ([`source`]) to one blocking thread that decompresses each chunk where it lies
//! ([`decode`]; the decoders lend their output in place too) and walks the tar
//! ([`listing`]), so memory stays flat whatever the layer size and the sync `tar` crate runs
//! at decompression speed (gzip through miniz_oxide's core inflater, zstd through libzstd).
//! The [`Engine`] owns what the engine keeps: a finished listing is cached by scope and layer
//! digest ([`cache`]) together with each entry's offset in the uncompressed stream, so
//! reading one file later
//! ([`file`]) fetches only what it needs: gzip layers carry [`checkpoint`]s recorded by the
//! [`gzip`] reader during the first pass (and multi-frame zstd layers frame starts, see
//! [`zstd`]), so a file is decompressed from the nearest one. A path index per view
//! ([`index`], cached in [`index_cache`]) finds a path, or a directory's children, without
//! merging the layers again ([`locate`]); listings come from [`fetch`].

pub mod cache;
pub mod checkpoint;
pub mod decode;
pub mod engine;
pub mod entry;
pub mod fetch;
pub mod file;
pub mod gzip;
pub mod headers;
pub mod index;
pub mod index_cache;
pub mod input;
pub mod listing;
pub mod locate;
pub mod merged;
pub mod ndjson;
pub mod source;
pub mod suggest;
pub mod zstd;

/// The memory budget listings draw from lives with the other limits (tag lists and JSON
/// answers draw from it too); kept reachable here for the engine's own modules.
pub use crate::limits::budget;
pub use engine::Engine;

#[cfg(test)]
mod tests;
