//! What a Reproduce panel can offer: the view's own subject and the others its page can
//! reach (a layer's download, the export, each layer of a merged view).

use lading_shared::Digest;
use lading_shared::layer::LayerInfo;
use lading_shared::reproduce::{ImageTarget, Subject};

use crate::layer_links::{self, Source};

/// One subject the panel's selector offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub subject: Subject,
}

impl Choice {
    pub fn this_view(subject: Subject) -> Choice {
        Choice {
            label: "this view".to_owned(),
            subject,
        }
    }

    /// Downloading layer `number` (1 = bottom) as stored.
    pub fn blob(image: &ImageTarget, number: usize, digest: &Digest) -> Choice {
        Choice {
            label: format!("download layer {number} ({}…)", digest.short()),
            subject: Subject::Blob {
                image: image.clone(),
                digest: digest.clone(),
            },
        }
    }

    /// Listing layer `number` (1 = bottom).
    pub fn layer(image: &ImageTarget, number: usize, digest: &Digest) -> Choice {
        Choice {
            label: format!("list layer {number} ({}…)", digest.short()),
            subject: Subject::Layer {
                image: image.clone(),
                layer: digest.clone(),
            },
        }
    }

    pub fn export(image: &ImageTarget) -> Choice {
        Choice {
            label: "export the image".to_owned(),
            subject: Subject::Export {
                image: image.clone(),
            },
        }
    }
}

/// What an image's page offers: the view itself, each layer's download (bottom first) and,
/// for an image that can be exported, the export.
pub fn image_choices(subject: &Subject, layers: &[Digest], exportable: bool) -> Vec<Choice> {
    let Some(image) = subject.image() else {
        return Vec::new();
    };
    let mut choices = vec![Choice::this_view(subject.clone())];
    choices.extend(
        layers
            .iter()
            .enumerate()
            .map(|(i, digest)| Choice::blob(image, i + 1, digest)),
    );
    if exportable {
        choices.push(Choice::export(image));
    }
    choices
}

/// The image a filesystem view (a listing, a file) is about.
pub fn image_target(view: &layer_links::Subject) -> ImageTarget {
    ImageTarget {
        reference: view.reference.clone(),
        platform: view.platform.clone(),
    }
}

/// What a layer listing or the merged view reproduces: its subject, the selector's
/// choices and a note. A layer: its listing, or its download. The merged filesystem is no
/// one request sequence: each layer's listing (and the export) instead, the first layer
/// standing in as the subject of the trace's exports; `None` while no layer is known.
pub fn filesystem_reproduction(
    view: &layer_links::Subject,
    layers: &[LayerInfo],
) -> Option<(Subject, Vec<Choice>, Option<String>)> {
    let image = image_target(view);
    match &view.source {
        Source::Layer(digest) => {
            let subject = Subject::Layer {
                image: image.clone(),
                layer: digest.clone(),
            };
            let download = Choice {
                label: "download this layer".to_owned(),
                subject: Subject::Blob {
                    image,
                    digest: digest.clone(),
                },
            };
            Some((
                subject.clone(),
                vec![Choice::this_view(subject), download],
                None,
            ))
        }
        Source::Merged => {
            let mut choices: Vec<Choice> = layers
                .iter()
                .enumerate()
                .map(|(i, layer)| Choice::layer(&image, i + 1, &layer.digest))
                .collect();
            let subject = choices.first()?.subject.clone();
            choices.push(Choice::export(&image));
            let note = "The merged filesystem is every layer applied in order, not one \
                        download: it is reproduced layer by layer. Choose a layer (bottom \
                        first) or the whole image's export."
                .to_owned();
            Some((subject, choices, Some(note)))
        }
    }
}

#[cfg(test)]
mod tests {
    use lading_shared::Reference;
    use lading_shared::media_type::MediaType;

    use super::*;

    fn digest(c: char) -> Digest {
        Digest::parse(&format!("sha256:{}", c.to_string().repeat(64))).expect("digest")
    }

    fn view(source: Source) -> layer_links::Subject {
        layer_links::Subject {
            reference: Reference::parse("localhost:5000/app:1").expect("reference"),
            platform: Some(digest('f')),
            source,
        }
    }

    fn layer(c: char) -> LayerInfo {
        LayerInfo {
            digest: digest(c),
            size: 10,
            media_type: MediaType::parse("application/vnd.oci.image.layer.v1.tar+gzip"),
            compression: None,
        }
    }

    #[test]
    fn an_image_offers_itself_each_layer_download_and_the_export() {
        let subject = Subject::Manifest(image_target(&view(Source::Merged)));
        let choices = image_choices(&subject, &[digest('a'), digest('b')], true);
        let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "this view",
                "download layer 1 (sha256:aaaaaaaaaaaa…)",
                "download layer 2 (sha256:bbbbbbbbbbbb…)",
                "export the image",
            ]
        );
        assert_eq!(choices[0].subject, subject);
        assert!(
            matches!(&choices[2].subject, Subject::Blob { digest: d, image } if *d == digest('b') && image.platform == Some(digest('f')))
        );
        assert!(image_choices(&subject, &[], false).len() == 1);
    }

    #[test]
    fn a_layer_listing_offers_its_download() {
        let (subject, choices, note) =
            filesystem_reproduction(&view(Source::Layer(digest('a'))), &[]).expect("a layer");
        assert!(matches!(subject, Subject::Layer { ref layer, .. } if *layer == digest('a')));
        assert_eq!(choices[0].subject, subject);
        assert!(matches!(choices[1].subject, Subject::Blob { .. }));
        assert_eq!(note, None);
    }

    #[test]
    fn the_merged_view_is_reproduced_layer_by_layer() {
        let merged = view(Source::Merged);
        assert_eq!(filesystem_reproduction(&merged, &[]), None);
        let (subject, choices, note) =
            filesystem_reproduction(&merged, &[layer('a'), layer('b')]).expect("layers known");
        assert_eq!(subject, choices[0].subject);
        assert_eq!(choices.len(), 3);
        assert!(
            matches!(choices[1].subject, Subject::Layer { ref layer, .. } if *layer == digest('b'))
        );
        assert!(matches!(choices[2].subject, Subject::Export { .. }));
        assert!(note.is_some_and(|n| n.contains("layer by layer")));
    }
}
