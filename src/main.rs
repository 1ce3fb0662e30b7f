//! The `greenproc` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use greenproc::build::{BuildError, BuildOptions, Stage, Timings};
use greenproc::diagnostic::{self, Severity};
use greenproc::scaffold::{self, ScaffoldError};
use greenproc::site_paths::BaseUrl;

// A build allocates and frees millions of small values (template contexts, Tera's
// value trees, page buffers) across threads; mimalloc's per-thread free lists took
// a tenth off a 100,000-record build's CPU time against glibc's malloc (DESIGN.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Static-site generator for open data on green building materials in government
/// procurement.
#[derive(Parser)]
#[command(name = "greenproc", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every data file and document, and report all problems.
    Check {
        /// Site root folder (holding data/ and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Check the site, then build it into a folder of static pages.
    Build {
        /// Site root folder (holding data/ and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: <root>/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Address the site is published at, e.g. https://example.org/zibo/; links and
        /// assets work under its path [default: base_url in data/site.yaml].
        #[arg(long)]
        base_url: Option<String>,
        /// Print how long each stage took, to stderr.
        #[arg(long)]
        timings: bool,
        /// Print nothing on success: no warnings, no summary, no progress.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Preview the site: build it into a temporary folder, serve it on this machine,
    /// and after every edit rebuild what changed and reload the browser.
    Serve {
        /// Site root folder (holding data/ and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on; 0 lets the system choose [default: 1111, or the next
        /// free one of the nine after it].
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on; 0.0.0.0 makes the preview reachable from other
        /// machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// Start a new city's site in a new or empty folder: site.yaml to fill in, one
    /// example of each record kind, JSON Schemas for editors, a README.
    Init {
        /// Folder to create; it must not exist or be empty.
        dir: PathBuf,
        /// City name, in Chinese as the site shows it [default: a placeholder].
        #[arg(long)]
        city: Option<String>,
        /// The city's six-digit administrative division code (GB/T 2260), e.g. 370100
        /// [default: a placeholder].
        #[arg(long)]
        admin_code: Option<String>,
        /// Province name [default: looked up from --admin-code].
        #[arg(long)]
        province: Option<String>,
    },
    /// Write a new record with every field, commented in Chinese, and list the
    /// required fields to fill in before it passes `check`.
    New {
        /// Kind of record.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(scaffold::new_kinds()))]
        kind: String,
        /// Id of the new record, also its file name: lowercase letters, digits and
        /// hyphens.
        id: String,
        /// Category id of a new product (required for products): it decides the folder
        /// data/catalog/<group>/<category>/.
        #[arg(long)]
        category: Option<String>,
        /// Site root folder (holding data/ and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Summarize the data changes between two revisions, field by field: records
    /// added, removed and changed, with old and new values.
    Diff {
        /// The older revision: a branch, tag, commit or expression like HEAD~3.
        from: String,
        /// The newer revision [default: the working tree, as `build` reads it].
        to: Option<String>,
        /// Site root folder (holding data/ and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Markdown for a merge-request comment, or JSON (schema in docs/editing.md).
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
    },
    /// Write a synthetic site of about N records, for benchmarks and scale tests.
    Gen {
        /// Number of records, split by the shares of a real site (60% products).
        #[arg(long)]
        records: usize,
        /// Folder to create; it must not exist or be empty.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Messages with source excerpts, like rustc.
    Human,
    /// A JSON array of {severity, code, file, line, column, message, hint}.
    Json,
    /// GitHub Actions workflow commands, shown as annotations on pull requests.
    Github,
    /// GitLab Code Quality report (JSON), shown on merge requests.
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// Headings per kind and tables of old and new values, escaped.
    Markdown,
    /// The report as JSON.
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check {
            root,
            format,
            deny_warnings,
        } => check(&root, format, deny_warnings),
        Command::Build {
            root,
            output,
            base_url,
            timings,
            quiet,
        } => build(
            BuildOptions {
                root,
                output,
                base_url,
            },
            timings,
            quiet,
        ),
        Command::Serve { root, port, bind } => {
            match greenproc::serve::serve(&greenproc::serve::ServeOptions { root, bind, port }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: serve: {error}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init {
            dir,
            city,
            admin_code,
            province,
        } => init(
            &dir,
            &scaffold::City {
                name: city,
                admin_code,
                province,
            },
        ),
        Command::New {
            kind,
            id,
            category,
            root,
        } => new(&root, &kind, &id, category.as_deref()),
        Command::Diff {
            from,
            to,
            root,
            format,
        } => match greenproc::history::diff::compare(&root, &from, to.as_deref()) {
            Ok(report) => {
                print!(
                    "{}",
                    match format {
                        DiffFormat::Markdown => report.to_markdown(),
                        DiffFormat::Json => report.to_json(),
                    }
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: diff: {error}");
                ExitCode::from(match error {
                    greenproc::history::diff::DiffError::Usage(_) => 2,
                    greenproc::history::diff::DiffError::Failed(_) => 1,
                })
            }
        },
        Command::Gen { records, out } => match greenproc::synthetic::generate(records, &out) {
            Ok(counts) => {
                println!("gen: {counts} → {}", out.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: gen: {error}");
                ExitCode::from(1)
            }
        },
    }
}

fn init(dir: &std::path::Path, city: &scaffold::City) -> ExitCode {
    match scaffold::init(dir, city) {
        Ok(done) => {
            println!("init: wrote {} files → {}", done.files.len(), dir.display());
            if done.placeholders {
                println!(
                    "init: the city, its division code or the province are placeholders: fill them in (--city, --admin-code, --province)"
                );
            }
            println!(
                "next: edit data/site.yaml (districts, publisher, base_url, ocid_prefix), replace the examples, then run `greenproc check --root {}`",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => scaffold_failure("init", &error),
    }
}

fn new(root: &std::path::Path, kind: &str, id: &str, category: Option<&str>) -> ExitCode {
    match scaffold::new_record(root, kind, id, category) {
        Ok(record) => {
            let file = record.file.display().to_string();
            println!("new: wrote {file}");
            if record.schemas_written > 0 {
                println!(
                    "new: wrote {} schema files under schema/ for editors' completion",
                    record.schemas_written
                );
            }
            if !record.blanks.is_empty() {
                println!("fill in the required fields, then run `greenproc check`:");
                for blank in &record.blanks {
                    println!("  {file}:{}  {}", blank.line, blank.field);
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => scaffold_failure("new", &error),
    }
}

/// Reports a failed `init` or `new`: 2 when the command line was wrong, else 1.
fn scaffold_failure(command: &str, error: &ScaffoldError) -> ExitCode {
    eprintln!("error: {command}: {error}");
    match error {
        ScaffoldError::Usage(_) => ExitCode::from(2),
        ScaffoldError::Failed(_) => ExitCode::from(1),
    }
}

fn build(options: BuildOptions, timings: bool, quiet: bool) -> ExitCode {
    // A malformed --base-url is a usage error, reported before any work.
    if let Some(base_url) = &options.base_url
        && let Err(error) = BaseUrl::new(None, Some(base_url))
    {
        eprintln!("error: --base-url: {error}");
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let color = std::io::stderr().is_terminal();
    // Progress only on a terminal, and only once the build has run for a second, so
    // that small builds, logs and pipes stay clean.
    let show_progress = color && !quiet;
    let mut progress_shown = false;
    let mut progress = |stage: Stage| {
        if show_progress && started.elapsed() > Duration::from_secs(1) {
            eprint!("\rbuild: {}…\x1b[K", stage.name());
            progress_shown = true;
        }
    };
    let result = greenproc::build::build_with_progress(&options, &mut progress);
    if progress_shown {
        eprint!("\r\x1b[K");
    }
    match result {
        Ok(built) => {
            if !built.warnings.is_empty() && !quiet {
                eprint!(
                    "{}",
                    diagnostic::render_human(&built.warnings, &options.root, color)
                );
                eprintln!("{}", summary_line(0, built.warnings.len()));
            }
            if let Some(reason) = built.history_unavailable.as_ref().filter(|_| !quiet) {
                eprintln!("{}", history_warning(reason));
            }
            for leftover in built.leftovers.iter().filter(|_| !quiet) {
                eprintln!("warning: {leftover}");
            }
            let seconds = started.elapsed().as_secs_f64();
            if timings {
                eprint!("{}", timing_table(&built.timings, built.stats.pages));
            }
            if !quiet {
                println!(
                    "build: {} records, {} pages, {} files, {} bytes in {seconds:.2} s → {}",
                    built.records,
                    built.stats.pages,
                    built.files,
                    built.bytes,
                    built.output.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(list)) => {
            // Exactly what `check` prints, then why nothing was written.
            let errors = list
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprint!("{}", diagnostic::render_human(&list, &options.root, color));
            eprintln!("{}", summary_line(errors, list.len() - errors));
            eprintln!("build: not built, fix the errors above; the previous output is unchanged");
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("build: failed; the previous output is unchanged");
            ExitCode::from(1)
        }
    }
}

fn check(root: &std::path::Path, format: Format, deny_warnings: bool) -> ExitCode {
    let (_, diagnostics) = greenproc::check_site(root);
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    let list = diagnostics.into_sorted();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&list).expect("diagnostics serialize")
        ),
        Format::Github => print!("{}", diagnostic::render_github(&list)),
        Format::Gitlab => print!("{}", diagnostic::render_gitlab(&list)),
        Format::Human => {
            let color = std::io::stderr().is_terminal();
            eprint!("{}", diagnostic::render_human(&list, root, color));
            eprintln!("{}", summary_line(errors, warnings));
        }
    }
    if let Some(reason) = greenproc::history::History::probe(root) {
        eprintln!("{}", history_warning(&reason));
    }
    let failed =
        errors > 0 || (deny_warnings && list.iter().any(|d| d.severity == Severity::Warning));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One line per stage: seconds, share of the build and the peak memory so far; then
/// the total with pages per second.
fn timing_table(timings: &Timings, pages: usize) -> String {
    let total = timings.total;
    let mut table = String::new();
    for ((stage, duration), peak) in timings.stages().into_iter().zip(timings.peak_rss) {
        let seconds = duration.as_secs_f64();
        let share = 100.0 * seconds / total.as_secs_f64().max(f64::MIN_POSITIVE);
        let memory = peak.map_or(String::new(), |bytes| {
            format!(" {:>7.1} MB peak RSS", bytes as f64 / 1e6)
        });
        table.push_str(&format!(
            "timing: {:<9}{seconds:>9.3} s {share:>5.1} %{memory}\n",
            stage.name()
        ));
    }
    let seconds = total.as_secs_f64();
    let rate = pages as f64 / seconds.max(f64::MIN_POSITIVE);
    table.push_str(&format!(
        "timing: {:<9}{seconds:>9.3} s, {rate:.0} pages/s\n",
        "total"
    ));
    table
}

/// The one line `check` and `build` print when git history cannot be read.
fn history_warning(reason: &greenproc::history::Unavailable) -> String {
    format!("warning: change history unavailable, pages will say so: {reason}")
}

fn summary_line(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "check: no problems found".to_owned(),
        _ => format!("check: {errors} error(s), {warnings} warning(s)"),
    }
}
