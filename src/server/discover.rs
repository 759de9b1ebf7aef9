//! Finding and reading the workspace's `*.chron` files on disk.
//!
//! The walking rules are those of `chronicle check` (`cli::files`): hidden
//! directories, `target` and `node_modules` are skipped and symbolic links to
//! directories are not followed. In addition, a symbolic link to a file is
//! only taken when its target lies inside a workspace folder, so the server
//! never reads outside the workspace through a link.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tracing::{debug, warn};

use crate::analysis::{Code, Diagnostic};

/// The default of `initializationOptions.maxFileSize`.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A directory the walk does not enter.
pub fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

pub fn is_chron(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "chron")
}

/// The workspace folders: each as given (the spelling the editor uses in
/// its URIs) and canonicalised (to check where symbolic links lead).
#[derive(Clone, Debug, Default)]
pub struct Roots {
    roots: Vec<(PathBuf, PathBuf)>,
}

impl Roots {
    pub fn add(&mut self, root: PathBuf) {
        if self.roots.iter().any(|(r, _)| *r == root) {
            return;
        }
        let canonical = fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        self.roots.push((root, canonical));
    }

    pub fn remove(&mut self, root: &Path) {
        self.roots.retain(|(r, _)| r != root);
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.roots.iter().map(|(r, _)| r.as_path())
    }

    /// Whether a path is one the workspace walk could find: a `*.chron` file
    /// under a folder, not inside a skipped directory, and not reached
    /// through a symbolic link leading out of the workspace. (The file need
    /// not exist.)
    pub fn contains(&self, path: &Path) -> bool {
        if !is_chron(path) {
            return false;
        }
        let Some(root) = self.roots.iter().find(|(r, _)| path.starts_with(r)) else {
            return false;
        };
        let Ok(rest) = path.strip_prefix(&root.0) else {
            return false;
        };
        let mut dirs = rest.components();
        dirs.next_back();
        if dirs.any(|c| is_skipped_dir(&c.as_os_str().to_string_lossy())) {
            return false;
        }
        // Through symbolic links (to the file or to a directory on the way),
        // the file must still be inside a folder. A file that does not exist
        // (any more) has nothing to read.
        match fs::canonicalize(path) {
            Ok(real) => self.roots.iter().any(|(_, c)| real.starts_with(c)),
            Err(_) => true,
        }
    }

    fn link_stays_inside(&self, link: &Path) -> bool {
        match fs::canonicalize(link) {
            Ok(target) => self.roots.iter().any(|(_, c)| target.starts_with(c)),
            Err(_) => false,
        }
    }

    /// Every `*.chron` file under the folders, sorted, without duplicates.
    pub fn find_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for (root, _) in &self.roots {
            if let Err(err) = self.walk(root, &mut out) {
                warn!(root = %root.display(), "cannot read the workspace folder: {err}");
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn walk(&self, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
        let mut entries: Vec<_> = fs::read_dir(dir)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if is_skipped_dir(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                if let Err(err) = self.walk(&path, out) {
                    warn!(dir = %path.display(), "cannot read directory: {err}");
                }
            } else if is_chron(&path) {
                if kind.is_symlink() {
                    let is_file = fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false);
                    if !is_file || !self.link_stays_inside(&path) {
                        debug!(path = %path.display(), "skipping a symbolic link that does not lead to a file inside the workspace");
                        continue;
                    }
                }
                out.push(path);
            }
        }
        Ok(())
    }
}

/// A file as read from disk.
#[derive(Debug)]
pub enum DiskFile {
    Text(String),
    /// Not analysed (too large, not UTF-8): the diagnostic that says why.
    Skipped(Diagnostic),
    /// Gone, a directory, or unreadable.
    Missing,
}

/// Reads a file, skipping (with a warning) files over `max_size` bytes and
/// files that are not UTF-8.
pub fn read(path: &Path, max_size: u64) -> DiskFile {
    let mut bytes = Vec::new();
    match read_into(path, max_size, &mut bytes) {
        // Checked UTF-8 by `read_into`.
        DiskRead::Text => DiskFile::Text(String::from_utf8(bytes).unwrap_or_default()),
        DiskRead::Skipped(d) => DiskFile::Skipped(d),
        DiskRead::Missing => DiskFile::Missing,
    }
}

/// What [`read_into`] found.
#[derive(Debug)]
pub enum DiskRead {
    /// The buffer holds the file's text (valid UTF-8).
    Text,
    Skipped(Diagnostic),
    Missing,
}

/// [`read`] into a buffer the caller keeps (cleared first): reading many
/// files through one buffer leaves no holes in the heap where their texts
/// were.
pub fn read_into(path: &Path, max_size: u64, bytes: &mut Vec<u8>) -> DiskRead {
    read_into_with(path, fs::metadata(path), max_size, bytes)
}

/// [`read_into`] with the file's metadata already read (by a caller that
/// needed its size first).
pub fn read_into_with(
    path: &Path,
    meta: io::Result<fs::Metadata>,
    max_size: u64,
    bytes: &mut Vec<u8>,
) -> DiskRead {
    bytes.clear();
    let meta = match meta {
        Ok(meta) if meta.is_file() => meta,
        Ok(_) => return DiskRead::Missing,
        Err(err) => {
            if err.kind() != io::ErrorKind::NotFound {
                warn!(path = %path.display(), "cannot read: {err}");
            }
            return DiskRead::Missing;
        }
    };
    if meta.len() > max_size {
        warn!(path = %path.display(), size = meta.len(), max_size, "skipping a file over the size limit");
        return DiskRead::Skipped(too_large(meta.len() as usize, max_size));
    }
    let read = fs::File::open(path).and_then(|f| {
        use std::io::Read;
        bytes.reserve(meta.len() as usize);
        // One byte more than the limit tells a file that grew past it.
        f.take(max_size.saturating_add(1)).read_to_end(bytes)
    });
    if let Err(err) = read {
        warn!(path = %path.display(), "cannot read: {err}");
        return DiskRead::Missing;
    }
    if bytes.len() as u64 > max_size {
        return DiskRead::Skipped(too_large(bytes.len(), max_size));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => DiskRead::Text,
        Err(err) => {
            let at = err.valid_up_to();
            warn!(path = %path.display(), "skipping a file that is not UTF-8 (invalid byte at offset {at})");
            DiskRead::Skipped(Diagnostic::new(
                Code::InvalidEncoding,
                0..0,
                format!("not analysed: the file is not UTF-8 text (invalid byte at offset {at})"),
            ))
        }
    }
}

/// The diagnostic of a file over the size limit.
pub fn too_large(size: usize, max_size: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        0..0,
        format!(
            "not analysed: the file is {size} bytes, over the limit of {max_size} \
             (initializationOptions.maxFileSize)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "chronicle-discover-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn walks_like_check_and_keeps_links_inside() {
        let root = scratch("walk");
        let outside = scratch("outside");
        for rel in [
            "a.chron",
            "sub/b.chron",
            "sub/notes.txt",
            ".hidden/c.chron",
            "target/d.chron",
            "node_modules/e.chron",
        ] {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "actor a \"A\"\n").unwrap();
        }
        fs::write(outside.join("secret.chron"), "x").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(outside.join("secret.chron"), root.join("out.chron")).unwrap();
            symlink(root.join("a.chron"), root.join("in.chron")).unwrap();
            symlink(&outside, root.join("linkdir")).unwrap();
        }
        let mut roots = Roots::default();
        roots.add(root.clone());
        let found: Vec<_> = roots
            .find_files()
            .into_iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let mut expected = vec!["a.chron", "sub/b.chron"];
        if cfg!(unix) {
            expected.insert(1, "in.chron");
        }
        assert_eq!(found, expected);
        assert!(roots.contains(&root.join("new/x.chron")));
        assert!(!roots.contains(&root.join(".git/x.chron")));
        assert!(!roots.contains(&root.join("x.txt")));
        assert!(!roots.contains(&outside.join("secret.chron")));
        if cfg!(unix) {
            assert!(!roots.contains(&root.join("out.chron")));
            assert!(roots.contains(&root.join("in.chron")));
            assert!(!roots.contains(&root.join("linkdir/secret.chron")));
        }
        fs::remove_dir_all(&root).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }

    #[test]
    fn reads_text_and_skips_binary_and_large_files() {
        let dir = scratch("read");
        fs::write(dir.join("ok.chron"), "actor a \"A\"\n").unwrap();
        fs::write(dir.join("bin.chron"), [0x66, 0xff, 0xfe, 0x00]).unwrap();
        fs::write(dir.join("big.chron"), "x".repeat(100)).unwrap();
        assert!(
            matches!(read(&dir.join("ok.chron"), 50), DiskFile::Text(t) if t.starts_with("actor"))
        );
        assert!(
            matches!(read(&dir.join("bin.chron"), 50), DiskFile::Skipped(d) if d.code == Code::InvalidEncoding)
        );
        assert!(
            matches!(read(&dir.join("big.chron"), 50), DiskFile::Skipped(d) if d.code == Code::FileTooLarge)
        );
        assert!(matches!(
            read(&dir.join("none.chron"), 50),
            DiskFile::Missing
        ));
        assert!(matches!(read(&dir, 50), DiskFile::Missing));
        fs::remove_dir_all(&dir).unwrap();
    }
}
