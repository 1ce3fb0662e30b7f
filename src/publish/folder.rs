//! A folder as a [`Destination`]: what an intranet web server serves (nginx, IIS), on
//! this machine or a mounted share. Each file is written beside its place and renamed
//! into it, so that a reader gets the old file or the new one, never half of one. The
//! headers are the server's to set: `docs/hosting.md` has the configuration.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Destination, Headers, PublishError};

/// A folder a web server serves.
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The folder `root`, made by the first file put there when missing.
    pub fn new(root: &Path) -> Folder {
        Folder {
            root: root.to_owned(),
        }
    }

    /// Writes the file at `path` with `fill`, which writes to a temporary file beside
    /// it, renamed into place when done.
    fn replace(
        &self,
        path: &str,
        fill: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> Result<(), PublishError> {
        let io = |error| PublishError::Io {
            path: path.to_owned(),
            error,
        };
        let target = self.root.join(path);
        let parent = target.parent().unwrap_or(&self.root);
        fs::create_dir_all(parent).map_err(io)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file");
        let part = parent.join(format!(".{name}.greenproc-part"));
        fill(&part).map_err(io)?;
        fs::rename(&part, &target).map_err(io)
    }
}

impl Destination for Folder {
    fn manifest(&self) -> Result<Option<Vec<u8>>, PublishError> {
        match fs::read(self.root.join(crate::manifest::MANIFEST)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(PublishError::Io {
                path: crate::manifest::MANIFEST.to_owned(),
                error,
            }),
        }
    }

    fn put(&self, path: &str, local: &Path, _: &Headers) -> Result<(), PublishError> {
        self.replace(path, |part| fs::copy(local, part).map(|_| ()))
    }

    fn put_bytes(&self, path: &str, bytes: &[u8], _: &Headers) -> Result<(), PublishError> {
        self.replace(path, |part| fs::write(part, bytes))
    }

    fn delete(&self, path: &str) -> Result<(), PublishError> {
        let target = self.root.join(path);
        match fs::remove_file(&target) {
            Ok(()) => {
                // A removed record's folder goes with its last file; a folder that
                // is not empty stays, and stops the climb.
                let mut folder = target.parent();
                while let Some(dir) = folder.filter(|d| *d != self.root) {
                    if fs::remove_dir(dir).is_err() {
                        break;
                    }
                    folder = dir.parent();
                }
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(PublishError::Io {
                path: path.to_owned(),
                error,
            }),
        }
    }
}
