//! Name resolution for clients under test: a hosts file mapping the real names to the World's
//! loopback addresses, and a launcher that runs a program in a private mount namespace where
//! that file is `/etc/hosts`. Nothing on the machine changes and parallel tests don't collide
//! (`unshare` makes mounts private).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::Path;

/// The script `sh -c` runs: `$0` is the hosts file, `$@` the program and its arguments.
const BIND_HOSTS: &str = "mount --bind \"$0\" /etc/hosts && exec \"$@\"";

/// `/etc/hosts` text: localhost, then `ADDR NAME` for every served name.
pub fn hosts_text(entries: &[(SocketAddr, String)]) -> String {
    let mut text =
        String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    for (addr, name) in entries {
        text.push_str(&format!("{}\t{name}\n", addr.ip()));
    }
    text
}

/// `unshare --mount -- sh -c BIND_HOSTS HOSTS_FILE`: put the program and its arguments after it.
pub fn prefix(hosts_file: &Path) -> Vec<OsString> {
    ["unshare", "--mount", "--", "sh", "-c", BIND_HOSTS]
        .into_iter()
        .map(OsString::from)
        .chain([hosts_file.as_os_str().to_owned()])
        .collect()
}
