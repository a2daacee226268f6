//! Issue 11 suite (being written).
