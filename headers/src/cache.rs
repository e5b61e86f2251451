//! The model cache: a model read once is kept on disk and reused while nothing it was read
//! from has changed, so a second `check-spec` on unchanged headers does not parse them again.
//!
//! An entry is found by the request: the headers, the clang flags, the working directory
//! (relative `-I` paths depend on it), `LIBCLANG_PATH` and this crate's version. It is reused
//! only if every file the model was read from ([`HeaderModel::inputs`]) still has the
//! contents it had, compared by length and a 128-bit hash of the bytes; anything else (a
//! changed, missing or unreadable file, a corrupt or foreign entry) is a miss and the headers
//! are read again. Writing is best effort and atomic (a temporary file renamed into place), so
//! concurrent runs never see half an entry; a cache that cannot be written only costs time.
//!
//! Known limit, shared with ccache's direct mode: a header that would now be found earlier on
//! the include path (a new file shadowing an old one) is not noticed; `--no-cache` or removing
//! the cache folder helps.

use crate::model::{Enum, Function, HeaderModel, MODEL_VERSION, Macro, Record, Typedef};
use crate::read::{HeaderError, HeaderRef, Request, read};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// Changes whenever an entry's layout changes, so old entries are misses, not errors.
const ENTRY_FORMAT: u32 = 2;

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
    /// An entry existed but a file it was read from changed: parsed again, entry replaced.
    Stale,
}

/// What an entry says about one input file.
#[derive(Debug, Serialize, Deserialize)]
struct InputStamp {
    path: String,
    len: u64,
    hash: u128,
}

/// The part of an entry read first, to decide whether the model after it is still good.
#[derive(Debug, Serialize, Deserialize)]
struct EntryHead {
    format: u32,
    model_version: u32,
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

    /// Reads the model for `request`, from the cache when it is fresh, else through libclang
    /// (and then stores it). Fails only as [`read`] does.
    pub fn read(&self, request: &Request) -> Result<(HeaderModel, Freshness), HeaderError> {
        let path = self.entry_path(request);
        let freshness = match std::fs::read(&path) {
            Ok(bytes) => match fresh_model(&bytes) {
                Some(model) => return Ok((model, Freshness::Hit)),
                None => Freshness::Stale,
            },
            Err(_) => Freshness::Miss,
        };
        let model = read(request)?;
        // A cache that cannot be written costs the next run time, nothing else.
        let _ = self.store(&path, &model);
        Ok((model, freshness))
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
        let mut inputs = Vec::with_capacity(model.inputs.len());
        for input in &model.inputs {
            let bytes = std::fs::read(input)?;
            inputs.push(InputStamp {
                path: input.clone(),
                len: bytes.len() as u64,
                hash: xxh3_128(&bytes),
            });
        }
        let head = EntryHead {
            format: ENTRY_FORMAT,
            model_version: MODEL_VERSION,
            inputs,
        };
        let mut bytes = Vec::new();
        for section in [
            encode(&head)?,
            encode(&Declarations::of(model))?,
            encode(&pairs(&model.macros))?,
            encode(&pairs(&model.functions))?,
        ] {
            bytes.extend((section.len() as u64).to_le_bytes());
            bytes.extend(section);
        }
        std::fs::create_dir_all(&self.dir)?;
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&temporary, &bytes)?;
        std::fs::rename(&temporary, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
    }
}

/// The model in an entry, if the entry is whole and every input is as it was.
///
/// A warm run's time is mostly this: checking hundreds of input files and decoding a model of
/// tens of thousands of declarations. The entry is cut in sections so that the checks and
/// the decoding of the large sections (macros, functions) run side by side.
fn fresh_model(bytes: &[u8]) -> Option<HeaderModel> {
    let [head, declarations, macros, functions] = sections(bytes)?;
    let head: EntryHead = decode(head)?;
    if head.format != ENTRY_FORMAT || head.model_version != MODEL_VERSION {
        return None;
    }
    let (fresh, declarations, macros, functions) = std::thread::scope(|scope| {
        let functions = scope.spawn(|| decode::<Vec<(String, Function)>>(functions));
        let macros = scope.spawn(|| decode::<Vec<(String, Macro)>>(macros));
        let mut buffer = Vec::new();
        let fresh = head.inputs.iter().all(|i| unchanged(i, &mut buffer));
        let declarations = fresh
            .then(|| decode::<Declarations>(declarations))
            .flatten();
        (fresh, declarations, macros.join(), functions.join())
    });
    let (true, Some(d), Ok(Some(macros)), Ok(Some(functions))) =
        (fresh, declarations, macros, functions)
    else {
        return None;
    };
    Some(HeaderModel {
        model_version: MODEL_VERSION,
        records: d.records.into_iter().collect(),
        typedefs: d.typedefs.into_iter().collect(),
        enums: d.enums.into_iter().collect(),
        constants: d.constants.into_iter().collect(),
        macros: macros.into_iter().collect(),
        functions: functions.into_iter().collect(),
        inputs: d.inputs,
    })
}

/// Whether an input file still has the contents it had. The length is checked first (it
/// costs a `stat`, not a read); one `buffer` serves every file, to spare fresh pages.
fn unchanged(input: &InputStamp, buffer: &mut Vec<u8>) -> bool {
    use std::io::Read;
    buffer.clear();
    std::fs::metadata(&input.path).is_ok_and(|m| m.len() == input.len)
        && std::fs::File::open(&input.path)
            .and_then(|mut f| f.read_to_end(buffer))
            .is_ok_and(|_| xxh3_128(buffer) == input.hash)
}

/// The model but for its two largest maps. Maps are stored as sorted pairs: decoding them
/// into a `Vec` and building the map in one go is much faster than inserting one by one.
#[derive(Serialize, Deserialize)]
struct Declarations {
    records: Vec<(String, Record)>,
    typedefs: Vec<(String, Typedef)>,
    enums: Vec<(String, Enum)>,
    constants: Vec<(String, i128)>,
    inputs: Vec<String>,
}

impl Declarations {
    fn of(model: &HeaderModel) -> Declarations {
        Declarations {
            records: pairs(&model.records),
            typedefs: pairs(&model.typedefs),
            enums: pairs(&model.enums),
            constants: pairs(&model.constants),
            inputs: model.inputs.clone(),
        }
    }
}

fn pairs<T: Clone>(map: &BTreeMap<String, T>) -> Vec<(String, T)> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn encode(value: &impl Serialize) -> std::io::Result<Vec<u8>> {
    rmp_serde::to_vec(value).map_err(std::io::Error::other)
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    rmp_serde::from_slice(bytes).ok()
}

/// Splits an entry into its length-prefixed sections; `None` unless there are exactly `N`.
fn sections<const N: usize>(mut bytes: &[u8]) -> Option<[&[u8]; N]> {
    let mut out = [&bytes[..0]; N];
    for section in &mut out {
        let (len, rest) = bytes.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        (*section, bytes) = (rest.get(..len)?, &rest[len..]);
    }
    bytes.is_empty().then_some(out)
}
