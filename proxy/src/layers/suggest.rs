//! "Did you mean": the names in a directory closest to one that is not there.

/// Suggestions one answer carries.
pub const MAX_SUGGESTIONS: usize = 5;

/// The names (at most [`MAX_SUGGESTIONS`]) closest to `wanted`, closest first, then by name:
/// a name that starts the other (`host` → `hostname`) counts as one edit; otherwise the
/// optimal-string-alignment distance (a swap of two letters is one edit), compared without
/// case. Names further than half of `wanted` (at least 2 edits) are no suggestion.
pub fn nearest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let reach = (wanted.chars().count() / 2).max(2);
    let mut best: Vec<(usize, &str)> = Vec::with_capacity(MAX_SUGGESTIONS + 1);
    for name in names {
        if name == wanted {
            continue;
        }
        let lower = name.to_lowercase();
        let distance = if lower.starts_with(&wanted_lower) || wanted_lower.starts_with(&lower) {
            1
        } else {
            strsim::osa_distance(&wanted_lower, &lower)
        };
        if distance > reach {
            continue;
        }
        // Kept sorted and short: a directory of millions of names costs no more memory.
        let at = best.partition_point(|&(d, n)| (d, n) < (distance, name));
        if at < MAX_SUGGESTIONS {
            best.insert(at, (distance, name));
            best.truncate(MAX_SUGGESTIONS);
        }
    }
    best.into_iter().map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_names_come_first() {
        let dir = [
            "hostname",
            "hosts",
            "passwd",
            "group",
            "shadow",
            "motd",
            "os-release",
            "Hostname2",
        ];
        let cases: [(&str, &[&str]); 7] = [
            ("hostnme", &["hostname", "Hostname2", "hosts"]),
            ("host", &["Hostname2", "hostname", "hosts"]),
            ("pasword", &["passwd"]),
            ("gruop", &["group"]),
            ("os-relaese", &["os-release"]),
            ("xyz", &[]),
            ("motd", &[]),
        ];
        for (wanted, want) in cases {
            assert_eq!(nearest(wanted, dir), want, "{wanted}");
        }
    }

    #[test]
    fn at_most_five_of_many() {
        let names: Vec<String> = (0..1000).map(|i| format!("f{i:03}")).collect();
        let near = nearest("f00", names.iter().map(String::as_str));
        assert_eq!(near, ["f000", "f001", "f002", "f003", "f004"]);
    }
}
