//! Where the clang flags for a spec's headers come from, in this order (later flags win where
//! clang lets a later flag override an earlier one, as with `-D`/`-U`):
//!
//! 1. the entry of the spec's C source in a `compile_commands.json`, when one is named: the
//!    entry whose source file has the spec's name with `.c` (`vnet.inv` takes `vnet.c`'s),
//!    preferring one beside the spec; compiler, `-c`, `-o`, dependency-file flags and the
//!    source itself are dropped, relative paths are made absolute against its `directory`;
//! 2. `[clang] args` of the nearest `invc.toml` beside the spec or in a folder above it, with
//!    relative paths made absolute against that file's folder;
//! 3. the command line, after `--`, as given.
//!
//! Nothing here runs clang; it only gathers strings.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The clang flags for one spec, and where they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClangArgs {
    /// The flags, in the order clang gets them.
    pub args: Vec<String>,
    /// The `invc.toml` that contributed, if any.
    pub config: Option<PathBuf>,
    /// The `compile_commands.json` source file whose flags were used, if any.
    pub compile_commands_entry: Option<PathBuf>,
}

/// A flag source that cannot be used: unreadable, malformed, or without an entry for the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagsError {
    /// The file at fault.
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FlagsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FlagsError {}

/// The name of the configuration file looked for beside a spec and above it.
pub const CONFIG_NAME: &str = "invc.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    clang: ClangConfig,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClangConfig {
    #[serde(default)]
    args: Vec<String>,
}

#[derive(Deserialize)]
struct CompileCommand {
    directory: PathBuf,
    file: PathBuf,
    #[serde(default)]
    arguments: Option<Vec<String>>,
    #[serde(default)]
    command: Option<String>,
}

/// Gathers the flags for the spec at `spec` (see the module docs for the order).
pub fn clang_args(
    spec: &Path,
    compile_commands: Option<&Path>,
    command_line: &[String],
) -> Result<ClangArgs, FlagsError> {
    let spec = std::path::absolute(spec).unwrap_or_else(|_| spec.to_owned());
    let beside = spec.parent().unwrap_or(Path::new("/"));
    let mut out = ClangArgs::default();
    if let Some(path) = compile_commands {
        let (entry, args) = from_compile_commands(path, &spec)?;
        out.compile_commands_entry = Some(entry);
        out.args.extend(args);
    }
    if let Some(config) = beside
        .ancestors()
        .map(|dir| dir.join(CONFIG_NAME))
        .find(|p| p.is_file())
    {
        out.args.extend(from_config(&config)?);
        out.config = Some(config);
    }
    out.args.extend(command_line.iter().cloned());
    Ok(out)
}

fn from_config(path: &Path) -> Result<Vec<String>, FlagsError> {
    let text = std::fs::read_to_string(path).map_err(|e| FlagsError {
        path: path.to_owned(),
        position: None,
        message: format!("cannot read: {e}"),
    })?;
    let config: Config = toml::from_str(&text).map_err(|e| FlagsError {
        path: path.to_owned(),
        position: e.span().map(|s| line_column(&text, s.start)),
        message: e.message().to_owned(),
    })?;
    let dir = path.parent().unwrap_or(Path::new("/"));
    Ok(absolutize(config.clang.args, dir))
}

/// The 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, column)
}

fn from_compile_commands(path: &Path, spec: &Path) -> Result<(PathBuf, Vec<String>), FlagsError> {
    let path = if path.is_dir() {
        path.join("compile_commands.json")
    } else {
        path.to_owned()
    };
    let error = |position, message: String| FlagsError {
        path: path.clone(),
        position,
        message,
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| error(None, format!("cannot read: {e}")))?;
    let entries: Vec<CompileCommand> = serde_json::from_str(&text)
        .map_err(|e| error(Some((e.line(), e.column())), e.to_string()))?;
    let stem = spec.file_stem().unwrap_or_default();
    let source_of = |e: &CompileCommand| e.directory.join(&e.file);
    let matching = |e: &&CompileCommand| {
        let source = source_of(e);
        source.file_stem() == Some(stem) && source.extension().is_some_and(|x| x == "c")
    };
    let entry = entries
        .iter()
        .filter(matching)
        .find(|e| source_of(e).parent() == spec.parent())
        .or_else(|| entries.iter().find(matching))
        .ok_or_else(|| {
            error(
                None,
                format!(
                    "no entry for a C source named `{}.c`; invc takes the flags of the source \
                     named like the spec",
                    stem.to_string_lossy()
                ),
            )
        })?;
    let argv = match (&entry.arguments, &entry.command) {
        (Some(arguments), _) => arguments.clone(),
        (None, Some(command)) => shlex::split(command).ok_or_else(|| {
            error(
                None,
                format!(
                    "the command of `{}` is not valid shell words",
                    entry.file.display()
                ),
            )
        })?,
        (None, None) => {
            return Err(error(
                None,
                format!(
                    "the entry of `{}` has neither `arguments` nor `command`",
                    entry.file.display()
                ),
            ));
        }
    };
    let source = source_of(entry);
    let mut kept = Vec::new();
    let mut rest = argv.into_iter().skip(1);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-c" | "-M" | "-MM" | "-MD" | "-MMD" | "-MP" | "-MG" => {}
            "-o" | "-MF" | "-MT" | "-MQ" => {
                rest.next();
            }
            _ if arg.starts_with("-Wp,-M") || (arg.starts_with("-o") && arg.len() > 2) => {}
            _ if entry.directory.join(&arg) == source => {}
            _ => kept.push(arg),
        }
    }
    Ok((source, absolutize(kept, &entry.directory)))
}

/// Flags whose value is a path, in the forms `-I dir` and (for all but `-include`) `-Idir`.
const PATH_FLAGS: [&str; 6] = [
    "-isystem",
    "-iquote",
    "-idirafter",
    "-include",
    "-imacros",
    "-I",
];

/// Makes the paths of path-taking flags absolute against `base`.
fn absolutize(args: Vec<String>, base: &Path) -> Vec<String> {
    let join = |p: &str| base.join(p).display().to_string();
    let mut out = Vec::with_capacity(args.len());
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match PATH_FLAGS.iter().find(|f| arg.starts_with(*f)) {
            Some(flag) if arg == *flag => {
                out.push(arg);
                if let Some(value) = args.next() {
                    out.push(join(&value));
                }
            }
            Some(flag) if *flag != "-include" && *flag != "-imacros" => {
                out.push(format!("{flag}{}", join(&arg[flag.len()..])));
            }
            _ => out.push(arg),
        }
    }
    out
}
