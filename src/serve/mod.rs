//! `greenproc serve`: the editors' preview. It builds the site into a folder in the
//! temporary directory (never the site's `public/`), serves it over HTTP, watches
//! `data/`, `content/` and `themes/`, rebuilds what an edit affects and reloads the
//! pages open in a browser.
//!
//! Three threads of work: the watcher queues changed paths; the rebuild loop here
//! takes them in batches and runs [`preview::Preview::update`]; the HTTP threads
//! ([`http`]) serve the folder and tell the browsers about each rebuild. When the data
//! or the theme has errors, the last good site stays served, the problems are printed
//! like `greenproc check` prints them, and the browsers show them in an overlay.

mod error;
pub mod http;
mod preview;
mod tree;

use std::collections::HashSet;
use std::fmt;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::diagnostic::render_human;
use crate::messages::{Lang, Text};
use crate::site_paths::BaseUrl;
use http::{Shared, Status};
use preview::{Outcome, Preview, Report, Step};

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 1111;

/// How long the rebuild waits for an editor's burst of writes to end.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Most changed pages a rebuild names to the browsers; past it every page reloads.
const MAX_CHANGED: usize = 200;

/// What to serve and where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root, holding `data/` and `content/`.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port to listen on; when `None`, [`DEFAULT_PORT`] or one of the next nine.
    pub port: Option<u16>,
    /// The language of the terminal's and the overlay's messages.
    pub lang: Lang,
}

/// Why the preview could not start.
#[derive(Debug)]
pub enum StartError {
    /// The site folder cannot be opened.
    Root(PathBuf, std::io::Error),
    /// The folder is not a site: it has no `data/`.
    NotASite(PathBuf),
    /// No port could be listened on.
    Bind(http::BindError),
    /// The server's own address is not an IP address.
    NoAddress,
    /// The served copy's folder could not be cleared or made.
    Folder(PathBuf, std::io::Error),
    /// Ctrl-C could not be caught, so the served copy would stay behind.
    Interrupt(ctrlc::Error),
    /// The site's files cannot be watched.
    Watch(notify::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Root(path, e) => {
                write!(f, "cannot open the site folder {}: {e}", path.display())
            }
            StartError::NotASite(path) => write!(
                f,
                "{} has no data/ folder: run serve in a site's folder, or give it with --root",
                path.display()
            ),
            StartError::Bind(e) => e.fmt(f),
            StartError::NoAddress => f.write_str("the server has no IP address"),
            StartError::Folder(path, e) => write!(f, "cannot prepare {}: {e}", path.display()),
            StartError::Interrupt(e) => write!(f, "cannot handle Ctrl-C: {e}"),
            StartError::Watch(e) => write!(f, "cannot watch the site's files: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Serves the site at `options.root` until the process is stopped.
pub fn serve(options: &ServeOptions) -> Result<(), StartError> {
    let root = options
        .root
        .canonicalize()
        .map_err(|e| StartError::Root(options.root.clone(), e))?;
    if !root.join("data").is_dir() {
        return Err(StartError::NotASite(root));
    }
    let server = http::bind(
        options.bind,
        options.port.unwrap_or(DEFAULT_PORT),
        options.port.is_some(),
    )
    .map_err(StartError::Bind)?;
    let port = server
        .local_addr()
        .map(|a| a.port())
        .map_err(|_| StartError::NoAddress)?;
    let host = match options.bind {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    let base =
        BaseUrl::parse(&format!("http://{host}:{port}/")).map_err(|_| StartError::NoAddress)?;

    let home = private_folder(&std::env::temp_dir())
        .map_err(|e| StartError::Folder(std::env::temp_dir(), e))?;
    let cleanup = home.clone();
    ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&cleanup);
        std::process::exit(0);
    })
    .map_err(StartError::Interrupt)?;

    let queue = Arc::new(Queue::default());
    let mut watch = Watch::start(&root, Arc::clone(&queue))?;
    let shared = Arc::new(Shared {
        served: Arc::new(RwLock::new(home.clone())),
        status: Mutex::new(Status::default()),
        changed: Condvar::new(),
    });
    http::run(server, Arc::clone(&shared));
    if !options.bind.is_loopback() {
        let line = crate::text!("serve.listening_everywhere", host = &host);
        eprintln!("{}", line.render(options.lang));
    }
    let line = crate::text!("serve.started", url = format!("http://{host}:{port}/"));
    println!("{}", line.render(options.lang));

    let tree = tree::Tree::new(home, Arc::clone(&shared.served));
    let mut preview = Preview::new(root.clone(), base, tree);
    let color = std::io::stderr().is_terminal();
    let lang = options.lang;
    let mut report = |outcome: Outcome| announce(outcome, &root, color, lang, &shared);
    let interrupted = || queue.waiting();
    preview.update(&[], &mut report, &interrupted);
    loop {
        let changed = queue.take(&root);
        match watch.folders(&root) {
            // Files may have been written into the folder before it was watched.
            Ok(true) => preview.reload(),
            Ok(false) => {}
            Err(error) => eprintln!("serve: {error}"),
        }
        preview.update(&changed, &mut report, &interrupted);
    }
}

/// Makes a new folder in `parent` that only this user can enter, with a name no other
/// user can guess in advance: on a shared machine, a folder another user made first
/// under a predictable name would stop the preview, or let them swap its files.
fn private_folder(parent: &Path) -> std::io::Result<PathBuf> {
    use std::hash::{BuildHasher, Hasher};
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let mut last = None;
    for attempt in 0u32..16 {
        // The standard library seeds each `RandomState` from the operating system's
        // random source: sixteen hex digits no one can predict.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(attempt);
        let folder = parent.join(format!("greenproc-serve-{:016x}", hasher.finish()));
        // Creating fails when the name exists, so an existing folder, whoever made
        // it, is never used.
        match builder.create(&folder) {
            Ok(()) => return Ok(folder),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free folder name")))
}

/// Prints a rebuild's outcome and tells the browsers.
fn announce(outcome: Outcome, root: &Path, color: bool, lang: Lang, shared: &Shared) {
    match outcome {
        Outcome::Built(report) => {
            println!("{}", summary(&report).render(lang));
            let c = &report.committed;
            let listed = report.step != Step::Full && c.changed.len() <= MAX_CHANGED;
            shared.publish(|s| {
                s.ok = true;
                s.heading = None;
                s.diagnostics = None;
                s.changed = listed.then(|| c.changed.iter().map(|p| format!("/{p}")).collect());
                s.pages = c.pages;
                s.files = c.files;
                s.millis = report.total.as_millis() as u64;
            });
        }
        Outcome::Invalid(list) => {
            let errors = preview::errors(&list);
            let warnings = list.len() - errors;
            let heading =
                crate::text!("serve.invalid", errors = errors, warnings = warnings).render(lang);
            eprint!("{}", render_human(&list, root, color, lang));
            eprintln!(
                "{}",
                crate::text!("serve.line", text = &heading).render(lang)
            );
            let text = render_human(&list, root, false, lang);
            shared.publish(|s| failed(s, heading, text));
        }
        Outcome::Failed(message) => {
            let heading = Text::new("serve.failed").render(lang);
            eprintln!("{}: {message}", lang.get("diagnostic.error"));
            eprintln!(
                "{}",
                crate::text!("serve.line", text = &heading).render(lang)
            );
            shared.publish(|s| failed(s, heading, format!("{message}\n")));
        }
    }
}

fn failed(status: &mut Status, heading: String, text: String) {
    status.ok = false;
    status.heading = Some(heading);
    status.diagnostics = Some(text);
    status.changed = None;
    status.pages = 0;
    status.files = 0;
}

/// One line about a published step.
fn summary(r: &Report) -> Text {
    let ms = |d: Duration| d.as_millis() as u64;
    let c = &r.committed;
    match r.step {
        Step::Full => crate::text!(
            "serve.built",
            pages = c.pages,
            files = c.files,
            ms = ms(r.total)
        ),
        Step::Records => crate::text!(
            "serve.rebuilt",
            pages = c.pages,
            files = c.files,
            ms = ms(r.total),
            load = ms(r.load),
            check = ms(r.check),
            render = ms(r.render)
        ),
        Step::Rest => crate::text!(
            "serve.updated",
            pages = c.pages,
            files = c.files,
            ms = ms(r.render)
        ),
    }
}

/// Changed paths from the watcher, waiting for the rebuild loop.
#[derive(Default)]
struct Queue {
    paths: Mutex<HashSet<PathBuf>>,
    arrived: Condvar,
}

impl Queue {
    fn push(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let mut queued = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        queued.extend(paths);
        if !queued.is_empty() {
            self.arrived.notify_all();
        }
    }

    /// Whether edits wait for the next rebuild.
    fn waiting(&self) -> bool {
        !self
            .paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Waits for changes, then for the end of the burst of writes an editor's save
    /// makes (a temporary file, a rename), and takes them all, relative to `root`,
    /// sorted.
    fn take(&self, root: &Path) -> Vec<PathBuf> {
        let queued = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        let mut queued = self
            .arrived
            .wait_while(queued, |q| q.is_empty())
            .unwrap_or_else(|e| e.into_inner());
        loop {
            let before = queued.len();
            let (more, _) = self
                .arrived
                .wait_timeout(queued, DEBOUNCE)
                .unwrap_or_else(|e| e.into_inner());
            queued = more;
            if queued.len() == before {
                break;
            }
        }
        let mut changed: Vec<PathBuf> = queued
            .drain()
            .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
            .collect();
        changed.sort();
        changed
    }
}

/// The folders a site is built from.
const WATCHED: [&str; 4] = ["data", "content", "themes", crate::model::FILES_FOLDER];

/// The watcher of the site's folders and which of them it watches.
struct Watch {
    watcher: RecommendedWatcher,
    watched: HashSet<&'static str>,
}

impl Watch {
    /// Starts watching the site's folders; changes go to `queue`. The root itself is
    /// watched too (not its subfolders, which hold `public/` and `.git/`), so that a
    /// `themes/` folder made while serving is noticed and then watched.
    fn start(root: &Path, queue: Arc<Queue>) -> Result<Watch, StartError> {
        let watched_root = root.to_path_buf();
        let handler = move |result: notify::Result<Event>| match result {
            // Reading a file is no change (and the build reads every file).
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(event) => queue.push(event.paths.into_iter().filter(|p| {
                p.strip_prefix(&watched_root)
                    .ok()
                    .and_then(|r| r.components().next())
                    .is_some_and(|c| WATCHED.iter().any(|w| c.as_os_str() == *w))
            })),
            Err(error) => eprintln!("serve: watching files failed: {error}"),
        };
        let mut watch = Watch {
            watcher: notify::recommended_watcher(handler).map_err(watch_error)?,
            watched: HashSet::new(),
        };
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(watch_error)?;
        watch.folders(root)?;
        Ok(watch)
    }

    /// Watches the site's folders that exist and are not watched yet; `true` when it
    /// found one.
    fn folders(&mut self, root: &Path) -> Result<bool, StartError> {
        let mut found = false;
        for folder in WATCHED {
            let path = root.join(folder);
            if path.is_dir() && !self.watched.contains(folder) {
                self.watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(watch_error)?;
                self.watched.insert(folder);
                found = true;
            }
        }
        Ok(found)
    }
}

fn watch_error(error: notify::Error) -> StartError {
    StartError::Watch(error)
}
