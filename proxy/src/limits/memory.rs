//! The process's resident memory, beyond what the listing budget ([`super::budget`]) counts.
//!
//! glibc's malloc gives each thread an arena of its own (up to eight per core) and keeps what
//! a thread frees in that arena for the thread's next allocations. Listings are read on many
//! blocking threads at once, so a burst of hostile listings, each freed at its cap, left up to
//! 2.4 times the budget resident (measured by `tests/attacks/memory.rs`: 460 MiB for a 192 MiB
//! budget; 209 MiB with one arena). `MALLOC_ARENA_MAX` is read only when a process starts and
//! `mallopt` is unsafe FFI (forbidden in this workspace), so `lading` starts itself again, once,
//! with it set. A value set by whoever runs `lading` is kept.

/// Arenas for the whole process: two threads allocate without waiting on each other, which on
/// the few cores Lading runs on costs nothing measurable.
pub const MALLOC_ARENAS: &str = "2";

/// Re-executes this process with [`MALLOC_ARENAS`] unless `MALLOC_ARENA_MAX` is set; returns
/// only when that is not needed or not possible (then the default arenas stay).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit_malloc_arenas() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let mut args = std::env::args_os();
    // `/proc/self/exe`: this very binary, even if the file was replaced since it started.
    let mut command = std::process::Command::new("/proc/self/exe");
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    let error = command
        .args(args)
        .env("MALLOC_ARENA_MAX", MALLOC_ARENAS)
        .exec();
    eprintln!("lading: could not restart with MALLOC_ARENA_MAX={MALLOC_ARENAS} ({error})");
}

/// Other allocators and systems keep their defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_malloc_arenas() {}
