//! Reads the indexable files under a root: Rust, Python, TypeScript/JavaScript and
//! configuration files, honouring `.gitignore` (also outside a git checkout), with
//! limits on file size and file count. Each file comes with its sha256, so a
//! re-index can skip what did not change; a file whose size and modification time
//! equal what the last run saw is not even read (as git and cargo do).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::UNIX_EPOCH;

use ignore::WalkState;

use sha2::{Digest, Sha256};

use crate::sonar::outline::Language;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Larger files are skipped (generated code, bundles, data).
    pub max_file_bytes: u64,
    /// At most this many files are read; the scan says when it stopped early.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 1024 * 1024,
            max_files: 20_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScannedFile {
    /// Relative to the root, with `/` separators.
    pub path: String,
    pub language: Language,
    pub sha256: String,
    pub size: u64,
    pub lines: usize,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub modified_ns: i64,
    /// `None` when the file was not read: its size and modification time are those of
    /// the `known` file, so its sha256 and line count are taken from there.
    pub text: Option<String>,
}

impl ScannedFile {
    /// What a later scan needs to know of this file.
    pub fn known(&self) -> Known {
        Known {
            sha256: self.sha256.clone(),
            size: self.size,
            lines: self.lines,
            modified_ns: self.modified_ns,
        }
    }
}

/// What the last run recorded of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Known {
    pub sha256: String,
    pub size: u64,
    pub lines: usize,
    pub modified_ns: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    /// Sorted by path.
    pub files: Vec<ScannedFile>,
    pub skipped_too_large: usize,
    pub skipped_not_text: usize,
    /// The file limit was reached before the walk ended.
    pub truncated: bool,
}

/// A file the walk found, before it is read.
struct Candidate {
    path: String,
    full: PathBuf,
    language: Language,
    size: u64,
    modified_ns: i64,
}

/// The walk stops after this many indexable files whatever the file limit: on a
/// tree that large, which files make the cut is no longer fully deterministic.
const MAX_WALKED_FACTOR: usize = 5;

/// Scans `root`; files matching their `known` record by size and modification time
/// are not read.
pub fn scan(root: &Path, limits: &Limits, known: &HashMap<String, Known>) -> std::io::Result<Scan> {
    if !root.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} is not a directory", root.display()),
        ));
    }
    let mut candidates = walk(root, limits.max_files.saturating_mul(MAX_WALKED_FACTOR));
    // The order of a depth-first walk with sorted names, so the file limit always
    // keeps the same files: paths compared component by component, which is byte
    // order once the separator sorts before every other byte (and much faster than
    // comparing `Path`s).
    candidates.sort_by_cached_key(|c| c.path.replace('/', "\0"));
    let mut result = Scan::default();
    for candidate in candidates {
        if candidate.size > limits.max_file_bytes {
            result.skipped_too_large += 1;
            continue;
        }
        if result.files.len() == limits.max_files {
            result.truncated = true;
            break;
        }
        let Candidate {
            path,
            full,
            language,
            size,
            modified_ns,
        } = candidate;
        if let Some(known) = known
            .get(&path)
            .filter(|k| modified_ns != 0 && k.size == size && k.modified_ns == modified_ns)
        {
            result.files.push(ScannedFile {
                sha256: known.sha256.clone(),
                lines: known.lines,
                size,
                modified_ns,
                language,
                path,
                text: None,
            });
            continue;
        }
        let bytes = std::fs::read(&full)?;
        // NUL bytes mean binary data (and PostgreSQL's text columns refuse them).
        let Some(text) = String::from_utf8(bytes).ok().filter(|t| !t.contains('\0')) else {
            result.skipped_not_text += 1;
            continue;
        };
        result.files.push(ScannedFile {
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
            lines: text.lines().count(),
            size,
            modified_ns,
            language,
            path,
            text: Some(text),
        });
    }
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(result)
}

/// The indexable files under `root` with their size and modification time, found on
/// every core (a re-index of a large tree is mostly this walk: a stat per file); at
/// most `limit` of them.
fn walk(root: &Path, limit: usize) -> Vec<Candidate> {
    let found = Mutex::new(Vec::new());
    let shared = &found;
    ignore::WalkBuilder::new(root)
        .require_git(false)
        .threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
        .build_parallel()
        .run(|| {
            Box::new(move |entry| {
                let Some(candidate) = entry.ok().and_then(|entry| candidate(root, entry)) else {
                    return WalkState::Continue;
                };
                let mut found = shared.lock().unwrap_or_else(PoisonError::into_inner);
                found.push(candidate);
                if found.len() >= limit {
                    WalkState::Quit
                } else {
                    WalkState::Continue
                }
            })
        });
    found.into_inner().unwrap_or_else(PoisonError::into_inner)
}

fn candidate(root: &Path, entry: ignore::DirEntry) -> Option<Candidate> {
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let path = entry
        .path()
        .strip_prefix(root)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let language = Language::of_path(&path)?;
    let metadata = entry.metadata().ok();
    let size = metadata.as_ref().map(|m| m.len()).unwrap_or(0);
    let modified_ns = metadata
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    Some(Candidate {
        path,
        full: entry.into_path(),
        language,
        size,
        modified_ns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, bytes: &[u8]) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", b"ignored/\n*.gen.ts\n");
        write(root, "src/lib.rs", b"pub fn a() {}\n");
        write(root, "app/main.py", b"def main():\n    pass\n");
        write(root, "web/app.ts", b"export const A = 1;\n");
        write(root, "web/api.gen.ts", b"export const B = 2;\n");
        write(root, "ignored/skip.rs", b"fn skipped() {}\n");
        write(root, "Cargo.toml", b"[package]\nname = \"x\"\n");
        write(root, "README.md", b"# not indexed\n");
        write(root, "src/big.rs", &vec![b'/'; 2_000]);
        write(root, "src/latin1.rs", b"// caf\xe9\n");
        write(root, "src/blob.json", b"{\"a\": \"\x00\"}\n");
        dir
    }

    #[test]
    fn reads_indexable_files_honouring_gitignore_and_limits() {
        let dir = tree();
        let limits = Limits {
            max_file_bytes: 1_000,
            max_files: 100,
        };
        let scan = scan(dir.path(), &limits, &HashMap::new()).unwrap();
        let paths: Vec<&str> = scan.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["Cargo.toml", "app/main.py", "src/lib.rs", "web/app.ts"]
        );
        assert_eq!((scan.skipped_too_large, scan.skipped_not_text), (1, 2));
        assert!(!scan.truncated);
        let lib = &scan.files[2];
        assert_eq!((lib.language, lib.lines, lib.size), (Language::Rust, 1, 14));
        assert_eq!(lib.sha256, hex::encode(Sha256::digest(b"pub fn a() {}\n")));
        assert_eq!(scan.files[1].language, Language::Python);
        assert_eq!(scan.files[0].language, Language::Config);
    }

    #[test]
    fn the_file_limit_stops_the_walk_and_says_so() {
        let dir = tree();
        let limits = Limits {
            max_file_bytes: 1_000,
            max_files: 2,
        };
        let scan = scan(dir.path(), &limits, &HashMap::new()).unwrap();
        let paths: Vec<&str> = scan.files.iter().map(|f| f.path.as_str()).collect();
        // The first two a depth-first walk with sorted names meets, every time.
        assert_eq!(paths, ["Cargo.toml", "app/main.py"]);
        assert!(scan.truncated);
    }

    #[test]
    fn the_limit_keeps_files_in_depth_first_order() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["a.rs", "a/z.rs", "ab/c.rs", "a-b.rs"] {
            write(dir.path(), path, b"pub fn f() {}\n");
        }
        let limits = Limits {
            max_file_bytes: 1_000,
            max_files: 2,
        };
        let scan = scan(dir.path(), &limits, &HashMap::new()).unwrap();
        let paths: Vec<&str> = scan.files.iter().map(|f| f.path.as_str()).collect();
        // A walk meets the folder `a` (shorter name first) before `a-b.rs`, then
        // `a.rs`, then the folder `ab`; plain string order would keep `a.rs` instead
        // of `a/z.rs`. The result is sorted by path after.
        assert_eq!(paths, ["a-b.rs", "a/z.rs"]);
        assert!(scan.truncated);
    }

    #[test]
    fn files_unchanged_by_size_and_time_are_not_read_again() {
        let dir = tree();
        let limits = Limits::default();
        let first = scan(dir.path(), &limits, &HashMap::new()).unwrap();
        let known: HashMap<String, Known> = first
            .files
            .iter()
            .map(|f| (f.path.clone(), f.known()))
            .collect();
        // Longer, so the size differs even where the clock is coarse.
        write(dir.path(), "src/lib.rs", b"pub fn a() {}\npub fn b() {}\n");
        let second = scan(dir.path(), &limits, &known).unwrap();
        let read: Vec<&str> = second
            .files
            .iter()
            .filter(|f| f.text.is_some())
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(read, ["src/lib.rs"]);
        let lib = second
            .files
            .iter()
            .find(|f| f.path == "src/lib.rs")
            .unwrap();
        assert_eq!(lib.lines, 2);
        let main = second
            .files
            .iter()
            .find(|f| f.path == "app/main.py")
            .unwrap();
        assert_eq!(
            (main.sha256.as_str(), main.lines),
            (known["app/main.py"].sha256.as_str(), 2)
        );
    }

    #[test]
    fn a_missing_root_is_an_error() {
        let missing = Path::new("/definitely/not/here");
        assert!(scan(missing, &Limits::default(), &HashMap::new()).is_err());
    }
}
