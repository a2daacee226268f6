//! The layer engine: lists a layer blob's tar entries while it streams, merges an image's
//! layers into one filesystem, and reads single files back out.
//!
//! The key design decision is that the blob is never held: the async side forwards HTTP
//! chunks (digest-checked by `Session::blob_stream`) through a small bounded channel
//! ([`source`]) to one blocking thread that decompresses ([`decode`]) and walks the tar
//! ([`listing`]), so memory stays flat whatever the layer size and the sync `tar` crate runs
//! at decompression speed (gzip through miniz_oxide's core inflater, zstd through libzstd). A finished listing is cached by layer digest ([`cache`]) together
//! with each entry's offset in the uncompressed stream, so reading one file later
//! ([`file`]) fetches only what it needs: gzip layers carry [`checkpoint`]s recorded by the
//! [`gzip`] reader during the first pass (and multi-frame zstd layers frame starts, see
//! [`zstd`]), so a file is decompressed from the nearest one.

pub mod budget;
pub mod cache;
pub mod checkpoint;
pub mod decode;
pub mod entry;
pub mod file;
pub mod gzip;
pub mod headers;
pub mod image;
pub mod input;
pub mod listing;
pub mod merged;
pub mod ndjson;
pub mod source;
pub mod zstd;

#[cfg(test)]
mod checkpoint_tests;
#[cfg(test)]
mod tests;
