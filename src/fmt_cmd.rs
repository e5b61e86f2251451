//! `invc fmt`: lay `.inv` files out the one way (see `invc_spec_lang::format`), in place or,
//! with `--check`, only say which files would change.

use crate::{Fatal, Output};
use invc_spec_lang::format::{FormatError, format};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `invc fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {
    /// The `.inv` files.
    #[arg(required = true, value_name = "FILE.inv")]
    files: Vec<PathBuf>,
    /// Write nothing; list the files whose layout differs and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

/// Runs `invc fmt`.
pub fn run(args: &FmtArgs, out: &mut Output) -> Result<ExitCode, Fatal> {
    let mut code = ExitCode::SUCCESS;
    let mut failed = false;
    for path in &args.files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                out.error(&format!("cannot read `{}`: {e}", path.display()));
                failed = true;
                continue;
            }
        };
        let mut sources = invc_spec_lang::SourceMap::new();
        let file = sources
            .add(path.display().to_string(), text.clone())
            .map_err(|e| Fatal(e.to_string()))?;
        let formatted = match format(file, &text) {
            Ok(formatted) => formatted,
            Err(FormatError::Syntax(diagnostics)) => {
                out.diagnostics(&sources, &diagnostics);
                out.error(&format!(
                    "`{}` was not formatted: fix its syntax errors first",
                    path.display()
                ));
                code = ExitCode::from(1);
                continue;
            }
            Err(FormatError::Changed(message)) => {
                out.error(&format!("`{}`: {message}", path.display()));
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if args.check {
            out.note(&format!("{}: not formatted", path.display()));
            code = ExitCode::from(1);
            continue;
        }
        if let Err(e) = write_atomically(path, &formatted) {
            out.error(&format!("cannot write `{}`: {e}", path.display()));
            failed = true;
            continue;
        }
        out.note(&format!("{}: formatted", path.display()));
    }
    Ok(if failed { ExitCode::from(2) } else { code })
}

/// Replaces `path` by `text` through a temporary file beside it, so an interrupted run leaves
/// the old file or the new one, never half of either.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "spec.inv".into(), |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{name}.invc-fmt-{}", std::process::id()));
    std::fs::write(&temp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        // Keep the file's permissions.
        let _ = std::fs::set_permissions(&temp, meta.permissions());
    }
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
