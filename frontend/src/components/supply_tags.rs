//! Tags that are supply-chain paperwork rather than images: cosign's `sha256-<hex>.sig` /
//! `.att` / `.sbom` and the referrers fallback `sha256-<hex>`. The tag list leaves them out
//! of its (virtualised) list; this component counts them behind a toggle and, shown, says
//! what each is and links to the image it belongs to. From the same names, the "signed" /
//! "attested" badges of the tags whose digest has them — no request needed.

use std::collections::HashMap;

use lading_shared::supply::{CosignSuffix, SupplyTag, parse_supply_tag};
use lading_shared::{Digest, Reference, Repository};
use leptos::prelude::*;

use crate::components::count_filter::ShowMore;
use crate::components::link::Link;
use crate::format::group_thousands;
use crate::links::image_href;

/// Paperwork tags drawn at first when shown (and added per "Show more"): a repository of
/// thousands of signed images has thousands of them.
const WINDOW: usize = 100;

/// A paperwork tag and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paperwork {
    pub tag: String,
    pub supply: SupplyTag,
}

/// The tags that name images, and the paperwork, each in the order given.
pub fn split_tags(tags: Vec<String>) -> (Vec<String>, Vec<Paperwork>) {
    let mut ordinary = Vec::with_capacity(tags.len());
    let mut paperwork = Vec::new();
    for tag in tags {
        match parse_supply_tag(&tag) {
            Some(supply) => paperwork.push(Paperwork { tag, supply }),
            None => ordinary.push(tag),
        }
    }
    (ordinary, paperwork)
}

/// What the paperwork says about one digest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub signed: bool,
    pub attested: bool,
    pub sbom: bool,
}

/// Each subject digest's marks, from its cosign tags (the fallback tag alone says nothing
/// about what kind its referrers are, so it marks nothing).
pub fn marks(paperwork: &[Paperwork]) -> HashMap<Digest, Marks> {
    let mut out: HashMap<Digest, Marks> = HashMap::new();
    for p in paperwork {
        let Some(suffix) = p.supply.cosign else {
            continue;
        };
        let mark = out.entry(p.supply.subject.clone()).or_default();
        match suffix {
            CosignSuffix::Sig => mark.signed = true,
            CosignSuffix::Att => mark.attested = true,
            CosignSuffix::Sbom => mark.sbom = true,
        }
    }
    out
}

/// What a paperwork tag is, in words.
pub fn what(supply: &SupplyTag) -> &'static str {
    match supply.cosign {
        Some(CosignSuffix::Sig) => "cosign signature",
        Some(CosignSuffix::Att) => "cosign attestation",
        Some(CosignSuffix::Sbom) => "cosign SBOM",
        None => "referrers index",
    }
}

/// "Show 3 signature and attestation tags" / "Hide …".
pub fn toggle_label(count: usize, shown: bool) -> String {
    let verb = if shown { "Hide" } else { "Show" };
    let noun = if count == 1 {
        "signature or attestation tag"
    } else {
        "signature and attestation tags"
    };
    format!("{verb} {} {noun}", group_thousands(count))
}

/// The badges of a tag whose digest has cosign paperwork.
#[component]
pub fn SupplyBadges(marks: Marks) -> impl IntoView {
    let badges = [
        (
            marks.signed,
            "signed",
            "a cosign signature tag (.sig) names this digest",
        ),
        (
            marks.attested,
            "attested",
            "a cosign attestation tag (.att) names this digest",
        ),
        (
            marks.sbom,
            "SBOM",
            "a cosign SBOM tag (.sbom) names this digest",
        ),
    ];
    badges
        .into_iter()
        .filter(|(on, ..)| *on)
        .map(|(_, word, why)| {
            view! { " " <span class="badge badge-supply" data-testid="supply-badge" title=why>{word}</span> }
        })
        .collect_view()
}

/// The toggle, and the paperwork tags once shown.
#[component]
pub fn SupplyTags(repository: Repository, paperwork: Vec<Paperwork>) -> impl IntoView {
    let count = paperwork.len();
    let shown = RwSignal::new(false);
    let limit = RwSignal::new(WINDOW);
    let paperwork = StoredValue::new(paperwork);
    // Stored, so the rows' closure is `Copy` and `<Show>` can draw it again.
    let repository = StoredValue::new(repository);
    let reference = move |tag: Option<&str>, digest: Option<&Digest>| {
        repository.with_value(|r| Reference {
            registry: r.registry.clone(),
            repository: r.repository.clone(),
            tag: tag.map(str::to_owned),
            digest: digest.cloned(),
        })
    };
    let rows = move || {
        paperwork.with_value(|all| {
            all.iter()
                .take(limit.get())
                .map(|p| {
                    let tag_href = image_href(&reference(Some(&p.tag), None));
                    let subject = p.supply.subject.clone();
                    let image = image_href(&reference(None, Some(&subject)));
                    let (tag, key, kind) = (p.tag.clone(), p.tag.clone(), what(&p.supply));
                    let (short, full) = (subject.short(), subject.to_string());
                    view! {
                        <li data-testid="supply-tag" data-tag=key>
                            <Link href=tag_href class="mono">{tag}</Link>
                            " — " {kind} " of "
                            <Link href=image class="digest mono" testid="supply-tag-subject" title=full>
                                {short}
                            </Link>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="supply-tags">
            <button type="button" class="link-button" data-testid="supply-tags-toggle"
                aria-expanded=move || shown.get().to_string()
                on:click=move |_| shown.update(|s| *s = !*s)>
                {move || toggle_label(count, shown.get())}
            </button>
            <Show when=move || shown.get()>
                <p class="muted small">
                    "Tags that cosign and the referrers tag schema use to file signatures, \
                     attestations and SBOMs beside the image they belong to."
                </p>
                <ul class="supply-tag-list" data-testid="supply-tag-list">{rows}</ul>
                <ShowMore hidden=Signal::derive(move || count.saturating_sub(limit.get())) limit window=WINDOW />
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    #[test]
    fn paperwork_is_split_from_the_tags_and_marks_its_subject() {
        let tags = vec![
            "latest".to_owned(),
            format!("sha256-{HEX}.sig"),
            format!("sha256-{HEX}.att"),
            format!("sha256-{HEX}"),
            "sha256-abc.sig".to_owned(),
        ];
        let (ordinary, paperwork) = split_tags(tags);
        assert_eq!(ordinary, ["latest", "sha256-abc.sig"]);
        assert_eq!(paperwork.len(), 3);
        let kinds: Vec<&str> = paperwork.iter().map(|p| what(&p.supply)).collect();
        assert_eq!(
            kinds,
            ["cosign signature", "cosign attestation", "referrers index"]
        );
        let marks = marks(&paperwork);
        let subject: Digest = format!("sha256:{HEX}").parse().unwrap();
        assert_eq!(
            marks.get(&subject),
            Some(&Marks {
                signed: true,
                attested: true,
                sbom: false
            })
        );
        assert_eq!(marks.len(), 1);
    }

    #[test]
    fn the_toggle_says_how_many() {
        assert_eq!(
            toggle_label(3, false),
            "Show 3 signature and attestation tags"
        );
        assert_eq!(
            toggle_label(3, true),
            "Hide 3 signature and attestation tags"
        );
        assert_eq!(
            toggle_label(1, false),
            "Show 1 signature or attestation tag"
        );
        assert_eq!(
            toggle_label(1200, false),
            "Show 1,200 signature and attestation tags"
        );
    }
}
