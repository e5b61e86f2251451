//! `invc`: the command line. A thin layer: it reads files, calls the library crates, prints
//! what they return, and maps the outcome to an exit code (0 clean, 1 errors or findings,
//! 2 usage or I/O failure). Diagnostics go to stderr; only requested output goes to stdout.

mod check_cmd;
mod fmt_cmd;
mod gen_cmd;
mod graph_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use invc_spec_lang::codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use invc_spec_lang::{Diagnostic, SourceMap, diagnostic};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Make the unwritten invariants of C kernel code explicit, and hold Rust translations to them.
///
/// A `.inv` spec, written beside a C header, says which lock guards which field, which
/// pointers are RCU-protected, who owns a DMA buffer, and more. invc checks the spec and
/// turns it into the IR that the other phases use.
#[derive(Parser)]
#[command(name = "invc", version, max_term_width = 100)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and resolve specs, cross-check them against their C headers; report every error.
    ///
    /// The headers a spec names are read through libclang (`header "x.h"` beside the spec,
    /// `header <x.h>` through the include paths); clang flags go after `--`, as with bindgen.
    /// Exits 0 when every spec is clean, 1 when any has errors, 2 when a file cannot be read
    /// or libclang cannot be loaded.
    #[command(name = "check-spec")]
    CheckSpec {
        /// The `.inv` files to check.
        #[arg(required = true, value_name = "FILE.inv")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        headers: HeaderOptions,
        /// How to print diagnostics: `human` (rustc-like, on stderr) or `json` (an array on
        /// stdout, each with severity, code, message, file, line and column).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the model of the C headers a spec names (read through libclang) as JSON.
    ///
    /// The model holds the structs and unions (fields with C type, offset and bitfield width),
    /// typedefs, enums, integer constants, macros and functions that the headers declare.
    /// `header "x.h"` is found beside the spec, `header <x.h>` through the include paths in
    /// the clang flags. Exits 1 when the spec has errors or the headers do not compile, 2 when
    /// a file cannot be read or libclang cannot be loaded.
    Headers {
        /// The `.inv` file.
        #[arg(value_name = "FILE.inv")]
        file: PathBuf,
        #[command(flatten)]
        clang: ClangOptions,
    },
    /// Generate the Rust wrapper crate of a spec (checked against its headers first).
    ///
    /// The crate holds the raw C layouts (through bindgen), checked newtypes, and for each
    /// struct a wrapper that enforces the spec: guarded fields only through lock guards,
    /// `readonly` fields without setters, `lockless` fields through volatile accessors,
    /// invariants as debug assertions. Output is deterministic and written atomically; a
    /// folder that invc did not generate is never written into. Exits 1 when the spec has
    /// errors or (with --check) the folder is stale, 2 on usage or I/O errors.
    Gen(gen_cmd::GenArgs),
    /// Check Rust translations against specs: report where they go around the invariants.
    ///
    /// Every `.rs` file under PATH is parsed (in parallel) and checked against the rules of
    /// the `--spec` files: raw access to guarded, readonly, lockless and RCU fields, raw lock,
    /// refcount, list, DMA and container_of calls, missing locks, sleeping in atomic context,
    /// lock order, undocumented unsafe. `// invc:allow(rule): reason` suppresses a finding.
    /// Exits 0 with no findings, 1 with findings, 2 on usage or I/O errors or a spec with
    /// errors.
    Check(check_cmd::CheckArgs),
    /// Print a spec's IR (the resolved spec every later phase reads) as JSON.
    ///
    /// Nothing is printed on stdout when the spec has errors; they go to stderr and the exit
    /// code is 1.
    Ir {
        /// The `.inv` file.
        #[arg(value_name = "FILE.inv")]
        file: PathBuf,
        #[command(flatten)]
        headers: HeaderOptions,
    },
    /// Lay `.inv` files out the one way, in place (only whitespace changes).
    ///
    /// One item or member per line, four spaces per brace level, single spaces between words
    /// and around operators; every token and comment is kept, in order, which is verified
    /// before a file is written (atomically). A file with syntax errors is left alone (exit
    /// 1). With --check nothing is written: the files that would change are listed, exit 1.
    Fmt(fmt_cmd::FmtArgs),
    /// Print a Markdown brief of a spec for whoever translates the C code it describes.
    ///
    /// For each struct member, function, lock order edge, macro and ops table: the rule, and
    /// the item of the crate `invc gen` writes that keeps it (by the names gen gives them).
    /// Exits 1 when the spec has errors.
    Explain {
        /// The `.inv` file.
        #[arg(value_name = "FILE.inv")]
        file: PathBuf,
        #[command(flatten)]
        headers: HeaderOptions,
    },
    /// Print a spec's locks and ownership as a Graphviz DOT digraph.
    ///
    /// A cluster per struct holds its locks and the fields with a rule; edges show which lock
    /// guards what, the lock order, what a struct embeds, lists and points to under RCU, and
    /// which locks each function requires. Render it with `dot -Tsvg`. Exits 1 when the spec
    /// has errors.
    Graph {
        /// The `.inv` file.
        #[arg(value_name = "FILE.inv")]
        file: PathBuf,
        #[command(flatten)]
        headers: HeaderOptions,
    },
}

/// Whether and how the C headers a spec names are read.
#[derive(clap::Args)]
struct HeaderOptions {
    /// Do not read the headers: skip the cross-check and take C names as given (for machines
    /// without libclang).
    #[arg(long, conflicts_with_all = ["compile_commands", "no_cache", "clang_args"])]
    no_headers: bool,
    #[command(flatten)]
    clang: ClangOptions,
}

/// How the C headers a spec names are read.
#[derive(clap::Args)]
pub(crate) struct ClangOptions {
    /// Take clang flags from the entry of the spec's C source (`vnet.inv` takes `vnet.c`'s)
    /// in this `compile_commands.json` (or the one in this folder).
    #[arg(long, value_name = "PATH")]
    compile_commands: Option<PathBuf>,
    /// Read the headers even if a cached model of them is fresh, and do not store one. The
    /// cache is in $INVC_CACHE_DIR, else $XDG_CACHE_HOME/invc, else ~/.cache/invc.
    #[arg(long)]
    no_cache: bool,
    /// Flags for clang, after `--` (as with bindgen): `-I`, `-D`, `-include`, `-std`, ...
    /// They come after those of `--compile-commands` and of an `invc.toml` beside the spec
    /// or above it (`[clang] args = [...]`).
    #[arg(last = true, value_name = "CLANG_ARGS")]
    clang_args: Vec<String>,
}

impl HeaderOptions {
    /// How to read the headers of the spec at `spec`; `None` with `--no-headers`.
    fn for_spec(&self, spec: &std::path::Path) -> Result<Option<invc_headers::ReadOptions>, Fatal> {
        match self.no_headers {
            true => Ok(None),
            false => self.clang.for_spec(spec).map(Some),
        }
    }
}

impl ClangOptions {
    pub(crate) fn for_spec(
        &self,
        spec: &std::path::Path,
    ) -> Result<invc_headers::ReadOptions, Fatal> {
        let flags =
            invc_headers::clang_args(spec, self.compile_commands.as_deref(), &self.clang_args)
                .map_err(|e| Fatal(e.to_string()))?;
        let cache = match self.no_cache {
            true => None,
            false => invc_headers::Cache::default_dir().map(invc_headers::Cache::at),
        };
        Ok(invc_headers::ReadOptions {
            clang_args: flags.args,
            cache,
        })
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-style diagnostics on stderr.
    Human,
    /// A JSON array of diagnostics on stdout.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    /// Colour when stderr is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// A failure that stops a command: exit code 2.
pub(crate) struct Fatal(pub(crate) String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Output::new(cli.color);
    let result = match cli.command {
        Command::CheckSpec {
            files,
            format,
            headers,
        } => check_spec(&files, format, &headers, &mut out),
        Command::Ir { file, headers } => ir(&file, &headers, &mut out),
        Command::Graph { file, headers } => graph(&file, &headers, &mut out),
        Command::Explain { file, headers } => explain(&file, &headers, &mut out),
        Command::Fmt(args) => fmt_cmd::run(&args, &mut out),
        Command::Headers { file, clang } => headers(&file, &clang, &mut out),
        Command::Gen(args) => gen_cmd::run(&args, &mut out),
        Command::Check(args) => check_cmd::run(&args, &mut out),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(message)) => {
            out.error(&message);
            ExitCode::from(2)
        }
    }
}

/// Where messages go: stderr, coloured or not.
pub(crate) struct Output {
    stderr: StandardStream,
}

impl Output {
    fn new(color: Color) -> Output {
        let choice = match color {
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
            Color::Auto if std::io::stderr().is_terminal() => ColorChoice::Auto,
            Color::Auto => ColorChoice::Never,
        };
        Output {
            stderr: StandardStream::stderr(choice),
        }
    }

    pub(crate) fn diagnostics(&mut self, sources: &SourceMap, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            // If stderr is gone there is nobody left to tell.
            let _ = d.emit(sources, &mut self.stderr);
        }
    }

    pub(crate) fn error(&mut self, message: &str) {
        let _ = writeln!(self.stderr, "error: {message}");
    }

    pub(crate) fn note(&mut self, message: &str) {
        let _ = writeln!(self.stderr, "{message}");
    }
}

/// Reads a spec into the source map.
pub(crate) fn read(
    sources: &mut SourceMap,
    path: &PathBuf,
) -> Result<invc_spec_lang::FileId, Fatal> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Fatal(format!("cannot read `{}`: {e}", path.display())))?;
    sources
        .add(path.display().to_string(), text)
        .map_err(|e| Fatal(e.to_string()))
}

/// Checks one spec, with its headers unless told not to.
fn check_one(
    sources: &mut SourceMap,
    file: invc_spec_lang::FileId,
    path: &std::path::Path,
    headers: &HeaderOptions,
) -> Result<invc_headers::Checked, Fatal> {
    let options = headers.for_spec(path)?;
    invc_headers::check_spec(sources, file, path, options.as_ref())
        .map_err(|e| Fatal(format!("{e}\n(`--no-headers` checks the spec alone)")))
}

fn check_spec(
    files: &[PathBuf],
    format: Format,
    headers: &HeaderOptions,
    out: &mut Output,
) -> Result<ExitCode, Fatal> {
    let mut sources = SourceMap::new();
    let mut all = Vec::new();
    let mut unreadable = false;
    let mut errors = 0;
    let mut model = None;
    for path in files {
        let file = match read(&mut sources, path) {
            Ok(file) => file,
            Err(Fatal(message)) => {
                // Still check the other files; the exit code says one could not be read.
                out.error(&message);
                unreadable = true;
                continue;
            }
        };
        let checked = check_one(&mut sources, file, path, headers)?;
        let (spec, diagnostics) = (checked.spec, checked.diagnostics);
        // The previous file's model is freed here; the last one is left to the exit, below.
        model = checked.model;
        errors += diagnostics
            .iter()
            .filter(|d| d.severity == invc_spec_lang::Severity::Error)
            .count();
        if let Format::Human = format {
            // Each file's report together, in the order the files were given.
            out.diagnostics(&sources, &diagnostics);
            if let Some(spec) = &spec {
                out.note(&format!("{}: ok ({})", path.display(), summary(spec)));
            }
        }
        all.extend(diagnostics);
    }
    match format {
        Format::Human => {
            if errors > 0 {
                out.error(&format!(
                    "could not check the spec{} due to {errors} previous error{}",
                    if files.len() == 1 { "" } else { "s" },
                    if errors == 1 { "" } else { "s" }
                ));
            }
        }
        Format::Json => {
            let json: Vec<_> = all.iter().map(|d| d.to_json(&sources)).collect();
            print_json(&json)?;
        }
    }
    // A model read from kernel headers is tens of thousands of small allocations; freeing
    // them one by one just before the process exits costs a cold run milliseconds for
    // nothing (clang itself runs with `-disable-free` for the same reason).
    std::mem::forget(model);
    Ok(if unreadable {
        ExitCode::from(2)
    } else if diagnostic::has_errors(&all) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summary(spec: &invc_spec_lang::ir::Spec) -> String {
    let counts = [
        (spec.structs.len(), "struct"),
        (spec.newtypes.len(), "newtype"),
        (spec.locks.len(), "global lock"),
        (spec.macros.len(), "macro"),
        (spec.ops.len(), "ops table"),
        (spec.functions.len(), "function"),
        (spec.lock_order.len(), "lock order edge"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if parts.is_empty() {
        "empty".to_owned()
    } else {
        parts.join(", ")
    }
}

fn ir(path: &PathBuf, headers: &HeaderOptions, out: &mut Output) -> Result<ExitCode, Fatal> {
    let mut sources = SourceMap::new();
    let file = read(&mut sources, path)?;
    let checked = check_one(&mut sources, file, path, headers)?;
    out.diagnostics(&sources, &checked.diagnostics);
    match checked.spec {
        Some(spec) => {
            print_json(&spec)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            out.error("no IR: the spec has errors");
            Ok(ExitCode::from(1))
        }
    }
}

/// Checks a spec and prints what `render` makes of it and its file name.
fn render(
    path: &PathBuf,
    headers: &HeaderOptions,
    out: &mut Output,
    what: &str,
    render: impl FnOnce(&invc_spec_lang::ir::Spec, &str) -> String,
) -> Result<ExitCode, Fatal> {
    let mut sources = SourceMap::new();
    let file = read(&mut sources, path)?;
    let checked = check_one(&mut sources, file, path, headers)?;
    out.diagnostics(&sources, &checked.diagnostics);
    let Some(spec) = checked.spec else {
        out.error(&format!("no {what}: the spec has errors"));
        return Ok(ExitCode::from(1));
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    print_text(&render(&spec, &name))
}

fn graph(path: &PathBuf, headers: &HeaderOptions, out: &mut Output) -> Result<ExitCode, Fatal> {
    render(path, headers, out, "graph", graph_cmd::dot)
}

fn explain(path: &PathBuf, headers: &HeaderOptions, out: &mut Output) -> Result<ExitCode, Fatal> {
    render(path, headers, out, "brief", invc_codegen::explain::brief)
}

fn headers(path: &PathBuf, clang: &ClangOptions, out: &mut Output) -> Result<ExitCode, Fatal> {
    let mut sources = SourceMap::new();
    let file = read(&mut sources, path)?;
    let (spec, diagnostics) = invc_spec_lang::check(&sources, file, None);
    out.diagnostics(&sources, &diagnostics);
    let Some(spec) = spec else {
        out.error("the spec has errors; fix them first");
        return Ok(ExitCode::from(1));
    };
    let refs = invc_headers::HeaderRef::all_of(&spec, path);
    match clang.for_spec(path)?.read(refs) {
        Ok((model, _)) => {
            print_json(&model)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ invc_headers::HeaderError::DoNotParse(_)) => {
            out.error(&e.to_string());
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(Fatal(e.to_string())),
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Fatal> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Fatal(format!("cannot write JSON: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").map_err(|e| Fatal(format!("cannot write to stdout: {e}")))
}

/// Writes requested text output to stdout.
fn print_text(text: &str) -> Result<ExitCode, Fatal> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Fatal(format!("cannot write to stdout: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
