//! The model cache: a model read once is kept on disk and reused while nothing it was read
//! from has changed, so a second `check-spec` on unchanged headers does not parse them again.
//!
//! An entry is found by the request: the headers, the clang flags, the working directory
//! (relative `-I` paths depend on it), `LIBCLANG_PATH` and this crate's version. It is reused
//! only if every file the model was read from ([`HeaderModel::inputs`]) still has the
//! contents it had, compared by length and a 128-bit hash of the bytes, and the entry itself
//! is whole (a hash of its body); anything else (a changed, missing or unreadable file, a
//! corrupt or foreign entry) is a miss and the headers are read again. Writing is best effort
//! and atomic (a temporary file renamed into place), so concurrent runs never see half an
//! entry; a cache that cannot be written only costs time.
//!
//! An entry is a head (the format, the inputs with their hashes, the body's hash) and a body
//! of six tables, one per kind of declaration ([`crate::decls`] has their layout), each
//! section preceded by its length as a little-endian `u64`. A warm run reads the entry,
//! checks it, and decodes only the declarations the spec asks for.
//!
//! Known limit, shared with ccache's direct mode: a header that would now be found earlier on
//! the include path (a new file shadowing an old one) is not noticed; `--no-cache` or removing
//! the cache folder helps.

use crate::decls::{Decls, Stored, Table, write_table};
use crate::model::{HeaderModel, MODEL_VERSION};
use crate::read::{HeaderError, HeaderRef, Request, read};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// Changes whenever an entry's layout changes, so old entries are misses, not errors.
const ENTRY_FORMAT: u32 = 3;

/// The tables of an entry's body, in this order: records, typedefs, enums, constants,
/// macros, functions.
const TABLES: usize = 6;

/// A folder of cached header models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

/// Whether a read used the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The cached model was reused; no header was parsed.
    Hit,
    /// No entry for this request: the headers were parsed and an entry written.
    Miss,
    /// An entry existed but a file it was read from changed, or the entry was damaged:
    /// parsed again, entry replaced.
    Stale,
}

/// What an entry says about one input file.
#[derive(Debug, Serialize, Deserialize)]
struct InputStamp {
    path: String,
    len: u64,
    hash: u128,
}

/// The part of an entry read first, to decide whether the body after it is still good.
#[derive(Debug, Serialize, Deserialize)]
struct EntryHead {
    format: u32,
    model_version: u32,
    /// xxh3-128 of every byte after the head.
    body_hash: u128,
    inputs: Vec<InputStamp>,
}

impl Cache {
    /// A cache in `dir` (created when the first entry is written).
    pub fn at(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The folder the cache lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The usual place: `$INVC_CACHE_DIR`, else `$XDG_CACHE_HOME/invc`, else
    /// `$HOME/.cache/invc`; `None` when none of them is set.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        var("INVC_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| var("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("invc")))
            .or_else(|| var("HOME").map(|d| PathBuf::from(d).join(".cache/invc")))
    }

    /// Reads the model for `request`, every declaration decoded: from the cache when it is
    /// fresh, else through libclang (and then stores it). Fails only as [`read`] does.
    pub fn read(&self, request: &Request) -> Result<(HeaderModel, Freshness), HeaderError> {
        let (model, freshness) = self.load(request)?;
        match model.decoded() {
            Some(model) => Ok((model, freshness)),
            None => Ok((self.refresh(request)?, Freshness::Stale)),
        }
    }

    /// As [`Cache::read`], but a cached model decodes a declaration only when it is asked
    /// for. If one does not decode, the model says so ([`HeaderModel::is_damaged`]) and the
    /// caller must [`Cache::refresh`] it.
    pub(crate) fn load(&self, request: &Request) -> Result<(HeaderModel, Freshness), HeaderError> {
        let path = self.entry_path(request);
        let freshness = match std::fs::read(&path) {
            Ok(bytes) => match fresh_model(bytes) {
                Some(model) => return Ok((model, Freshness::Hit)),
                None => Freshness::Stale,
            },
            Err(_) => Freshness::Miss,
        };
        Ok((self.read_and_store(&path, request)?, freshness))
    }

    /// Reads the headers through libclang whatever the cache holds, and replaces its entry.
    pub(crate) fn refresh(&self, request: &Request) -> Result<HeaderModel, HeaderError> {
        self.read_and_store(&self.entry_path(request), request)
    }

    fn read_and_store(&self, path: &Path, request: &Request) -> Result<HeaderModel, HeaderError> {
        let model = read(request)?;
        // A cache that cannot be written costs the next run time, nothing else.
        let _ = self.store(path, &model);
        Ok(model)
    }

    fn entry_path(&self, request: &Request) -> PathBuf {
        let mut key = Xxh3::new();
        let mut put = |part: &[u8]| {
            key.update(&(part.len() as u64).to_le_bytes());
            key.update(part);
        };
        put(env!("CARGO_PKG_VERSION").as_bytes());
        put(&MODEL_VERSION.to_le_bytes());
        let cwd = std::env::current_dir().unwrap_or_default();
        put(cwd.as_os_str().as_encoded_bytes());
        put(std::env::var_os("LIBCLANG_PATH")
            .unwrap_or_default()
            .as_encoded_bytes());
        for header in &request.headers {
            match header {
                HeaderRef::File(path) => {
                    put(b"file");
                    put(path.as_os_str().as_encoded_bytes());
                }
                HeaderRef::System(name) => {
                    put(b"system");
                    put(name.as_bytes());
                }
            }
        }
        put(b"args");
        for arg in &request.clang_args {
            put(arg.as_bytes());
        }
        self.dir.join(format!("{:032x}.model", key.digest128()))
    }

    fn store(&self, path: &Path, model: &HeaderModel) -> std::io::Result<()> {
        // Hashing the inputs reads hundreds of files; it and the encoding of about half the
        // model run on a second thread.
        let (theirs, mine) = std::thread::scope(|scope| {
            let theirs = scope.spawn(|| -> std::io::Result<_> {
                let inputs = stamps(&model.inputs)?;
                Ok((inputs, table(&model.records)?, table(&model.functions)?))
            });
            let mine = (|| -> std::io::Result<_> {
                let typedefs = table(&model.typedefs)?;
                let enums = table(&model.enums)?;
                Ok([
                    typedefs,
                    enums,
                    table(&model.constants)?,
                    table(&model.macros)?,
                ])
            })();
            (theirs.join(), mine)
        });
        let failed = |_| std::io::Error::other("encoding the header model failed");
        let (inputs, records, functions) = theirs.map_err(failed)??;
        let [typedefs, enums, constants, macros] = mine?;
        let body = [records, typedefs, enums, constants, macros, functions];
        let mut body_hash = Xxh3::new();
        body.iter().for_each(|section| body_hash.update(section));
        let head = EntryHead {
            format: ENTRY_FORMAT,
            model_version: MODEL_VERSION,
            body_hash: body_hash.digest128(),
            inputs,
        };
        let mut head_section = Vec::new();
        section(&mut head_section, |out| {
            rmp_serde::encode::write(out, &head).map_err(std::io::Error::other)
        })?;
        std::fs::create_dir_all(&self.dir)?;
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::File::create(&temporary).and_then(|mut file| {
            use std::io::Write;
            std::iter::once(&head_section)
                .chain(&body)
                .try_for_each(|section| file.write_all(section))
        });
        written
            .and_then(|()| std::fs::rename(&temporary, path))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&temporary);
            })
    }
}

/// The stamps of the model's input files, as they are now.
fn stamps(inputs: &[String]) -> std::io::Result<Vec<InputStamp>> {
    inputs
        .iter()
        .map(|input| {
            let bytes = std::fs::read(input)?;
            Ok(InputStamp {
                path: input.clone(),
                len: bytes.len() as u64,
                hash: xxh3_128(&bytes),
            })
        })
        .collect()
}

/// The table of `decls`, as a section.
fn table<T: Serialize + serde::de::DeserializeOwned>(decls: &Decls<T>) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    section(&mut out, |out| write_table(decls.as_map(), out))?;
    Ok(out)
}

/// Appends a section: its length, then what `write` appends.
fn section(
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let at = out.len();
    out.extend(0u64.to_le_bytes());
    write(out)?;
    let len = (out.len() - at - 8) as u64;
    out[at..at + 8].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

/// Where the sections from `start` are; `None` unless there are exactly `N` and they end
/// where `bytes` does.
fn sections<const N: usize>(bytes: &[u8], mut start: usize) -> Option<[Range<usize>; N]> {
    let mut out = std::array::from_fn(|_| 0..0);
    for range in &mut out {
        let len = bytes.get(start..start.checked_add(8)?)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let end = (start + 8).checked_add(len)?;
        *range = start + 8..end;
        start = end;
    }
    (start == bytes.len()).then_some(out)
}

/// The model in an entry, if the entry is whole and every input is as it was. Only the head
/// is decoded here; the tables are checked for shape and left for [`Decls`] to decode from.
///
/// A warm run's time is mostly this: reading the entry and hundreds of input files and
/// hashing them. Half of the inputs are checked on a second thread.
fn fresh_model(bytes: Vec<u8>) -> Option<HeaderModel> {
    let stored = Stored::new(bytes);
    let bytes = stored.bytes();
    let head_len = usize::try_from(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)).ok()?;
    let body_start = head_len.checked_add(8)?;
    let head: EntryHead = rmp_serde::from_slice(bytes.get(8..body_start)?).ok()?;
    if head.format != ENTRY_FORMAT || head.model_version != MODEL_VERSION {
        return None;
    }
    let tables: [Range<usize>; TABLES] = sections(bytes, body_start)?;
    let fresh = std::thread::scope(|scope| {
        let (mine, theirs) = head.inputs.split_at(head.inputs.len() / 2);
        let theirs = scope.spawn(|| all_unchanged(theirs));
        let mine = xxh3_128(&bytes[body_start..]) == head.body_hash && all_unchanged(mine);
        // A thread that panicked checked nothing: not fresh.
        theirs.join().unwrap_or(false) && mine
    });
    if !fresh {
        return None;
    }
    let [records, typedefs, enums, constants, macros, functions] =
        tables.map(|range| Table::open(&stored, range));
    Some(HeaderModel {
        model_version: MODEL_VERSION,
        records: Decls::stored(records?),
        typedefs: Decls::stored(typedefs?),
        enums: Decls::stored(enums?),
        constants: Decls::stored(constants?),
        macros: Decls::stored(macros?),
        functions: Decls::stored(functions?),
        inputs: head.inputs.into_iter().map(|i| i.path).collect(),
    })
}

fn all_unchanged(inputs: &[InputStamp]) -> bool {
    let mut buffer = Vec::new();
    inputs.iter().all(|input| unchanged(input, &mut buffer))
}

/// Whether an input file still has the contents it had. One `buffer` serves every file, to
/// spare fresh pages. It is read into one byte more than its old length, so a longer file
/// shows without asking for its size: `open`, `read`, `read`, `close`, where `read_to_end`
/// would add a `stat` and a seek.
fn unchanged(input: &InputStamp, buffer: &mut Vec<u8>) -> bool {
    use std::io::Read;
    let Ok(len) = usize::try_from(input.len) else {
        return false;
    };
    let Ok(mut file) = std::fs::File::open(&input.path) else {
        return false;
    };
    if buffer.len() <= len {
        buffer.resize(len + 1, 0);
    }
    let mut filled = 0;
    loop {
        match file.read(&mut buffer[filled..=len]) {
            Ok(0) => break,
            Ok(n) if filled + n > len => return false,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    filled == len && xxh3_128(&buffer[..len]) == input.hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ReadOptions, check_spec};
    use invc_spec_lang::SourceMap;

    /// Rewrites the entry in `dir` so that its first record does not decode while the body's
    /// hash still matches: damage that only decoding finds.
    fn break_first_record(dir: &Path) {
        let mut entries = std::fs::read_dir(dir).unwrap();
        let path = entries.next().unwrap().unwrap().path();
        assert!(entries.next().is_none(), "one entry");
        let bytes = std::fs::read(&path).unwrap();
        let head_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let mut head: EntryHead = rmp_serde::from_slice(&bytes[8..8 + head_len]).unwrap();
        let mut body = bytes[8 + head_len..].to_vec();
        let [records, ..]: [Range<usize>; TABLES] = sections(&body, 0).unwrap();
        let u32_at = |at: usize| u32::from_le_bytes(body[at..at + 4].try_into().unwrap()) as usize;
        let count = u32_at(records.start);
        let names_len = u32_at(records.start + 4 + (count - 1) * 8);
        // A byte MessagePack never uses, where the first value starts.
        body[records.start + 4 + count * 8 + names_len] = 0xc1;
        head.body_hash = xxh3_128(&body);
        let mut bytes = Vec::new();
        section(&mut bytes, |out| {
            rmp_serde::encode::write(out, &head).map_err(std::io::Error::other)
        })
        .unwrap();
        bytes.extend(body);
        std::fs::write(&path, bytes).unwrap();
    }

    #[test]
    fn a_declaration_that_does_not_decode_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("top.h"), "struct top { int x; };\n").unwrap();
        let spec = dir.path().join("top.inv");
        let text = "header \"top.h\";\nstruct top { readonly x; }\n";
        let cache = Cache::at(dir.path().join("cache"));
        let options = ReadOptions {
            clang_args: Vec::new(),
            cache: Some(cache.clone()),
        };
        let check = || {
            let mut sources = SourceMap::new();
            let file = sources.add("top.inv", text).unwrap();
            check_spec(&mut sources, file, &spec, Some(&options)).unwrap()
        };
        assert_eq!(check().freshness, Some(Freshness::Miss));

        break_first_record(cache.dir());
        let checked = check();
        assert_eq!(checked.freshness, Some(Freshness::Stale));
        assert!(checked.diagnostics.is_empty());
        assert!(checked.spec.is_some());
        let again = check();
        assert_eq!(
            again.freshness,
            Some(Freshness::Hit),
            "the entry was replaced"
        );
        assert!(!again.model.unwrap().is_damaged());

        // Reading the whole model finds the same damage.
        break_first_record(cache.dir());
        let request = Request {
            headers: vec![HeaderRef::File(dir.path().join("top.h"))],
            clang_args: Vec::new(),
        };
        let (model, freshness) = cache.read(&request).unwrap();
        assert_eq!(freshness, Freshness::Stale);
        assert_eq!(model.records["top"].fields.len(), 1);
        assert_eq!(cache.read(&request).unwrap().1, Freshness::Hit);
    }
}
