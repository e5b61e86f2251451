//! Reading the model: one translation unit that includes every header of a spec, parsed by
//! libclang with the user's clang flags, then walked into a [`HeaderModel`] ([`crate::walk`]).

use crate::model::HeaderModel;
use crate::walk;
use clang::{Clang, Index, Unsaved};
use std::path::PathBuf;
use std::sync::Mutex;

/// A header a spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderRef {
    /// `header "x.h"`: a file, already resolved against the spec's directory.
    File(PathBuf),
    /// `header <linux/fs.h>`: found through the include paths in the clang flags.
    System(String),
}

impl HeaderRef {
    /// The headers of a resolved spec's `header` items, in order, for the spec at
    /// `spec_path` (quoted headers are found beside it).
    pub fn all_of(spec: &invc_spec_lang::ir::Spec, spec_path: &std::path::Path) -> Vec<HeaderRef> {
        let beside = spec_path.parent().unwrap_or(std::path::Path::new(""));
        spec.headers
            .iter()
            .map(|h| HeaderRef::of(h.system, &h.path, beside))
            .collect()
    }

    /// The header of a `header` item: `<name>` (`system`) through the include paths, else
    /// `"name"` beside the spec, whose folder is `beside`.
    pub fn of(system: bool, name: &str, beside: &std::path::Path) -> HeaderRef {
        match system {
            true => HeaderRef::System(name.to_owned()),
            false => HeaderRef::File(beside.join(name)),
        }
    }
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The headers, in the spec's order.
    pub headers: Vec<HeaderRef>,
    /// Flags for clang, as after `--` on the command line (`-I`, `-D`, `-include`, ...).
    pub clang_args: Vec<String>,
}

/// One of clang's own diagnostics, kept to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClangDiagnostic {
    /// `error`, `fatal`, `warning`, ...
    pub severity: String,
    /// clang's text, with its location (`file:line:col: message`).
    pub text: String,
}

/// Why no model could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// libclang could not be loaded.
    LibclangUnavailable(String),
    /// libclang failed to make a translation unit at all.
    Clang(String),
    /// The headers do not compile; clang's errors say why.
    DoNotParse(Vec<ClangDiagnostic>),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::LibclangUnavailable(why) => write!(
                f,
                "cannot load libclang ({why}); install it (Debian/Ubuntu: `apt-get install libclang-dev`) \
                 or set LIBCLANG_PATH to the directory containing libclang.so"
            ),
            HeaderError::Clang(why) => write!(f, "libclang could not parse the headers: {why}"),
            HeaderError::DoNotParse(diagnostics) => {
                write!(f, "the headers do not compile with the given clang flags:")?;
                for d in diagnostics {
                    write!(f, "\n  {}: {}", d.severity, d.text)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for HeaderError {}

/// libclang allows one `Clang` per process; reads from several threads take turns.
static CLANG: Mutex<()> = Mutex::new(());

/// The file name of the generated translation unit; it exists only in memory. Its line N
/// includes the spec's N-th header, so clang's errors there name the header item at fault.
pub const TU_NAME: &str = "invc-headers.c";

/// Parses the headers and builds their model.
pub fn read(request: &Request) -> Result<HeaderModel, HeaderError> {
    let _turn = CLANG
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let clang = Clang::new().map_err(HeaderError::LibclangUnavailable)?;
    let index = Index::new(&clang, false, false);
    let mut source = String::new();
    for header in &request.headers {
        match header {
            HeaderRef::File(path) => source.push_str(&format!("#include \"{}\"\n", path.display())),
            HeaderRef::System(name) => source.push_str(&format!("#include <{name}>\n")),
        }
    }
    let unsaved = [Unsaved::new(TU_NAME, &source)];
    let tu = index
        .parser(TU_NAME)
        .arguments(&request.clang_args)
        .unsaved(&unsaved)
        .detailed_preprocessing_record(true)
        .skip_function_bodies(true)
        .parse()
        .map_err(|e| HeaderError::Clang(e.to_string()))?;
    let errors: Vec<ClangDiagnostic> = tu
        .get_diagnostics()
        .iter()
        .filter(|d| {
            matches!(
                d.get_severity(),
                clang::diagnostic::Severity::Error | clang::diagnostic::Severity::Fatal
            )
        })
        .map(|d| ClangDiagnostic {
            severity: format!("{:?}", d.get_severity()).to_lowercase(),
            text: d.formatter().format(),
        })
        .collect();
    if !errors.is_empty() {
        return Err(HeaderError::DoNotParse(errors));
    }
    Ok(walk::model_of(&tu))
}
