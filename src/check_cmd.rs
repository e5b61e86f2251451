//! `invc check`: check Rust translations against specs and print the findings in the format
//! asked for. This module reads the files, calls `invc_checker`, applies the baseline and the
//! diff filter, and maps the outcome to an exit code: 0 no findings, 1 findings, 2 usage or
//! I/O failure, or a spec with errors (its diagnostics are printed; nothing is checked then,
//! since rules from a broken spec would be wrong).

use crate::{Fatal, HeaderOptions, Output, check_one, print_json, read};
use invc_checker::filter::{Baseline, ChangedLines};
use invc_checker::report::{self, JsonFinding};
use invc_checker::{Finding, RuleIndex};
use invc_spec_lang::{FileId, SourceMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `invc check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// A spec whose rules apply; repeat `--spec` for several.
    #[arg(long = "spec", value_name = "FILE.inv", required = true)]
    specs: Vec<PathBuf>,
    /// Rust files, or folders searched for `*.rs` files (skipping `target` and hidden folders).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// How to print findings: `human` (rustc-like, on stderr), `short`
    /// (`file:line:col: rule: message`), `json` (an array), `sarif` (SARIF 2.1.0) or
    /// `github` (workflow-command annotations); all but `human` go to stdout.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Keep only findings on lines this unified diff adds (`git diff -U0` output; `-` reads
    /// stdin).
    #[arg(long, value_name = "DIFF")]
    changed_lines: Option<PathBuf>,
    /// Ignore the findings listed in this file (the JSON that `--format json` or
    /// `--write-baseline` writes), matched by rule, file and message, not by line.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every current finding to this file as a baseline, print nothing else, exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    #[command(flatten)]
    headers: HeaderOptions,
}

/// The output formats of `invc check`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    /// rustc-style, on stderr.
    Human,
    /// `file:line:col: rule: message` lines.
    Short,
    /// A JSON array of findings.
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

/// Runs `invc check`.
pub fn run(args: &CheckArgs, out: &mut Output) -> Result<ExitCode, Fatal> {
    let mut sources = SourceMap::new();
    let mut specs = Vec::new();
    let mut spec_errors = false;
    for path in &args.specs {
        let file = read(&mut sources, path)?;
        let checked = check_one(&mut sources, file, path, &args.headers)?;
        out.diagnostics(&sources, &checked.diagnostics);
        match checked.spec {
            Some(spec) => specs.push(spec),
            None => spec_errors = true,
        }
    }
    if spec_errors {
        return Err(Fatal(
            "the spec has errors, so no Rust file was checked".to_owned(),
        ));
    }
    let index = RuleIndex::new(&specs);

    let mut files = Vec::new();
    for path in &args.paths {
        rust_files(path, &mut files)?;
    }
    let mut ids: Vec<FileId> = Vec::new();
    let mut unreadable = false;
    for path in &files {
        match read(&mut sources, path) {
            Ok(id) => ids.push(id),
            Err(Fatal(message)) => {
                // Check the others; the exit code still says one could not be read.
                out.error(&message);
                unreadable = true;
            }
        }
    }

    let findings = invc_checker::check_files(&index, &sources, &ids);
    let rendered: Vec<JsonFinding> = findings
        .iter()
        .map(|f| JsonFinding::of(f, &sources))
        .collect();

    if let Some(path) = &args.write_baseline {
        let text = serde_json::to_string_pretty(&rendered)
            .map_err(|e| Fatal(format!("cannot write JSON: {e}")))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| Fatal(format!("cannot write `{}`: {e}", path.display())))?;
        out.note(&format!(
            "wrote {} finding{} to the baseline `{}`",
            rendered.len(),
            if rendered.len() == 1 { "" } else { "s" },
            path.display()
        ));
        return Ok(if unreadable {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }

    let mut baseline = match &args.baseline {
        Some(path) => {
            let text = read_text(path)?;
            let entries = invc_checker::filter::parse_baseline(&text)
                .map_err(|e| Fatal(format!("`{}` is not a baseline: {e}", path.display())))?;
            Baseline::new(entries)
        }
        None => Baseline::default(),
    };
    let changed = match &args.changed_lines {
        Some(path) => Some(
            ChangedLines::parse(&read_text(path)?)
                .map_err(|e| Fatal(format!("`{}`: {e}", path.display())))?,
        ),
        None => None,
    };
    let (kept, kept_json): (Vec<Finding>, Vec<JsonFinding>) = findings
        .into_iter()
        .zip(rendered)
        .filter(|(_, j)| changed.as_ref().is_none_or(|c| c.contains(&j.file, j.line)))
        .filter(|(_, j)| !baseline.accepts(j))
        .unzip();

    match args.format {
        CheckFormat::Human => {
            report::human(&kept, &sources, &mut out.stderr)
                .map_err(|e| Fatal(format!("cannot write to stderr: {e}")))?;
            out.note(&summary(&kept_json, ids.len()));
        }
        CheckFormat::Json => print_json(&kept_json)?,
        CheckFormat::Sarif => print_json(&report::sarif(&kept_json))?,
        CheckFormat::Short => print_text(&report::short(&kept_json))?,
        CheckFormat::Github => print_text(&report::github(&kept_json))?,
    }
    Ok(if unreadable {
        ExitCode::from(2)
    } else if kept.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The closing line of human output.
fn summary(findings: &[JsonFinding], files: usize) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    if findings.is_empty() {
        return format!("invc check: {} clean", plural(files, "file"));
    }
    let mut affected: Vec<&str> = findings.iter().map(|f| f.file.as_str()).collect();
    affected.sort_unstable();
    affected.dedup();
    format!(
        "invc check: {} in {} (of {} checked)",
        plural(findings.len(), "finding"),
        plural(affected.len(), "file"),
        files
    )
}

/// `path` itself if it is a file, else every `*.rs` file under it, in name order.
fn rust_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Fatal> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Fatal(format!("cannot read `{}`: {e}", path.display())))?;
    if !meta.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Fatal(format!("cannot read `{}`: {e}", path.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if entry.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&entry, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(entry);
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, Fatal> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Fatal(format!("cannot read stdin: {e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Fatal(format!("cannot read `{}`: {e}", path.display())))
}

fn print_text(text: &str) -> Result<(), Fatal> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Fatal(format!("cannot write to stdout: {e}")))
}
