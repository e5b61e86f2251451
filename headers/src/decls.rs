//! [`Decls`]: the declarations of one kind by name, as [`HeaderModel`](crate::HeaderModel)
//! holds them. A model read through libclang has them decoded; a model loaded from the cache
//! keeps them in their stored form, a table, and decodes a declaration when it is first asked
//! for.
//!
//! Kernel headers declare tens of thousands of names, of which a spec asks for a handful; a
//! warm `check-spec` that decoded them all spent most of its time doing so. Lookups by name
//! ([`Decls::get`], [`Decls::contains_key`], [`Decls::keys`]) therefore work on the table;
//! everything that needs the whole map (iterating, indexing, comparing, printing) decodes it
//! all, once.
//!
//! A table, inside an entry's bytes: `count: u32`, then `count` rows of `name_end: u32,
//! value_end: u32`, then the names one after another (sorted, as a `BTreeMap` orders them),
//! then the values (each MessagePack). A row's name and value start where the previous row's
//! end; all integers are little-endian. This module owns that layout and nothing else: which
//! tables an entry has, and whether its bytes can be trusted, are the cache's business.
//!
//! A stored value that does not decode marks the whole entry damaged (lookups then answer as
//! if the name were absent); the caller checks [`Decls::is_damaged`] and reads the headers
//! again. The cache checks a hash of the bytes first, so this is a second line of defence.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Index, Range};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The bytes of a cache entry that tables point into, shared by the tables of one model.
#[derive(Debug)]
pub(crate) struct Stored {
    bytes: Vec<u8>,
    /// Set when a value in these bytes did not decode.
    damaged: AtomicBool,
}

impl Stored {
    pub(crate) fn new(bytes: Vec<u8>) -> Arc<Stored> {
        Arc::new(Stored {
            bytes,
            damaged: AtomicBool::new(false),
        })
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn damage(&self) {
        self.damaged.store(true, Ordering::Relaxed);
    }
}

/// One table inside a [`Stored`] entry.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    stored: Arc<Stored>,
    /// Where the rows start.
    rows: usize,
    count: usize,
    /// Where the names start.
    names: usize,
    /// Where the values start.
    values: usize,
}

const ROW: usize = 8;

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let four = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(four.try_into().ok()?) as usize)
}

impl Table {
    /// The table in `range` of `stored`; `None` if it does not fill the range exactly.
    pub(crate) fn open(stored: &Arc<Stored>, range: Range<usize>) -> Option<Table> {
        let bytes = stored.bytes.get(range.clone())?;
        let count = u32_at(bytes, 0)?;
        let rows = range.start + 4;
        let names = rows.checked_add(count.checked_mul(ROW)?)?;
        let (names_len, values_len) = match count {
            0 => (0, 0),
            n => {
                let last = rows + (n - 1) * ROW;
                (
                    u32_at(&stored.bytes, last)?,
                    u32_at(&stored.bytes, last + 4)?,
                )
            }
        };
        let values = names.checked_add(names_len)?;
        (values.checked_add(values_len)? == range.end).then(|| Table {
            stored: Arc::clone(stored),
            rows,
            count,
            names,
            values,
        })
    }

    /// The `(name_end, value_end)` of row `i`, relative to where names and values start.
    fn ends(&self, i: usize) -> Option<(usize, usize)> {
        let at = self.rows + i * ROW;
        Some((
            u32_at(&self.stored.bytes, at)?,
            u32_at(&self.stored.bytes, at + 4)?,
        ))
    }

    fn starts(&self, i: usize) -> Option<(usize, usize)> {
        match i {
            0 => Some((0, 0)),
            _ => self.ends(i - 1),
        }
    }

    fn name(&self, i: usize) -> Option<&str> {
        let (start, end) = (self.starts(i)?.0, self.ends(i)?.0);
        let bytes = self
            .stored
            .bytes
            .get(self.names + start..self.names + end)?;
        let name = std::str::from_utf8(bytes).ok();
        if name.is_none() {
            self.stored.damage();
        }
        name
    }

    fn value<T: DeserializeOwned>(&self, i: usize) -> Option<T> {
        let (start, end) = (self.starts(i)?.1, self.ends(i)?.1);
        let value = self
            .stored
            .bytes
            .get(self.values + start..self.values + end)
            .and_then(|bytes| rmp_serde::from_slice(bytes).ok());
        if value.is_none() {
            self.stored.damage();
        }
        value
    }

    /// The row of `name`, by binary search: names are stored in order.
    fn find(&self, name: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.count);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.name(mid)?.cmp(name) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}

/// Appends the table of `map` to `out`. Fails only when the table would not fit the 32-bit
/// offsets (4 GiB).
pub(crate) fn write_table<T: Serialize>(
    map: &BTreeMap<String, T>,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let too_big = || std::io::Error::other("a table of the header model is over 4 GiB");
    let mut rows = Vec::with_capacity(4 + map.len() * ROW);
    let mut names: Vec<u8> = Vec::new();
    let mut values = Vec::new();
    rows.extend(
        u32::try_from(map.len())
            .map_err(|_| too_big())?
            .to_le_bytes(),
    );
    for (name, value) in map {
        names.extend(name.as_bytes());
        rmp_serde::encode::write(&mut values, value).map_err(std::io::Error::other)?;
        for end in [names.len(), values.len()] {
            rows.extend(u32::try_from(end).map_err(|_| too_big())?.to_le_bytes());
        }
    }
    out.extend(rows);
    out.extend(names);
    out.extend(values);
    Ok(())
}

/// Declarations of one kind, by name, in name order: a `BTreeMap<String, T>` for reading,
/// whose entries may still be in a cache entry's stored form. [`Decls::get`],
/// [`Decls::contains_key`], [`Decls::keys`] and [`Decls::len`] decode at most the one
/// declaration asked for; indexing, iterating, comparing, printing and serializing decode
/// them all (once).
pub struct Decls<T> {
    repr: Repr<T>,
}

enum Repr<T> {
    Decoded(BTreeMap<String, T>),
    /// The table, and the whole map once something needed it.
    Stored(Table, OnceLock<BTreeMap<String, T>>),
}

impl<T> Decls<T> {
    pub(crate) fn stored(table: Table) -> Decls<T> {
        Decls {
            repr: Repr::Stored(table, OnceLock::new()),
        }
    }

    /// How many declarations there are.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Decoded(map) => map.len(),
            Repr::Stored(table, _) => table.count,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `name` is declared. Decodes nothing.
    pub fn contains_key(&self, name: &str) -> bool {
        match &self.repr {
            Repr::Decoded(map) => map.contains_key(name),
            Repr::Stored(table, _) => table.find(name).is_some(),
        }
    }

    /// The names, in order. Decodes nothing.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let (map, table) = match &self.repr {
            Repr::Decoded(map) => (Some(map), None),
            Repr::Stored(table, _) => (None, Some(table)),
        };
        let decoded = map.into_iter().flat_map(|m| m.keys().map(String::as_str));
        let stored = table
            .into_iter()
            .flat_map(|t| (0..t.count).filter_map(|i| t.name(i)));
        decoded.chain(stored)
    }

    /// Whether a stored declaration failed to decode, so that answers may be missing.
    pub(crate) fn is_damaged(&self) -> bool {
        match &self.repr {
            Repr::Decoded(_) => false,
            Repr::Stored(table, _) => table.stored.damaged.load(Ordering::Relaxed),
        }
    }
}

impl<T: DeserializeOwned> Decls<T> {
    /// The declaration of `name`, decoding only it.
    pub fn get(&self, name: &str) -> Option<Cow<'_, T>>
    where
        T: Clone,
    {
        match &self.repr {
            Repr::Decoded(map) => map.get(name).map(Cow::Borrowed),
            Repr::Stored(table, all) => match all.get() {
                Some(map) => map.get(name).map(Cow::Borrowed),
                None => table
                    .find(name)
                    .and_then(|i| table.value(i))
                    .map(Cow::Owned),
            },
        }
    }

    /// Every declaration, decoded (once).
    pub fn as_map(&self) -> &BTreeMap<String, T> {
        match &self.repr {
            Repr::Decoded(map) => map,
            Repr::Stored(table, all) => all.get_or_init(|| decode_all(table)),
        }
    }

    /// The declarations in name order, decoded.
    pub fn iter(&self) -> std::collections::btree_map::Iter<'_, String, T> {
        self.as_map().iter()
    }

    /// The same declarations, decoded in full and no longer tied to the stored bytes.
    pub(crate) fn into_decoded(self) -> Decls<T> {
        match self.repr {
            Repr::Decoded(_) => self,
            Repr::Stored(table, all) => {
                Decls::from(all.into_inner().unwrap_or_else(|| decode_all(&table)))
            }
        }
    }
}

/// Every declaration of `table`; those that do not decode are left out (and mark the entry
/// damaged).
fn decode_all<T: DeserializeOwned>(table: &Table) -> BTreeMap<String, T> {
    (0..table.count)
        .filter_map(|i| Some((table.name(i)?.to_owned(), table.value(i)?)))
        .collect()
}

impl<T> From<BTreeMap<String, T>> for Decls<T> {
    fn from(map: BTreeMap<String, T>) -> Decls<T> {
        Decls {
            repr: Repr::Decoded(map),
        }
    }
}

impl<T> Default for Decls<T> {
    fn default() -> Decls<T> {
        Decls::from(BTreeMap::new())
    }
}

impl<T: DeserializeOwned> Index<&str> for Decls<T> {
    type Output = T;

    /// The declaration of `name`; panics if there is none, as a `BTreeMap` does.
    fn index(&self, name: &str) -> &T {
        &self.as_map()[name]
    }
}

impl<T: Clone> Clone for Decls<T> {
    fn clone(&self) -> Decls<T> {
        let repr = match &self.repr {
            Repr::Decoded(map) => Repr::Decoded(map.clone()),
            Repr::Stored(table, all) => Repr::Stored(table.clone(), all.clone()),
        };
        Decls { repr }
    }
}

impl<T: DeserializeOwned + PartialEq> PartialEq for Decls<T> {
    fn eq(&self, other: &Decls<T>) -> bool {
        self.as_map() == other.as_map()
    }
}

impl<T: DeserializeOwned + fmt::Debug> fmt::Debug for Decls<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_map().fmt(f)
    }
}

impl<T: DeserializeOwned + Serialize> Serialize for Decls<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_map().serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Decls<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decls<T>, D::Error> {
        BTreeMap::deserialize(deserializer).map(Decls::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(map: &BTreeMap<String, (u32, String)>) -> (Decls<(u32, String)>, Arc<Stored>) {
        let mut bytes = b"prefix".to_vec();
        write_table(map, &mut bytes).unwrap();
        let stored = Stored::new(bytes);
        let table = Table::open(&stored, 6..stored.bytes.len()).unwrap();
        (Decls::stored(table), stored)
    }

    fn sample(n: u32) -> BTreeMap<String, (u32, String)> {
        (0..n)
            .map(|i| (format!("n{i}"), (i, format!("v{i}"))))
            .collect()
    }

    #[test]
    fn lookups_decode_only_what_is_asked_for() {
        for n in [0, 1, 2, 7, 100] {
            let map = sample(n);
            let (decls, _) = stored(&map);
            assert_eq!(decls.len(), map.len());
            assert!(decls.keys().eq(map.keys().map(String::as_str)));
            for (name, value) in &map {
                assert!(decls.contains_key(name));
                assert_eq!(decls.get(name).as_deref(), Some(value));
            }
            for absent in ["", "n", "n00", "zzz", "a"] {
                assert!(!decls.contains_key(absent), "{absent}");
                assert!(decls.get(absent).is_none(), "{absent}");
            }
            assert!(!decls.is_damaged());
            assert_eq!(decls.as_map(), &map);
            assert_eq!(decls.clone().into_decoded(), Decls::from(map));
        }
    }

    #[test]
    fn tables_that_do_not_fit_their_range_are_refused() {
        let mut bytes = Vec::new();
        write_table(&sample(3), &mut bytes).unwrap();
        let stored = Stored::new(bytes);
        let len = stored.bytes.len();
        assert!(Table::open(&stored, 0..len).is_some());
        assert!(Table::open(&stored, 0..len - 1).is_none());
        assert!(Table::open(&stored, 1..len).is_none());
        assert!(Table::open(&stored, 0..3).is_none());
    }

    #[test]
    fn a_value_that_does_not_decode_marks_the_entry_damaged() {
        let map = sample(3);
        let mut bytes = Vec::new();
        write_table(&map, &mut bytes).unwrap();
        // The last value is `[2, "v2"]`: make its string's marker a reserved byte.
        let at = bytes.len() - 3;
        bytes[at] = 0xc1;
        let stored = Stored::new(bytes);
        let decls: Decls<(u32, String)> =
            Decls::stored(Table::open(&stored, 0..stored.bytes.len()).unwrap());
        assert_eq!(decls.get("n0").as_deref(), Some(&map["n0"]));
        assert!(!decls.is_damaged());
        assert!(decls.get("n2").is_none());
        assert!(decls.is_damaged());
    }
}
