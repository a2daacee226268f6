//! What people paste into a reference box: a reference, but often wrapped in a command
//! (`docker pull alpine:3.9`), a URL (`https://ghcr.io/org/app:tag`), a Docker Hub page
//! (`hub.docker.com/_/alpine`) or quotes. [`pasted`] peels those off and says what it
//! peeled, so the page can show the rule instead of silently guessing. The result is then
//! parsed by [`crate::Reference::parse`] like anything typed.

/// Tools whose commands name an image.
const TOOLS: [&str; 4] = ["docker", "podman", "nerdctl", "finch"];
/// Subcommands (after a tool) whose first operand is the image. `docker run` is understood
/// too: its flags are skipped (with their values, see [`RUN_VALUE_FLAGS`]) and whatever
/// follows the image is its command, which a viewer has no use for.
const SUBCOMMANDS: [&[&str]; 9] = [
    &["pull"],
    &["run"],
    &["create"],
    &["inspect"],
    &["image", "pull"],
    &["image", "inspect"],
    &["manifest", "inspect"],
    &["buildx", "imagetools", "inspect"],
    &["container", "run"],
];
/// Flags of `run`/`create`/`pull` that take the next word as their value (`-p 80:80`).
const RUN_VALUE_FLAGS: [&str; 42] = [
    "-a",
    "-c",
    "-e",
    "-h",
    "-l",
    "-m",
    "-p",
    "-u",
    "-v",
    "-w",
    "--add-host",
    "--attach",
    "--cap-add",
    "--cap-drop",
    "--cgroupns",
    "--cpus",
    "--device",
    "--dns",
    "--entrypoint",
    "--env",
    "--env-file",
    "--expose",
    "--gpus",
    "--hostname",
    "--ipc",
    "--label",
    "--log-driver",
    "--log-opt",
    "--memory",
    "--mount",
    "--name",
    "--network",
    "--pid",
    "--platform",
    "--publish",
    "--pull",
    "--restart",
    "--runtime",
    "--security-opt",
    "--user",
    "--volume",
    "--workdir",
];
/// Schemes people copy from browsers and from skopeo (`docker://`).
const SCHEMES: [&str; 4] = ["https://", "http://", "docker://", "oci://"];
/// Docker Hub's web site, whose page paths name repositories.
const HUB_SITES: [&str; 2] = ["hub.docker.com", "www.docker.com"];

/// A pasted text read as a reference candidate, and what was removed to get there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pasted {
    /// The text to parse as a reference.
    pub reference: String,
    /// One sentence per thing removed or rewritten, for the page to show.
    pub notes: Vec<String>,
}

/// Reads `input` as pasted text: trims it, removes quotes, a `$ `/`sudo` prefix, a
/// `docker|podman … pull|run|inspect` command, a URL scheme, a Docker Hub or Quay page URL,
/// a `/v2/…/manifests/…` API path, a query, a fragment and a trailing slash. Text that is
/// already a reference comes back unchanged, with no notes.
pub fn pasted(input: &str) -> Pasted {
    let mut notes = Vec::new();
    let mut text = input.trim().to_string();
    if let Some(inner) = unquote(&text) {
        notes.push("Removed the quotes around it.".to_string());
        text = inner.trim().to_string();
    }
    if let Some(operand) = command_operand(&text, &mut notes) {
        text = operand;
        if let Some(inner) = unquote(&text) {
            text = inner.to_string();
        }
    }
    text = strip_url(&text, &mut notes);
    Pasted {
        reference: text,
        notes,
    }
}

fn unquote(text: &str) -> Option<&str> {
    ['"', '\'', '`'].into_iter().find_map(|q| {
        text.strip_prefix(q)
            .and_then(|rest| rest.strip_suffix(q))
            .filter(|inner| !inner.is_empty())
    })
}

/// The image operand of a pasted command, when `text` is one.
fn command_operand(text: &str, notes: &mut Vec<String>) -> Option<String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    if words.first() == Some(&"$") {
        words.remove(0);
    }
    if words.first() == Some(&"sudo") {
        words.remove(0);
    }
    let tool = *words.first()?;
    if !TOOLS.contains(&tool) {
        return None;
    }
    let sub = SUBCOMMANDS
        .iter()
        .filter(|sub| words.len() > sub.len() && words[1..=sub.len()] == ***sub)
        .max_by_key(|sub| sub.len())?;
    let rest = &words[1 + sub.len()..];
    let (index, skipped_flags) = first_operand(rest)?;
    let command = words[..=sub.len()].join(" ");
    let mut note = format!("Read the image out of the \"{command}\" command");
    if skipped_flags {
        note.push_str(", skipping its options");
    }
    if index + 1 < rest.len() {
        note.push_str("; what follows the image (a command to run) is ignored");
    }
    note.push('.');
    notes.push(note);
    Some(rest[index].to_string())
}

/// The position of the first word that is not a flag (or a flag's value).
fn first_operand(words: &[&str]) -> Option<(usize, bool)> {
    let mut i = 0;
    let mut skipped = false;
    while i < words.len() {
        let word = words[i];
        if !word.starts_with('-') || word == "-" {
            return Some((i, skipped));
        }
        skipped = true;
        let takes_value = !word.contains('=') && RUN_VALUE_FLAGS.contains(&word);
        i += if takes_value { 2 } else { 1 };
    }
    None
}

/// Removes a scheme and reads web page and API URLs as the repository they show.
fn strip_url(text: &str, notes: &mut Vec<String>) -> String {
    let mut text = text.to_string();
    if let Some(scheme) = SCHEMES.iter().find(|s| text.starts_with(**s)) {
        notes.push(format!(
            "Dropped \"{scheme}\": a reference names a registry host, not a URL."
        ));
        text = text[scheme.len()..].to_string();
    } else if !text.contains('/') || !HUB_SITES.iter().any(|s| text.starts_with(s)) {
        // Without a scheme only a Hub page is read as a URL: a reference's own ':' and
        // '@' must stay as they are.
        return text;
    }
    let cut = text.find(['?', '#']).unwrap_or(text.len());
    if cut < text.len() {
        text.truncate(cut);
    }
    let text = text.trim_end_matches('/').to_string();
    let (host, path) = text.split_once('/').unwrap_or((&text, ""));
    if HUB_SITES.contains(&host) {
        if let Some(reference) = hub_page(path) {
            notes.push(format!(
                "Read the Docker Hub page address as the repository it shows, \"{reference}\"."
            ));
            return reference;
        }
    } else if host == "quay.io"
        && let Some(repository) = path.strip_prefix("repository/")
    {
        notes.push("Read the Quay page address as the repository it shows.".to_string());
        return format!("quay.io/{repository}");
    } else if let Some(reference) = api_path(host, path) {
        notes.push("Read the registry API address as the reference it names.".to_string());
        return reference;
    }
    text
}

/// `_/alpine`, `r/org/app[/tags]`, `layers/library/alpine/3.9/images/sha256-…`.
fn hub_page(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["_", name, ..] => Some(name.to_string()),
        ["r", namespace, name, ..] => Some(format!("{namespace}/{name}")),
        ["layers", namespace, name, tag, "images", digest, ..] => {
            let digest = digest.replacen('-', ":", 1);
            Some(format!("{namespace}/{name}:{tag}@{digest}"))
        }
        ["layers", namespace, name, tag, ..] => Some(format!("{namespace}/{name}:{tag}")),
        _ => None,
    }
}

/// `HOST/v2/REPO/manifests/REF` → `HOST/REPO:REF` (or `@REF` for a digest);
/// `HOST/v2/REPO/tags/list` → `HOST/REPO`.
fn api_path(host: &str, path: &str) -> Option<String> {
    let rest = path.strip_prefix("v2/")?;
    if let Some((repository, reference)) = rest.rsplit_once("/manifests/") {
        let separator = if reference.contains(':') { '@' } else { ':' };
        return Some(format!("{host}/{repository}{separator}{reference}"));
    }
    let repository = rest.strip_suffix("/tags/list")?;
    Some(format!("{host}/{repository}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "4aa3054270f7c3a9b4b0a7e0c8e1e7a8c9a1c64c12d9f3f1e0e47c83c9b4d2e1";

    #[test]
    fn pasted_text_becomes_a_reference() {
        let digest_page = format!("hub.docker.com/layers/library/alpine/3.9/images/sha256-{HEX}");
        let digest_ref = format!("library/alpine:3.9@sha256:{HEX}");
        let api_digest = format!("https://r.example/v2/team/api/manifests/sha256:{HEX}");
        let api_digest_ref = format!("r.example/team/api@sha256:{HEX}");
        let cases: Vec<(&str, &str, usize)> = vec![
            // (input, reference, number of notes)
            ("alpine:3.9", "alpine:3.9", 0),
            ("  alpine:3.9 \n", "alpine:3.9", 0),
            ("alpine", "alpine", 0),
            ("ghcr.io/org/app", "ghcr.io/org/app", 0),
            (
                "localhost:5000/team/api@sha256:ab",
                "localhost:5000/team/api@sha256:ab",
                0,
            ),
            ("\"alpine:3.9\"", "alpine:3.9", 1),
            ("'ghcr.io/org/app:v1'", "ghcr.io/org/app:v1", 1),
            ("`alpine`", "alpine", 1),
            ("docker pull alpine:3.9", "alpine:3.9", 1),
            ("$ docker pull alpine:3.9", "alpine:3.9", 1),
            ("sudo docker pull alpine", "alpine", 1),
            (
                "podman pull quay.io/prometheus/prometheus",
                "quay.io/prometheus/prometheus",
                1,
            ),
            ("nerdctl pull --platform linux/arm64 alpine", "alpine", 1),
            ("docker pull -q --platform=linux/arm64 alpine", "alpine", 1),
            ("docker image pull nginx:1.25", "nginx:1.25", 1),
            ("docker manifest inspect nginx", "nginx", 1),
            ("docker buildx imagetools inspect nginx", "nginx", 1),
            (
                "docker run --rm -it -p 8080:80 -e A=b nginx:latest sh -c 'x'",
                "nginx:latest",
                1,
            ),
            ("docker run --name web -v /a:/b nginx", "nginx", 1),
            ("docker pull \"alpine\"", "alpine", 1),
            ("https://ghcr.io/org/app:tag", "ghcr.io/org/app:tag", 1),
            ("http://localhost:5000/x", "localhost:5000/x", 1),
            ("docker://alpine:3.9", "alpine:3.9", 1),
            ("https://ghcr.io/org/app/", "ghcr.io/org/app", 1),
            ("hub.docker.com/_/alpine", "alpine", 1),
            ("https://hub.docker.com/_/alpine?tab=tags", "alpine", 2),
            ("hub.docker.com/r/org/app", "org/app", 1),
            ("https://hub.docker.com/r/org/app/tags", "org/app", 2),
            (
                "hub.docker.com/layers/library/alpine/3.9/images",
                "library/alpine:3.9",
                1,
            ),
            (&digest_page, &digest_ref, 1),
            (
                "https://quay.io/repository/org/app?tab=tags",
                "quay.io/org/app",
                2,
            ),
            (
                "https://r.example/v2/team/api/manifests/v2",
                "r.example/team/api:v2",
                2,
            ),
            (&api_digest, &api_digest_ref, 2),
            (
                "https://r.example/v2/team/api/tags/list",
                "r.example/team/api",
                2,
            ),
        ];
        for (input, reference, notes) in cases {
            let got = pasted(input);
            assert_eq!(got.reference, reference, "{input:?}");
            assert_eq!(got.notes.len(), notes, "{input:?}: {:?}", got.notes);
        }
    }

    #[test]
    fn what_is_not_a_command_or_url_is_left_for_the_parser_to_explain() {
        for input in [
            "docker",
            "docker pull",
            "docker pull --quiet",
            "git clone x",
            "hub.docker.com",
            "ftp://x/y",
            "",
        ] {
            let got = pasted(input);
            assert!(got.notes.is_empty(), "{input:?}: {:?}", got.notes);
            assert_eq!(got.reference, input.trim(), "{input:?}");
        }
    }

    #[test]
    fn notes_say_what_was_removed() {
        let got = pasted("docker run --rm nginx:1.25 nginx -g 'daemon off;'");
        assert_eq!(
            got.notes,
            [
                "Read the image out of the \"docker run\" command, skipping its options; what \
              follows the image (a command to run) is ignored."
            ]
        );
        let got = pasted("https://ghcr.io/org/app:v1");
        assert_eq!(
            got.notes,
            ["Dropped \"https://\": a reference names a registry host, not a URL."]
        );
    }

    #[test]
    fn every_result_of_a_known_shape_parses() {
        for input in [
            "docker pull alpine:3.9",
            "https://ghcr.io/org/app:tag",
            "http://localhost:5000/x",
            "hub.docker.com/_/alpine",
            "hub.docker.com/r/org/app",
        ] {
            let got = pasted(input);
            assert!(
                crate::Reference::parse(&got.reference).is_ok(),
                "{input:?} → {:?}",
                got.reference
            );
        }
    }
}
