//! The one way fazhi opens an input file: a regular file (not a FIFO, device or directory, which
//! would block or never end), no larger than a documented limit, checked before a byte is read.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Location, Result};

/// Largest table file (CSV, JSON, Parquet, spreadsheet) read: 2 GiB. The national panel
/// (38,600 units × 40 indicators × 10 years) is about 0.5 GB as CSV.
pub const MAX_TABLE_BYTES: u64 = 2 << 30;

/// Largest report file (.txt, .html, .docx) read, and the largest text a .docx may inflate to:
/// 64 MiB. A long township report is about 100 KB.
pub const MAX_REPORT_BYTES: u64 = 64 << 20;

/// Largest catalogue, rules, lexicon or scheme file (TOML) read: 16 MiB.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// Checks that `path` names a regular file of at most `limit` bytes (following symbolic links);
/// returns its size. `what` names the kind of file in messages ("table", "report").
pub(crate) fn check_file(path: &Path, limit: u64, what: &str) -> Result<u64> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(&file, e))?;
    if !meta.is_file() {
        let kind = if meta.is_dir() { "a directory" } else { "not a regular file (a pipe, socket or device)" };
        return Err(Error::input(Location::file(&file), format!("the {what} path is {kind}; give the path of a {what} file")));
    }
    if meta.len() > limit {
        return Err(too_large(&file, meta.len(), limit, what));
    }
    Ok(meta.len())
}

/// Reads a whole regular file of at most `limit` bytes (see [`check_file`]). The read itself is
/// bounded too, so a file that grows, or reports a wrong size, cannot exhaust memory.
pub(crate) fn read_file(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let file = path.display().to_string();
    let size = check_file(path, limit, what)?;
    let handle = std::fs::File::open(path).map_err(|e| Error::io(&file, e))?;
    read_bounded(handle, size, limit, &file, what)
}

/// Reads at most `limit` bytes from `reader` (`hint`: the expected size, to allocate once);
/// more than that is an error naming `file`.
pub(crate) fn read_bounded(reader: impl Read, hint: u64, limit: u64, file: &str, what: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(hint.min(limit)).unwrap_or(0));
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| Error::io(file, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(file, bytes.len() as u64, limit, what));
    }
    Ok(bytes)
}

/// As [`read_file`], as UTF-8 text (configuration files are UTF-8).
pub(crate) fn read_utf8(path: &Path, limit: u64, what: &str) -> Result<String> {
    let file = path.display().to_string();
    let bytes = read_file(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::input(
            Location::file(&file),
            format!("the {what} file is not valid UTF-8 (byte {}); save it as UTF-8", e.utf8_error().valid_up_to()),
        )
    })
}

fn too_large(file: &str, size: u64, limit: u64, what: &str) -> Error {
    Error::input(
        Location::file(file),
        format!(
            "the {what} file is larger than fazhi reads ({} MiB; the limit is {} MiB); check that this is the right file, or split it",
            size.div_ceil(1 << 20),
            limit >> 20
        ),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn refuses_directories_devices_and_large_files() {
        let dir = std::env::temp_dir();
        let e = read_file(&dir, MAX_TABLE_BYTES, "table").unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        #[cfg(unix)]
        {
            let e = read_file(Path::new("/dev/zero"), MAX_TABLE_BYTES, "table").unwrap_err().to_string();
            assert!(e.contains("not a regular file"), "{e}");
        }
        let path = dir.join(format!("fazhi-file-test-{}.txt", std::process::id()));
        std::fs::write(&path, vec![b'x'; 3000]).unwrap();
        let e = read_file(&path, 2048, "report").unwrap_err().to_string();
        assert!(e.contains("larger than fazhi reads"), "{e}");
        assert_eq!(read_file(&path, 4096, "report").unwrap().len(), 3000);
        std::fs::remove_file(&path).unwrap();
        // A reader longer than its limit stops at limit + 1 bytes.
        let e = read_bounded(std::io::repeat(b'a'), 0, 100, "stream", "report").unwrap_err().to_string();
        assert!(e.contains("larger than fazhi reads"), "{e}");
    }
}
