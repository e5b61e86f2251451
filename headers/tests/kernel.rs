//! A spec over real kernel structures (`examples/kernel/fs.inv`, over `struct inode` and
//! `struct super_block`) checked against the distribution's configured kernel headers with the
//! kernel's own clang flags. `.ci/run` installs the headers (Debian: `linux-headers-amd64`).

use invc_headers::{Cache, Freshness, ReadOptions, check_spec};
use invc_spec_lang::{Code, SourceMap};
use std::path::{Path, PathBuf};

/// The `-common` and arch-specific header folders of the newest installed kernel headers.
fn kernel_headers() -> (PathBuf, PathBuf) {
    let mut common: Vec<PathBuf> = std::fs::read_dir("/usr/src")
        .expect(
            "/usr/src: install the kernel headers (Debian: apt-get install linux-headers-amd64)",
        )
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("linux-headers-")
                && p.join("include/linux/fs.h").exists()
        })
        .collect();
    common.sort();
    let common = common
        .pop()
        .expect("no linux-headers-*-common in /usr/src: apt-get install linux-headers-amd64");
    let name = common.file_name().unwrap().to_str().unwrap().to_owned();
    let arch = common.with_file_name(name.replace("-common", "-amd64"));
    assert!(
        arch.join("include/generated").exists(),
        "{} lacks generated headers",
        arch.display()
    );
    (common, arch)
}

/// clang's own headers (stddef.h, ...), which `-nostdinc` leaves out of the search path.
fn clang_resource_include() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("llvm-")
        })
        .flat_map(|llvm| {
            std::fs::read_dir(llvm.join("lib/clang"))
                .into_iter()
                .flatten()
        })
        .map(|e| e.unwrap().path().join("include"))
        .filter(|p| p.join("stddef.h").exists())
        .collect();
    found.sort();
    found.pop().expect(
        "clang's resource headers (Debian: libclang-common-*-dev, a dependency of libclang-dev)",
    )
}

/// The flags the kernel's own build passes (see the book's chapter on clang flags).
fn kernel_flags() -> Vec<String> {
    let (c, a) = kernel_headers();
    let (c, a) = (c.display(), a.display());
    let mut flags = vec![
        "-D__KERNEL__".to_owned(),
        "-nostdinc".to_owned(),
        "-isystem".to_owned(),
    ];
    flags.push(clang_resource_include().display().to_string());
    for dir in [
        format!("{c}/arch/x86/include"),
        format!("{a}/arch/x86/include/generated"),
        format!("{c}/include"),
        format!("{a}/include"),
        format!("{c}/arch/x86/include/uapi"),
        format!("{a}/arch/x86/include/generated/uapi"),
        format!("{c}/include/uapi"),
        format!("{a}/include/generated/uapi"),
    ] {
        flags.push(format!("-I{dir}"));
    }
    for file in ["compiler-version.h", "kconfig.h", "compiler_types.h"] {
        let path = format!("{c}/include/linux/{file}");
        if Path::new(&path).exists() {
            flags.push("-include".to_owned());
            flags.push(path);
        }
    }
    flags.extend(
        [
            "-DMODULE",
            "-DKBUILD_MODNAME=\"x\"",
            "-DKBUILD_BASENAME=\"x\"",
            "-std=gnu11",
            "-fno-strict-aliasing",
            "-mno-sse",
        ]
        .map(str::to_owned),
    );
    flags
}

fn check(text: &str) -> invc_headers::Checked {
    check_with(text, None)
}

fn check_with(text: &str, cache: Option<Cache>) -> invc_headers::Checked {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/kernel/fs.inv");
    let mut sources = SourceMap::new();
    let file = sources.add("fs.inv", text).unwrap();
    let options = ReadOptions {
        clang_args: kernel_flags(),
        cache,
    };
    let checked = check_spec(&mut sources, file, &path, Some(&options)).unwrap();
    for d in &checked.diagnostics {
        eprintln!("{}", d.render(&sources));
    }
    checked
}

#[test]
fn a_spec_over_linux_fs_h_checks_clean() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/kernel/fs.inv");
    let checked = check(&std::fs::read_to_string(path).unwrap());
    assert!(checked.diagnostics.is_empty(), "see stderr");
    let model = checked.model.unwrap();
    let inode = &model.records["inode"];
    assert_eq!(
        inode.field("i_lock").unwrap().ty.canonical,
        "struct spinlock"
    );
    assert!(model.records["super_block"].field("s_inodes").is_some());
}

#[test]
fn mistakes_in_a_spec_over_linux_fs_h_are_found() {
    let checked = check(
        "header <linux/fs.h>;\n\
         struct inode { lock i_lock: mutex; readonly i_sizee; embeds i_data: struct list_head; }\n\
         fn iput(inode, flags);",
    );
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            Code::LockTypeMismatch,
            Code::UnknownCField,
            Code::EmbedTypeMismatch,
            Code::FunctionMismatch
        ]
    );
}

#[test]
fn a_second_run_on_unchanged_kernel_headers_uses_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "header <linux/fs.h>;\nstruct inode { lock i_lock: spinlock; }\n";
    let cold = check_with(spec, Some(Cache::at(dir.path())));
    assert_eq!(cold.freshness, Some(Freshness::Miss));
    let warm = check_with(spec, Some(Cache::at(dir.path())));
    assert_eq!(warm.freshness, Some(Freshness::Hit));
    assert!(warm.diagnostics.is_empty());
    let model = warm.model.unwrap();
    assert_eq!(Some(model.clone()), cold.model);
    // The inputs are every header read, including those given with `-include` and what the
    // configuration pulls in, so a change to any of them is noticed.
    for wanted in [
        "/include/linux/fs.h",
        "/include/linux/kconfig.h",
        "/include/generated/autoconf.h",
        "/include/linux/spinlock_types.h",
    ] {
        assert!(
            model.inputs.iter().any(|i| i.ends_with(wanted)),
            "{wanted} is not among the {} inputs",
            model.inputs.len()
        );
    }
}
