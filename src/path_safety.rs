//! Names and paths that are safe to read and write on every system editors use: no
//! symbolic link on the way out of the site, no name Windows cannot check out.

use std::fs;
use std::path::{Path, PathBuf};

/// The first path from `root` down to `relative` (a folder or file below it) that is
/// a symbolic link, relative to `root`; `None` when there is none. Checked before
/// anything is opened, so that no link leads a read or a write outside the site.
pub fn symlink_on_the_way(root: &Path, relative: &Path) -> Option<PathBuf> {
    let mut shown = PathBuf::new();
    for component in relative.components() {
        shown.push(component);
        let is_link =
            fs::symlink_metadata(root.join(&shown)).is_ok_and(|meta| meta.file_type().is_symlink());
        if is_link {
            return Some(shown);
        }
    }
    None
}

/// Whether `stem` (a name without its extensions) is a device name Windows reserves
/// in every folder and any case: CON, PRN, AUX, NUL, COM0–9 and LPT0–9 (with the
/// superscript digits ¹²³ too). A file or folder of that name cannot be checked out
/// there.
pub fn is_device_name(stem: &str) -> bool {
    // The longest is `com` or `lpt` with a superscript digit, five bytes; most names
    // are longer, and every id is checked.
    if stem.len() > 5 {
        return false;
    }
    let lower = stem.to_ascii_lowercase();
    match lower.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        _ => ["com", "lpt"].iter().any(|prefix| {
            lower.strip_prefix(prefix).is_some_and(|n| {
                let mut chars = n.chars();
                matches!(
                    (chars.next(), chars.next()),
                    (Some('0'..='9' | '¹' | '²' | '³'), None)
                )
            })
        }),
    }
}

/// What makes a file or folder name unsafe to load or print: not UTF-8, a control
/// character (a terminal would act on it), a character Windows forbids in names, a
/// trailing dot or space, or a Windows device name with any extension, as the key of
/// its message to editors ([`crate::messages`]). `None` for a fine name.
pub fn unportable_name(name: &std::ffi::OsStr) -> Option<&'static str> {
    let Some(name) = name.to_str() else {
        return Some("load.name.not_utf8");
    };
    if name.chars().any(char::is_control) {
        Some("load.name.control")
    } else if name.contains(['\\', ':', '*', '?', '"', '<', '>', '|']) {
        Some("load.name.windows_character")
    } else if name.ends_with(['.', ' ']) {
        Some("load.name.trailing_dot")
    } else if is_device_name(name.split('.').next().unwrap_or(name)) {
        Some("load.name.device")
    } else {
        None
    }
}
