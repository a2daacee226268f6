//! One catalog page read entry by entry (a serde visitor, as tag pages are): entries are
//! counted as they arrive, so an 8 MiB page of `0,0,0,…` is refused at the cap instead of
//! first becoming millions of JSON values. Hand-written because serde has no "sequence with
//! a budget"; it is the same pattern as `tags/sort.rs`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What a page's `repositories` hold, fed to `accept` one at a time: `Some(name)` for a
/// string, `None` for anything else. `accept` returns `false` to stop (a cap reached).
pub struct PageReader<'a> {
    pub accept: &'a mut dyn FnMut(Option<&str>) -> bool,
    /// Set when `accept` stopped the read.
    pub stopped: bool,
}

/// Reads `body`; `Err` is serde's message (not the expected JSON).
pub fn read(body: &[u8], accept: &mut dyn FnMut(Option<&str>) -> bool) -> Result<bool, String> {
    let mut reader = PageReader {
        accept,
        stopped: false,
    };
    let mut json = serde_json::Deserializer::from_slice(body);
    match (&mut reader).deserialize(&mut json) {
        Ok(()) => Ok(false),
        Err(_) if reader.stopped => Ok(true),
        Err(e) => Err(e.to_string()),
    }
}

impl<'de> DeserializeSeed<'de> for &mut PageReader<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut PageReader<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a \"repositories\" list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "repositories" {
                map.next_value_seed(Entries(&mut *self))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Entries<'r, 'a>(&'r mut PageReader<'a>);

impl<'de> DeserializeSeed<'de> for Entries<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of repository names, or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<Entry>()? {
            if !(self.0.accept)(entry.0.as_deref()) {
                self.0.stopped = true;
                return Err(de::Error::custom("cap reached"));
            }
        }
        Ok(())
    }
}

/// A string entry, or anything else (read and dropped).
struct Entry(Option<String>);

impl<'de> de::Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entry, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Entry, E> {
                Ok(Entry(Some(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Entry, E> {
                Ok(Entry(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Entry, E> {
                Ok(Entry(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Entry, E> {
                Ok(Entry(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Entry, E> {
                Ok(Entry(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Entry, E> {
                Ok(Entry(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Entry(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Entry(None))
            }
        }
        deserializer.deserialize_any(Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_arrive_one_by_one_and_a_cap_stops_the_read() {
        let mut seen = Vec::new();
        let body = br#"{"repositories":["a/b",null,7,{"x":1},["y"],"c"],"other":[1]}"#;
        let stopped = read(body, &mut |e| {
            seen.push(e.map(String::from));
            true
        });
        assert_eq!(stopped, Ok(false));
        assert_eq!(
            seen,
            [Some("a/b".into()), None, None, None, None, Some("c".into())]
        );

        let zeros = format!("{{\"repositories\":[{}0]}}", "0,".repeat(100_000));
        let mut count = 0;
        let stopped = read(zeros.as_bytes(), &mut |_| {
            count += 1;
            count < 10
        });
        assert_eq!((stopped, count), (Ok(true), 10));
        assert!(read(b"{\"repositories\":", &mut |_| true).is_err());
        assert_eq!(read(b"{\"repositories\":null}", &mut |_| true), Ok(false));
    }
}
