//! Inside the layers: the API for layer listings, the merged filesystem, single files, blob
//! downloads and image export, and the pure logic both sides need (compression sniffing,
//! whiteouts, path normalisation, merging layers in order).
//!
//! Listings travel as NDJSON (one [`ListingEvent`] per line) so the first entries reach the
//! page while the rest of a large layer is still being read.

use serde::{Deserialize, Serialize};

use crate::api::{ApiError, Exchange};
use crate::digest::Digest;
use crate::media_type::MediaType;

pub use crate::media_type::Compression;

mod merge;
mod path;
mod resolve;

pub use merge::{MergedRow, merge_layers, merged_entries};
pub use path::{file_name, normalize_path, parent, whiteout};
pub use resolve::{Lookup, MAX_SYMLINK_HOPS, Resolved, resolve_path, resolve_symlinks};

/// `GET /api/layer?ref=REFERENCE&digest=LAYER` → NDJSON [`ListingEvent`]s for one layer.
/// `ref` names the image (a tag or digest of an image manifest, or of an index together with
/// `platform`); the layer must be one of its layers.
pub const LAYER_PATH: &str = "/api/layer";
/// `GET /api/merged?ref=REFERENCE` → NDJSON [`ListingEvent`]s for the merged filesystem:
/// every layer is listed (from cache when possible), then the merge is sent as entries whose
/// [`Entry::layer`] says which layer last wrote them.
pub const MERGED_PATH: &str = "/api/merged";
/// `GET /api/file?ref=REFERENCE&path=/p[&digest=LAYER][&preview=BYTES]` → what a path is.
/// Without `digest` the path is looked up in the merged filesystem, with it in that layer
/// alone; symlinks are followed in either. With `preview` the answer is a JSON
/// [`FilePreview`] for anything that is there (a file's first bytes, a directory's children,
/// a broken link as itself with `dangling`, any other entry's metadata); without it, a file's
/// exact bytes as a download (`Content-Disposition: attachment` with the file's name), and
/// [`crate::api::ErrorKind::Unsupported`] for what has no bytes. A path that is not there
/// (or that a layer deleted) is [`crate::api::ErrorKind::NotInImage`] with near paths in
/// `suggestions`.
pub const FILE_PATH: &str = "/api/file";
/// `GET /api/blob?ref=REFERENCE&digest=BLOB` → the blob as stored, streamed, digest-verified
/// (a mismatch aborts the stream). `Range` is passed through.
pub const BLOB_PATH: &str = "/api/blob";
/// `GET /api/export?ref=REFERENCE[&platform=DIGEST]` → one image as a tar that is both an OCI
/// image layout and `docker load`-able, streamed.
///
/// The downloads ([`BLOB_PATH`], [`EXPORT_PATH`], [`FILE_PATH`] without `preview`) also take
/// `POST` with an `application/x-www-form-urlencoded` body of the same fields plus
/// [`crate::api::CREDENTIALS_FIELD`]: how a browser downloads a private image's bytes
/// straight to disk without putting credentials in a URL.
pub const EXPORT_PATH: &str = "/api/export";

/// Query of [`LAYER_PATH`], [`MERGED_PATH`], [`FILE_PATH`], [`BLOB_PATH`], [`EXPORT_PATH`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerQuery {
    #[serde(rename = "ref")]
    pub reference: String,
    /// A layer (or blob) digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
    /// For a `ref` that names an index: the digest of the platform image to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Digest>,
    /// A path inside the image, for [`FILE_PATH`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For [`FILE_PATH`]: answer a JSON [`FilePreview`] of at most this many bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<u64>,
}

/// The kind of a tar entry, with whiteouts already recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    CharDevice,
    BlockDevice,
    Fifo,
    /// `.wh.NAME`: NAME (from lower layers) is deleted. [`Entry::path`] is NAME's path.
    Whiteout,
    /// `.wh..wh..opq`: the directory's contents from lower layers are hidden.
    /// [`Entry::path`] is the directory's path.
    OpaqueWhiteout,
    Other,
}

/// One entry of a layer (or of the merged filesystem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Normalised absolute path: `/etc/passwd` (no `./`, no trailing `/`, `/` for the root).
    pub path: String,
    pub kind: EntryKind,
    /// Permission and special bits (`0o4755`), without the file-type bits.
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gname: Option<String>,
    pub size: u64,
    /// Seconds since the epoch.
    pub mtime: i64,
    /// Symlink target as written, or hard-link target as a normalised absolute path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// In a merged listing: index (0 = bottom) of the layer that last wrote this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// In a merged listing with history: this entry was deleted or overwritten by a later
    /// layer (`Some(index of that layer)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_by: Option<usize>,
}

impl Entry {
    /// An entry with no owner, times, link or layer yet (mode 0o644, size 0); fields are
    /// public, so callers set the rest with struct-update syntax.
    pub fn new(path: impl Into<String>, kind: EntryKind) -> Entry {
        Entry {
            path: path.into(),
            kind,
            mode: 0o644,
            uid: 0,
            gid: 0,
            uname: None,
            gname: None,
            size: 0,
            mtime: 0,
            link: None,
            layer: None,
            hidden_by: None,
        }
    }
}

/// The most children a directory preview carries; the listing view shows the rest.
pub const MAX_PREVIEW_CHILDREN: usize = 1000;

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One line of a listing stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ListingEvent {
    /// First line: what is being listed.
    Start {
        /// The layers being read, bottom first (one for a layer listing).
        layers: Vec<LayerInfo>,
        /// Sum of the layers' compressed sizes, read or not (a listing Lading already had
        /// for this person counts as read at once).
        total_bytes: u64,
    },
    /// A batch of entries, in archive order (layer listing) or path order (merged).
    Entries { entries: Vec<Entry> },
    /// Compressed bytes read so far, of `total_bytes`.
    Progress { read_bytes: u64 },
    /// Last line of a successful listing.
    Done(ListingSummary),
    /// Last line of a failed listing (entries sent before it stand).
    Error(ApiError),
}

/// A layer as the listing saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    pub digest: Digest,
    /// Compressed size from the manifest.
    pub size: u64,
    pub media_type: MediaType,
    /// Sniffed from the bytes; `None` until read, or when the bytes are no tar format Lading
    /// knows (the listing then fails saying so). (Whether the proxy had the listing cached
    /// is deliberately not part of the contract: it would tell anyone what others viewed.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingSummary {
    pub entries: u64,
    /// Uncompressed tar bytes read.
    pub uncompressed_bytes: u64,
    /// Every byte read hashed to the layer digest(s).
    pub verified: bool,
    #[serde(default)]
    pub registry_notes: crate::api::RegistryNotes,
    pub trace: Vec<Exchange>,
}

/// What `/api/file?…&preview=N` answers, for any path that exists: a file (its first bytes),
/// a directory (its children), a symlink (followed; a broken one is answered as itself, with
/// `dangling`), or any other entry (its metadata). A path that is not there is
/// [`crate::api::ErrorKind::NotInImage`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilePreview {
    /// The entry asked for (after following symlinks, see `resolved_from`).
    pub entry: Entry,
    /// For a directory: its direct children (at most [`MAX_PREVIEW_CHILDREN`]), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Entry>,
    /// For a directory: how many children it has in all.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub children_total: u64,
    /// For a symlink whose target is not in the image (or the layer), or a hard link whose
    /// target an earlier layer wrote (in a layer view): the path that was not found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dangling: Option<String>,
    /// The symlinks loop: `entry` is the link asked for, `resolved_from` one turn of the
    /// loop, `dangling` where it came back.
    #[serde(default, skip_serializing_if = "is_false")]
    pub symlink_loop: bool,
    /// A directory no entry names, implied by deeper paths: its mode, owner and time are not
    /// the layer's, only what runtimes would create.
    #[serde(default, skip_serializing_if = "is_false")]
    pub implied: bool,
    /// Index of the layer the bytes came from (bottom = 0).
    pub layer: usize,
    pub layer_digest: Digest,
    /// The symlinks followed to reach `entry`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved_from: Vec<String>,
    /// The first bytes of the file, base64 (standard alphabet).
    pub content_base64: String,
    /// The file is longer than what was sent.
    pub truncated: bool,
    /// Compressed bytes fetched from the registry to answer (0 for an empty file).
    pub fetched_bytes: u64,
    #[serde(default)]
    pub registry_notes: crate::api::RegistryNotes,
    pub trace: Vec<Exchange>,
}
