//! Issue 12 in a real browser: the tag list's signature and attestation tags (hidden behind
//! a toggle, each linked to its image, badges from the registry's own tag details), and the
//! image view's "Supply chain" section over the referrers fallback tag and cosign's tags
//! of Debian's distribution registry (which has no referrers API).

mod section;
mod stand;
mod tags;
mod verify;
