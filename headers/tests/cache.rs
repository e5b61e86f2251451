//! The model cache over headers written by the test: a second read of unchanged headers is a
//! hit with the same model; a change to any header read (even one only included), to the
//! flags, or damage to the entry makes it read the headers again.

use invc_headers::{Cache, Freshness, HeaderRef, Request};
use std::path::Path;

fn request(dir: &Path, args: &[&str]) -> Request {
    Request {
        headers: vec![HeaderRef::File(dir.join("top.h"))],
        clang_args: args.iter().map(|s| s.to_string()).collect(),
    }
}

fn write_headers(dir: &Path, width: &str) {
    std::fs::write(
        dir.join("top.h"),
        "#include \"inner.h\"\nstruct top { struct inner in; };\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("inner.h"),
        format!("struct inner {{ {width} x; }};\n#define INNER_MAX 7\n"),
    )
    .unwrap();
}

#[test]
fn unchanged_headers_are_not_parsed_again() {
    let headers = tempfile::tempdir().unwrap();
    let cache = Cache::at(tempfile::tempdir().unwrap().keep());
    write_headers(headers.path(), "int");
    let (cold, fresh) = cache.read(&request(headers.path(), &[])).unwrap();
    assert_eq!(fresh, Freshness::Miss);
    let (warm, fresh) = cache.read(&request(headers.path(), &[])).unwrap();
    assert_eq!(fresh, Freshness::Hit);
    assert_eq!(warm, cold);
    assert_eq!(warm.constants["INNER_MAX"], 7);
    assert_eq!(warm.inputs.len(), 2, "{:?}", warm.inputs);
}

#[test]
fn a_changed_included_header_is_parsed_again() {
    let headers = tempfile::tempdir().unwrap();
    let cache = Cache::at(tempfile::tempdir().unwrap().keep());
    write_headers(headers.path(), "int");
    let (before, _) = cache.read(&request(headers.path(), &[])).unwrap();
    std::fs::write(
        headers.path().join("inner.h"),
        "typedef long u64;\nstruct inner { u64 x; };\n#define INNER_MAX 9\n",
    )
    .unwrap();
    let (after, fresh) = cache.read(&request(headers.path(), &[])).unwrap();
    assert_eq!(fresh, Freshness::Stale);
    assert_ne!(after, before);
    assert_eq!(after.constants["INNER_MAX"], 9);
    assert_eq!(after.records["inner"].size, Some(8));
    let (_, fresh) = cache.read(&request(headers.path(), &[])).unwrap();
    assert_eq!(fresh, Freshness::Hit, "the replaced entry is reused");
}

#[test]
fn other_flags_are_another_entry() {
    let headers = tempfile::tempdir().unwrap();
    let cache = Cache::at(tempfile::tempdir().unwrap().keep());
    write_headers(headers.path(), "WIDTH");
    let (narrow, _) = cache
        .read(&request(headers.path(), &["-DWIDTH=int"]))
        .unwrap();
    let (wide, fresh) = cache
        .read(&request(headers.path(), &["-DWIDTH=long"]))
        .unwrap();
    assert_eq!(fresh, Freshness::Miss);
    assert_eq!(narrow.records["inner"].size, Some(4));
    assert_eq!(wide.records["inner"].size, Some(8));
    let (_, fresh) = cache
        .read(&request(headers.path(), &["-DWIDTH=int"]))
        .unwrap();
    assert_eq!(fresh, Freshness::Hit, "both entries are kept");
    let (_, fresh) = cache
        .read(&request(headers.path(), &["-DWIDTH=long"]))
        .unwrap();
    assert_eq!(fresh, Freshness::Hit, "both entries are kept");
}

#[test]
fn a_damaged_entry_is_read_again_not_an_error() {
    let headers = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::at(dir.path());
    write_headers(headers.path(), "int");
    let (good, _) = cache.read(&request(headers.path(), &[])).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&path, bytes).unwrap();
    }
    let (model, fresh) = cache.read(&request(headers.path(), &[])).unwrap();
    assert_eq!(fresh, Freshness::Stale);
    assert_eq!(model, good);
}

#[test]
fn an_unwritable_cache_only_costs_time() {
    let headers = tempfile::tempdir().unwrap();
    write_headers(headers.path(), "int");
    // A cache "folder" that is a file cannot hold entries.
    let file = tempfile::NamedTempFile::new().unwrap();
    let cache = Cache::at(file.path());
    for _ in 0..2 {
        let (model, fresh) = cache.read(&request(headers.path(), &[])).unwrap();
        assert_eq!(fresh, Freshness::Miss);
        assert!(model.records.contains_key("top"));
    }
}
