//! The registry protocol's nouns, compiled for wasm32 (the frontend) and native (the proxy).
//!
//! Everything both sides need to agree on lives here once: how `alpine` becomes
//! `docker.io/library/alpine:latest`, what a digest is, which media types exist and what they
//! mean, how a manifest of any kind is decoded from raw bytes, and the API contract between
//! frontend and proxy. No I/O happens here; that keeps the crate small enough for wasm and
//! trivially testable.
//!
//! The key design decision: decoding is lenient and keeps the raw bytes. Real registries send
//! manifests without `mediaType`, configs with `null` lists and Docker-only fields, and
//! `Content-Type` headers that lie; strict typed structs would reject images people run every
//! day. So types accept variation, unknown media types survive as `Other`, and every view that
//! shows "raw" or checks a digest works from the bytes as received.

pub mod api;
pub mod config;
pub mod descriptor;
pub mod digest;
pub mod glob;
pub mod layer;
pub mod manifest;
pub mod media_type;
pub mod platform;
pub mod reference;
pub mod reproduce;
mod serde_util;
pub mod supply;

pub use config::{ContainerConfig, History, HistoryRow, ImageConfig, clean_command, history_rows};
pub use descriptor::Descriptor;
pub use digest::Digest;
pub use manifest::{ImageIndex, ImageManifest, Manifest, Schema1Manifest};
pub use media_type::MediaType;
pub use platform::Platform;
pub use reference::{Reference, ReferenceError, Repository};
