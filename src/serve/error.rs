//! Why an update of the preview failed: a stage that refused (the theme, an export, a
//! page) or the served folder that could not be changed. The preview shows the error
//! in the terminal and the browser and keeps serving the last good site.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::export::ExportError;
use crate::render::RenderError;
use crate::render::theme::ThemeError;

/// Why an update of the preview failed.
#[derive(Debug)]
pub(super) enum ServeError {
    /// The theme did not load.
    Theme(ThemeError),
    /// An open-data file could not be made.
    Export(ExportError),
    /// A page could not be rendered.
    Render(RenderError),
    /// A file or folder of the served copy could not be made, written or removed.
    Folder {
        /// What was being done: "create", "write", "remove".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        error: io::Error,
    },
    /// Two files of one update want the same address.
    SameAddress(String),
}

impl ServeError {
    /// The error of doing `action` to `path`.
    pub(super) fn folder(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> ServeError {
        let path = path.into();
        move |error| ServeError::Folder {
            action,
            path,
            error,
        }
    }
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Theme(e) => e.fmt(f),
            ServeError::Export(e) => e.fmt(f),
            ServeError::Render(e) => e.fmt(f),
            ServeError::Folder {
                action,
                path,
                error,
            } => write!(f, "cannot {action} {}: {error}", path.display()),
            ServeError::SameAddress(path) => write!(
                f,
                "two pages want the same address `{path}`: give one of the records another id"
            ),
        }
    }
}

impl std::error::Error for ServeError {}

impl From<ThemeError> for ServeError {
    fn from(e: ThemeError) -> ServeError {
        ServeError::Theme(e)
    }
}

impl From<ExportError> for ServeError {
    fn from(e: ExportError) -> ServeError {
        ServeError::Export(e)
    }
}

impl From<RenderError> for ServeError {
    fn from(e: RenderError) -> ServeError {
        ServeError::Render(e)
    }
}
