//! Issue 7: the attacks on a shared instance, replayed against `lading` (the real binary
//! where the attack needs one). Each module pins one finding and fails on the code before
//! its fix; SECURITY.md names each test.

mod cache_scope;
mod cache_variations;
mod host;
mod index_scope;
mod memory;
mod ranges;
mod redaction;
mod sockets;
