//! The bundled datasets, compiled into the library.
//!
//! The files of the repository's `datasets/` folder (the catalogues, the extraction rules and
//! lexicon, the **real** seed report of 四棵树镇 with its figures, and the **synthetic** demo county)
//! are part of the binary, so an installed wheel or a Rust service has them without a checkout:
//! `fazhi demo` runs anywhere, and [`write_to`] puts them on disk for the README's examples.
//! A test checks that [`FILES`] is exactly the folder's content.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One bundled file: its path below `datasets/` (forward slashes) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// Path below `datasets/`, e.g. `demo/panel.csv`.
    pub path: &'static str,
    /// The file's bytes, as committed.
    pub contents: &'static [u8],
}

macro_rules! bundled {
    ($($path:literal),* $(,)?) => {
        &[$(Bundled { path: $path, contents: include_bytes!(concat!("../datasets/", $path)) }),*]
    };
}

/// Every file of `datasets/`, in path order.
pub const FILES: &[Bundled] = bundled![
    "README.md",
    "catalogue-2024.1.toml",
    "catalogue.toml",
    "demo/bad_rows.csv",
    "demo/generate.py",
    "demo/panel.csv",
    "demo/targets.csv",
    "demo/units.csv",
    "lexicon.toml",
    "rules.toml",
    "seed/sikeshu_2023.csv",
    "seed/sikeshu_2023.txt",
    "seed/units.csv",
];

/// The bundled file at `path` (below `datasets/`), if there is one.
pub fn get(path: &str) -> Option<&'static Bundled> {
    FILES.iter().find(|f| f.path == path)
}

/// What [`write_to`] did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The file was written.
    Created(PathBuf),
    /// The file was there with the same bytes and was left alone.
    Unchanged(PathBuf),
    /// The file was there with other bytes and was replaced (`overwrite`).
    Replaced(PathBuf),
}

impl Written {
    /// The file's path on disk.
    pub fn path(&self) -> &Path {
        match self {
            Self::Created(p) | Self::Unchanged(p) | Self::Replaced(p) => p,
        }
    }
}

/// Writes the bundled files into `folder/datasets/…` (creating folders as needed) and says what
/// happened to each. A file already there with the same bytes is left alone; one with other bytes
/// (an edited catalogue, say) is an error naming it, unless `overwrite` is set — nothing of the
/// user's is replaced without being asked. Every existing file is checked before anything is
/// written, so a refusal leaves the folder as it was.
pub fn write_to(folder: &Path, overwrite: bool) -> Result<Vec<Written>> {
    let root = folder.join("datasets");
    let mut plan = Vec::with_capacity(FILES.len());
    for file in FILES {
        let target = file.path.split('/').fold(root.clone(), |p, part| p.join(part));
        let state = match std::fs::read(&target) {
            Ok(old) if old == file.contents => Written::Unchanged(target),
            Ok(_) if overwrite => Written::Replaced(target),
            Ok(_) => {
                return Err(Error::InvalidArgument(format!(
                    "{} exists with other content; keep your edits elsewhere or pass overwrite \
                     (--force on the command line) to replace the bundled files",
                    target.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Written::Created(target),
            Err(e) => return Err(Error::io(target.display().to_string(), e)),
        };
        plan.push((file, state));
    }
    for (file, state) in &plan {
        if matches!(state, Written::Unchanged(_)) {
            continue;
        }
        let target = state.path();
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent.display().to_string(), e))?;
        }
        std::fs::write(target, file.contents).map_err(|e| Error::io(target.display().to_string(), e))?;
    }
    Ok(plan.into_iter().map(|(_, state)| state).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Files below `dir`, as forward-slash paths relative to `base`.
    fn listing(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                listing(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }

    #[test]
    fn the_bundle_is_the_datasets_folder() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
        let mut on_disk = Vec::new();
        listing(&base, &base, &mut on_disk);
        on_disk.retain(|p| !p.contains("__pycache__"));
        on_disk.sort();
        let bundled: Vec<String> = FILES.iter().map(|f| f.path.to_string()).collect();
        assert_eq!(bundled, on_disk, "src/datasets.rs FILES must list every file of datasets/, in order");
    }

    #[test]
    fn write_creates_then_leaves_alone_then_refuses_edits() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_to(dir.path(), false).unwrap();
        assert_eq!(first.len(), FILES.len());
        assert!(first.iter().all(|w| matches!(w, Written::Created(_))));
        let panel = dir.path().join("datasets/demo/panel.csv");
        assert_eq!(std::fs::read(&panel).unwrap(), get("demo/panel.csv").unwrap().contents);

        let again = write_to(dir.path(), false).unwrap();
        assert!(again.iter().all(|w| matches!(w, Written::Unchanged(_))));

        let catalogue = dir.path().join("datasets/catalogue.toml");
        std::fs::write(&catalogue, "# edited\n").unwrap();
        std::fs::remove_file(&panel).unwrap();
        let err = write_to(dir.path(), false).unwrap_err().to_string();
        assert!(err.contains("catalogue.toml") && err.contains("overwrite"), "{err}");
        assert!(!panel.exists(), "a refusal writes nothing");

        let forced = write_to(dir.path(), true).unwrap();
        assert!(forced.contains(&Written::Replaced(catalogue.clone())));
        assert!(forced.contains(&Written::Created(panel)));
        assert_eq!(std::fs::read(catalogue).unwrap(), get("catalogue.toml").unwrap().contents);
    }
}
