//! `invc gen`: check a spec with its headers, generate its wrapper crate, and write it (or,
//! with `--check`, say whether the folder is up to date).

use crate::{ClangOptions, Fatal, Output, read};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `invc gen`.
#[derive(clap::Args)]
pub struct GenArgs {
    /// The `.inv` file.
    #[arg(value_name = "FILE.inv")]
    file: PathBuf,
    /// The folder to write the crate to: a new or empty folder, or one invc generated before
    /// (anything else is refused, and nothing is touched).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: PathBuf,
    /// Make the crate depend on the runtime crate (`invc-annotations`) in this folder rather
    /// than on its published version; the path is written relative to DIR.
    #[arg(long, value_name = "PATH")]
    runtime_path: Option<PathBuf>,
    /// What the wrappers are for: `host` writes a cargo crate over the runtime's userspace
    /// shim; `kernel` writes a module folder for a kernel tree (`mod.rs`, `raw.rs`,
    /// `wrappers.rs`), whose C types are the kernel's own `kernel::bindings`.
    #[arg(long, value_enum, default_value_t = BackendArg::Host)]
    backend: BackendArg,
    /// Write nothing; exit 0 if DIR holds exactly what would be generated, 1 if it is stale.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    clang: ClangOptions,
}

/// `--backend`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BackendArg {
    /// A cargo crate for userspace builds and tests, over the host shim.
    Host,
    /// A module folder for a kernel tree, over `kernel::bindings`.
    Kernel,
}

/// Runs `invc gen`.
pub fn run(args: &GenArgs, out: &mut Output) -> Result<ExitCode, Fatal> {
    let backend = match args.backend {
        BackendArg::Host => invc_codegen::Backend::Host,
        BackendArg::Kernel => invc_codegen::Backend::Kernel,
    };
    if backend == invc_codegen::Backend::Kernel && args.runtime_path.is_some() {
        return Err(Fatal(
            "--runtime-path is for the host backend's Cargo.toml; a kernel module folder has \
             no manifest (the kernel tree builds the runtime)"
                .to_owned(),
        ));
    }
    let mut sources = invc_spec_lang::SourceMap::new();
    let file = read(&mut sources, &args.file)?;
    let options = args.clang.for_spec(&args.file)?;
    let checked = invc_headers::check_spec(&mut sources, file, &args.file, Some(&options))
        .map_err(|e| Fatal(e.to_string()))?;
    out.diagnostics(&sources, &checked.diagnostics);
    let Some(spec) = checked.spec else {
        out.error("the spec has errors; nothing was generated");
        return Ok(ExitCode::from(1));
    };
    let request = invc_headers::Request {
        headers: invc_headers::HeaderRef::all_of(&spec, &args.file),
        clang_args: options.clang_args,
    };
    let runtime = match &args.runtime_path {
        None => invc_codegen::Runtime::Version,
        Some(path) => {
            if !path.join("Cargo.toml").is_file() {
                return Err(Fatal(format!(
                    "--runtime-path `{}` holds no Cargo.toml of the runtime crate",
                    path.display()
                )));
            }
            invc_codegen::Runtime::Path(relative_to(path, &args.out))
        }
    };
    let krate = match invc_codegen::generate(
        &spec,
        &sources,
        &request,
        &invc_codegen::Options { runtime, backend },
    ) {
        Ok(krate) => krate,
        Err(diagnostics) => {
            out.diagnostics(&sources, &diagnostics);
            out.error("could not generate the wrapper crate");
            return Ok(ExitCode::from(1));
        }
    };
    let dir = args.out.display();
    if args.check {
        return match invc_codegen::output::is_fresh(&args.out, &krate) {
            Ok(true) => {
                out.note(&format!("{dir}: up to date"));
                Ok(ExitCode::SUCCESS)
            }
            Ok(false) => {
                let backend = match backend {
                    invc_codegen::Backend::Host => "",
                    invc_codegen::Backend::Kernel => " --backend kernel",
                };
                out.error(&format!(
                    "{dir} is stale: run `invc gen {} -o {dir}{backend}` to regenerate it",
                    args.file.display()
                ));
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(Fatal(e.to_string())),
        };
    }
    invc_codegen::output::write(&args.out, &krate).map_err(|e| Fatal(e.to_string()))?;
    let what = match backend {
        invc_codegen::Backend::Host => format!("crate `{}`", krate.name),
        invc_codegen::Backend::Kernel => "kernel module folder".to_owned(),
    };
    out.note(&format!("{}: wrote {what} to {dir}", args.file.display()));
    Ok(ExitCode::SUCCESS)
}

/// `target` as seen from folder `from`, both taken from the working directory, so that a
/// generated Cargo.toml works wherever the checkout is.
fn relative_to(target: &Path, from: &Path) -> PathBuf {
    // Lexical: `..` removes the name before it, as it does for paths that exist.
    let parts = |p: &Path| -> Vec<std::ffi::OsString> {
        let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
        let mut parts = Vec::new();
        for c in absolute.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::Normal(n) => parts.push(n.to_owned()),
                _ => {}
            }
        }
        parts
    };
    let (target, from) = (parts(target), parts(from));
    let common = target.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &target[common..] {
        out.push(part);
    }
    out
}
