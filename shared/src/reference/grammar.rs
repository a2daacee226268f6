//! The reference grammar's pieces, checked one at a time: registry host, repository path
//! component and tag (distribution's `reference/regexp.go`, written out by hand).

use super::{DOCKER_HUB, DOCKER_HUB_ALIASES, MAX_TAG_LEN, ReferenceError};

pub(super) fn validate_registry(host: &str) -> Result<String, ReferenceError> {
    let invalid = || ReferenceError::InvalidRegistry(host.to_string());
    let (hostname, port) = if let Some(rest) = host.strip_prefix('[') {
        let (ip, after) = rest.split_once(']').ok_or_else(invalid)?;
        // Hex and ':' only, as distribution's grammar says: Rust's parser would also accept
        // an embedded IPv4 tail (`[::ffff:1.2.3.4]`) that Docker rejects.
        let hex_or_colon = ip.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        if !hex_or_colon || ip.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(invalid());
        }
        match after {
            "" => (None, None),
            _ => (None, Some(after.strip_prefix(':').ok_or_else(invalid)?)),
        }
    } else {
        match host.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(host), None),
        }
    };
    if let Some(hostname) = hostname {
        let valid_label = |label: &str| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if !hostname.split('.').all(valid_label) {
            return Err(invalid());
        }
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p <= 65535);
        if !valid {
            return Err(ReferenceError::InvalidPort {
                registry: host.to_string(),
                port: port.to_string(),
            });
        }
    }
    let normalized = if DOCKER_HUB_ALIASES.contains(&host) {
        DOCKER_HUB.to_string()
    } else {
        host.to_string()
    };
    Ok(normalized)
}

/// `[a-z0-9]+` separated by `.`, `_`, `__` or any run of `-`.
pub(super) fn validate_component(component: &str) -> Result<(), ReferenceError> {
    if component.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(ReferenceError::Uppercase(component.to_string()));
    }
    let invalid = || ReferenceError::InvalidComponent {
        component: component.to_string(),
    };
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Err(invalid());
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let ok = matches!(separator, "." | "_" | "__") || separator.bytes().all(|b| b == b'-');
        if !ok {
            return Err(invalid());
        }
    }
    Ok(())
}

pub(super) fn validate_tag(tag: &str) -> Result<String, ReferenceError> {
    if tag.is_empty() {
        return Err(ReferenceError::EmptyTag);
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    let valid = tag.len() <= MAX_TAG_LEN
        && word(bytes[0])
        && bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-');
    if !valid {
        return Err(ReferenceError::InvalidTag(tag.to_string()));
    }
    Ok(tag.to_string())
}
