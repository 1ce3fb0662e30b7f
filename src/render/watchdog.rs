//! A time limit per page. A theme is code from a merge request, and a template can
//! loop for hours (two nested `range(end=100000)`), which Tera cannot interrupt and
//! `check` cannot foresee. A watchdog thread looks at the pages being rendered once a
//! second; when one has taken longer than [`PAGE_LIMIT`], it names the template and
//! the page and ends the process with exit code 1, so that CI fails in seconds, not
//! at its job timeout. The output folder is untouched: the staging folder is left for
//! the next build to remove.

use std::collections::BTreeMap;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// The longest any one page may take to render; a page takes milliseconds.
pub(super) const PAGE_LIMIT: Duration = Duration::from_secs(10);

/// How often the watchdog looks.
const PERIOD: Duration = Duration::from_secs(1);

/// A page being rendered.
struct Running {
    since: Instant,
    template: String,
    page: String,
}

/// The pages being rendered now, by ticket; and the next ticket.
static RUNNING: Mutex<(u64, BTreeMap<u64, Running>)> = Mutex::new((0, BTreeMap::new()));

static START: Once = Once::new();

/// A page under watch until dropped.
pub(super) struct Watched(u64);

/// Puts the rendering of `page` from `template` under watch.
pub(super) fn watch(template: &str, page: &str) -> Watched {
    START.call_once(|| {
        std::thread::spawn(patrol);
    });
    let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    let ticket = running.0;
    running.0 += 1;
    running.1.insert(
        ticket,
        Running {
            since: Instant::now(),
            template: template.to_owned(),
            page: page.to_owned(),
        },
    );
    Watched(ticket)
}

impl Drop for Watched {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        running.1.remove(&self.0);
    }
}

/// The watchdog's loop.
fn patrol() {
    loop {
        std::thread::sleep(PERIOD);
        let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        // Tickets are handed out in order, so the first is the oldest page.
        if let Some(page) = running.1.values().next()
            && page.since.elapsed() > PAGE_LIMIT
        {
            eprintln!(
                "error: the template `{}` has taken more than {} s on the page /{}: a loop in it may never end; \
                 stopped, and the previous output is unchanged",
                page.template,
                PAGE_LIMIT.as_secs(),
                page.page
            );
            std::process::exit(1);
        }
    }
}
