//! A tag list page read entry by entry: real tags are kept, everything else is counted, and
//! only a few short samples of it are kept to show. A registry may send 8 MiB pages of junk
//! (objects, numbers, megabyte strings) for a thousand pages; none of it is held whole.
//!
//! Hand-written serde visitors rather than `Vec<serde_json::Value>`: a `Value` per entry is
//! what kept junk whole, and a page of `[0,0,0,…]` is four million of them before any count
//! could stop it.

use std::fmt;

use lading_shared::api::SkippedTag;
use lading_shared::reference::is_valid_tag;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The distribution spec's tag grammar `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`: a longer "tag"
/// is junk, and is not kept.
pub const MAX_TAG_CHARS: usize = 128;
/// Skipped entries echoed in the answer (the rest are only counted).
pub const MAX_SKIPPED_SAMPLES: usize = 20;
/// Characters of a skipped entry echoed.
pub const MAX_SAMPLE_CHARS: usize = 64;

/// Tags kept over all pages, and what was skipped.
#[derive(Debug, Default)]
pub struct SortedTags {
    /// Valid tags, first-seen order (duplicates removed by [`SortedTags::finish`]).
    pub tags: Vec<String>,
    /// Samples of what was skipped, at most [`MAX_SKIPPED_SAMPLES`].
    pub skipped: Vec<SkippedTag>,
    /// Every entry skipped.
    pub skipped_count: u64,
    /// Every entry seen, tag or not (what `Limits::tags` caps).
    pub entries: usize,
    /// The entry past the limit was met: the page stopped there.
    pub over_limit: bool,
    /// Heap of the kept tags' strings.
    names: u64,
}

impl SortedTags {
    /// Reads one page's `tags` into these, stopping past `limit` entries in all.
    pub fn read_page(&mut self, body: &[u8], limit: usize) -> serde_json::Result<()> {
        let mut de = serde_json::Deserializer::from_slice(body);
        PageSeed {
            sorted: self,
            limit,
        }
        .deserialize(&mut de)?;
        de.end()
    }

    /// Heap these hold, and what [`SortedTags::finish`] and the JSON answer will take: what
    /// the tag list charges to the memory budget.
    pub fn heap(&self) -> u64 {
        // Per tag: its `String`, two words of `finish`'s work, and its quotes and comma.
        let per_tag = (std::mem::size_of::<String>() + 9 + 3) as u64;
        2 * self.names + self.tags.capacity() as u64 * per_tag
    }

    /// Drops repeated tags (keeping the first), reporting them as skipped.
    pub fn finish(&mut self) {
        let mut order: Vec<usize> = (0..self.tags.len()).collect();
        order.sort_by(|&a, &b| self.tags[a].cmp(&self.tags[b]).then(a.cmp(&b)));
        let mut repeated = vec![false; self.tags.len()];
        for pair in order.windows(2) {
            if self.tags[pair[0]] == self.tags[pair[1]] {
                repeated[pair[1]] = true;
            }
        }
        let mut index = 0;
        let mut dropped = Vec::new();
        self.tags.retain(|tag| {
            index += 1;
            if repeated[index - 1] {
                dropped.push(sample(&serde_json::Value::String(tag.clone()).to_string()));
            }
            !repeated[index - 1]
        });
        for value in dropped {
            self.skip(value, "listed twice");
        }
    }

    fn skip(&mut self, value: String, reason: &str) {
        self.skipped_count += 1;
        if self.skipped.len() < MAX_SKIPPED_SAMPLES {
            self.skipped.push(SkippedTag {
                value,
                reason: reason.into(),
            });
        }
    }

    fn string(&mut self, tag: &str) {
        let quoted = || sample(&serde_json::Value::String(tag.into()).to_string());
        if tag.len() > MAX_TAG_CHARS {
            let value = quoted();
            self.skip(
                value,
                &format!(
                    "longer than {MAX_TAG_CHARS} characters ({} bytes)",
                    tag.len()
                ),
            );
        } else if !is_valid_tag(tag) {
            self.skip(quoted(), "not a valid tag name");
        } else {
            self.names += tag.len() as u64 + 16;
            self.tags.push(tag.to_owned());
        }
    }
}

/// At most [`MAX_SAMPLE_CHARS`] characters of `text`, marked when cut.
fn sample(text: &str) -> String {
    match text.char_indices().nth(MAX_SAMPLE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

struct PageSeed<'a> {
    sorted: &'a mut SortedTags,
    limit: usize,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tag list object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "tags" {
                let tags = TagsSeed {
                    sorted: &mut *self.sorted,
                    limit: self.limit,
                };
                map.next_value_seed(tags)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The `tags` value: a list, or `null` (distribution's answer once every tag is deleted).
struct TagsSeed<'a> {
    sorted: &'a mut SortedTags,
    limit: usize,
}

impl<'de> DeserializeSeed<'de> for TagsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of tags or null")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            if self.sorted.entries >= self.limit {
                // Peek whether another entry follows: exactly `limit` entries are fine.
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    self.sorted.over_limit = true;
                    return Err(de::Error::custom("too many tags"));
                }
                return Ok(());
            }
            if seq
                .next_element_seed(EntrySeed(&mut *self.sorted))?
                .is_none()
            {
                return Ok(());
            }
            self.sorted.entries += 1;
        }
    }
}

/// One entry of the list: a string is sorted out, anything else skipped without being kept.
struct EntrySeed<'a>(&'a mut SortedTags);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tag")
    }

    fn visit_str<E>(self, tag: &str) -> Result<(), E> {
        self.0.string(tag);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.skip("null".into(), "not a string");
        Ok(())
    }

    fn visit_bool<E>(self, value: bool) -> Result<(), E> {
        self.0.skip(value.to_string(), "not a string");
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        self.0.skip(value.to_string(), "not a string");
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        self.0.skip(value.to_string(), "not a string");
        Ok(())
    }

    fn visit_f64<E>(self, value: f64) -> Result<(), E> {
        self.0.skip(value.to_string(), "not a string");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.0.skip("[…]".into(), "a list, not a string");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.0.skip("{…}".into(), "an object, not a string");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(pages: &[&str], limit: usize) -> SortedTags {
        let mut sorted = SortedTags::default();
        for page in pages {
            sorted.read_page(page.as_bytes(), limit).unwrap();
        }
        sorted.finish();
        sorted
    }

    #[test]
    fn junk_entries_are_counted_and_sampled() {
        let long = "a".repeat(200);
        let page = format!(
            r#"{{"name":"x","tags":["v1",null,"sha256:abc","v1",7,{{"a":[1,2]}},[3],"{long}","latest"]}}"#
        );
        let got = sorted(&[&page, r#"{"tags":null}"#], 100);
        assert_eq!(got.tags, ["v1", "latest"]);
        assert_eq!(got.skipped_count, 7);
        let reasons: Vec<&str> = got.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert!(reasons.contains(&"an object, not a string"), "{reasons:?}");
        let cut = got
            .skipped
            .iter()
            .find(|s| s.reason.starts_with("longer"))
            .unwrap();
        assert_eq!(
            cut.value.chars().count(),
            MAX_SAMPLE_CHARS + 1,
            "{}",
            cut.value
        );
    }

    #[test]
    fn samples_are_few_and_the_limit_stops_a_page() {
        let junk: Vec<String> = (0..1000).map(|i| format!(r#"{{"k":{i}}}"#)).collect();
        let page = format!(r#"{{"tags":[{}]}}"#, junk.join(","));
        let got = sorted(&[&page], 1000);
        assert_eq!(
            (got.skipped_count, got.skipped.len()),
            (1000, MAX_SKIPPED_SAMPLES)
        );
        let mut over = SortedTags::default();
        assert!(over.read_page(page.as_bytes(), 999).is_err());
        assert!(over.over_limit);
    }
}
