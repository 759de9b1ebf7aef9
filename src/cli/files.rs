//! Finding and reading `*.chron` files for the command line.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{Code, Diagnostic};
use crate::syntax::lines;

/// A file read from disk. A file that could not be used as text (not UTF-8,
/// too large) has empty text and a `problem` that says why.
pub struct LoadedFile {
    pub path: PathBuf,
    /// Shared with the analysis (one copy of each text).
    pub text: Arc<str>,
    pub line_starts: Vec<usize>,
    pub problem: Option<Diagnostic>,
}

/// Every `*.chron` file under the paths, sorted, without duplicates. A path
/// named explicitly is taken whatever its extension. Directories are walked
/// recursively, skipping hidden ones, `target` and `node_modules`; symbolic
/// links to directories are not followed.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        let meta =
            fs::metadata(path).map_err(|e| format!("{}: {}", path.display(), describe(&e)))?;
        if meta.is_dir() {
            walk(path, &mut out).map_err(|e| format!("{}: {}", path.display(), describe(&e)))?;
        } else {
            out.push(path.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "chron") {
            if kind.is_symlink() && fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(true) {
                continue;
            }
            out.push(path);
        }
    }
    Ok(())
}

fn describe(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

/// Reads one file. I/O errors are returned; unusable contents become a
/// diagnostic on the file.
pub fn load(path: &Path, max_size: u64) -> io::Result<LoadedFile> {
    let size = fs::metadata(path)?.len();
    if size > max_size {
        return Ok(LoadedFile {
            path: path.to_path_buf(),
            text: Arc::from(""),
            line_starts: vec![0],
            problem: Some(Diagnostic::new(
                Code::FileTooLarge,
                0..0,
                format!(
                    "skipped: the file is {} bytes, over the limit of {max_size} (--max-file-size)",
                    size
                ),
            )),
        });
    }
    let bytes = fs::read(path)?;
    let (text, problem) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            (
                String::new(),
                Some(Diagnostic::new(
                    Code::InvalidEncoding,
                    0..0,
                    format!("skipped: the file is not UTF-8 text (invalid byte at offset {at})"),
                )),
            )
        }
    };
    let line_starts = lines::line_starts(&text);
    Ok(LoadedFile {
        path: path.to_path_buf(),
        text: Arc::from(text),
        line_starts,
        problem,
    })
}
