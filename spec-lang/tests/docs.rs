//! Every ```inv block in the book (and in DESIGN.md, when `INVC_DESIGN_MD` names it) is a
//! complete spec that checks clean; every ```inv,error=EXXXX block produces that code.
//! (```inv,header blocks need a C header beside them; the header cross-check's own tests in
//! `headers/tests/crosscheck/` cover those examples.)

use invc_spec_lang::{Phase, SourceMap, check};
use std::path::{Path, PathBuf};

struct Block {
    origin: String,
    info: String,
    text: String,
}

fn blocks(path: &Path) -> Vec<Block> {
    let markdown =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    let mut current: Option<(usize, String, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None => {
                if let Some(info) = trimmed.strip_prefix("```")
                    && (info == "inv" || info.starts_with("inv,error="))
                {
                    current = Some((n + 1, info.to_owned(), String::new()));
                }
            }
            Some((start, info, text)) => {
                if trimmed.starts_with("```") {
                    out.push(Block {
                        origin: format!("{}:{start}", path.display()),
                        info: info.clone(),
                        text: std::mem::take(text),
                    });
                    current = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    assert!(current.is_none(), "{}: unclosed code block", path.display());
    out
}

fn markdown_files() -> Vec<PathBuf> {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    // Chapters nest one folder deep (`gen/locks.md`).
    let mut files: Vec<PathBuf> = Vec::new();
    let mut folders = vec![book];
    while let Some(folder) = folders.pop() {
        for entry in
            std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    if let Some(design) = std::env::var_os("INVC_DESIGN_MD") {
        files.push(PathBuf::from(design));
    }
    files
}

fn check_block(block: &Block) -> Vec<String> {
    let mut sources = SourceMap::new();
    let file = sources
        .add(block.origin.clone(), block.text.clone())
        .unwrap();
    let (_, diagnostics) = check(&sources, file, None);
    diagnostics
        .iter()
        .map(|d| format!("{}\n{}", d.code, d.render(&sources)))
        .collect()
}

#[test]
fn inv_blocks_in_the_docs_check_as_documented() {
    let mut clean = 0;
    let mut failing = 0;
    let mut problems = Vec::new();
    for path in markdown_files() {
        for block in blocks(&path) {
            let diagnostics = check_block(&block);
            match block.info.strip_prefix("inv,error=") {
                None => {
                    clean += 1;
                    if !diagnostics.is_empty() {
                        problems.push(format!(
                            "{} should check clean:\n{}",
                            block.origin,
                            diagnostics.join("\n")
                        ));
                    }
                }
                Some(code) => {
                    failing += 1;
                    if !diagnostics.iter().any(|d| d.starts_with(code)) {
                        problems.push(format!(
                            "{} should report {code}, got:\n{}",
                            block.origin,
                            diagnostics.join("\n")
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // The book has a reference full of examples and an error index with one per code.
    assert!(clean >= 10, "only {clean} clean examples found");
    let of_the_spec_phase = invc_spec_lang::Code::ALL
        .iter()
        .filter(|c| c.phase() == Phase::Spec)
        .count();
    assert!(
        failing >= of_the_spec_phase,
        "only {failing} error examples found"
    );
}

#[test]
fn error_index_documents_every_code() {
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/errors.md");
    let text = std::fs::read_to_string(index).unwrap();
    for code in invc_spec_lang::Code::ALL {
        assert!(
            text.contains(&format!("## {code}")),
            "book/src/errors.md has no section for {code}"
        );
        let example = if code.phase() != Phase::Spec {
            "```inv,header".to_owned()
        } else {
            format!("```inv,error={code}")
        };
        assert!(
            text.contains(&example),
            "book/src/errors.md has no example for {code}"
        );
    }
}

#[test]
fn extraction_finds_blocks_and_their_kind() {
    let dir = std::env::temp_dir().join(format!("invc-docs-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let md = dir.join("t.md");
    std::fs::write(
        &md,
        "text\n```inv\nnewtype A = u8;\n```\n```rust\nfn x() {}\n```\n```inv,error=E0012\nx\n```\n```inv,header\nheader \"h.h\";\n```\n",
    )
    .unwrap();
    let found = blocks(&md);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].text, "newtype A = u8;\n");
    assert_eq!(found[1].info, "inv,error=E0012");
}
