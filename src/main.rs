//! The `greenproc` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use greenproc::build::{BuildError, BuildOptions, FullReason, Mode, Stage, Timings};
use greenproc::diagnostic::{self, Severity};
use greenproc::messages::{Lang, Text};
use greenproc::scaffold::{self, ScaffoldError};
use greenproc::site_paths::BaseUrl;
use greenproc::text;

// A build allocates and frees millions of small values (template contexts, Tera's
// value trees, page buffers) across threads; mimalloc's per-thread free lists took
// a tenth off a 100,000-record build's CPU time against glibc's malloc (DESIGN.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The help of every command and option is in the editors' catalogs
// (src/messages/*.yaml, `cli.*`), in Chinese or English: see `localized`.
#[derive(Parser)]
#[command(name = "greenproc", version)]
struct Cli {
    #[arg(long, global = true, value_parser = parse_lang)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[arg(long)]
        deny_warnings: bool,
    },
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        timings: bool,
        #[arg(long, short)]
        quiet: bool,
        #[arg(long)]
        fetch: bool,
        #[arg(long)]
        full: bool,
    },
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        port: Option<u16>,
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    Init {
        dir: PathBuf,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        admin_code: Option<String>,
        #[arg(long)]
        province: Option<String>,
    },
    New {
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(scaffold::new_kinds()))]
        kind: String,
        id: String,
        #[arg(long)]
        category: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    Diff {
        from: String,
        to: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
    },
    Fetch {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    Import {
        file: PathBuf,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        delete_missing: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
    },
    Publish {
        to: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum)]
        s3_url_style: Option<UrlStyle>,
    },
    Gen {
        #[arg(long)]
        records: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, requires = "admin_code")]
        city: Option<String>,
        #[arg(long, requires = "city")]
        admin_code: Option<String>,
    },
}

/// How `check` prints its problems.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    // Messages with source excerpts, like rustc.
    Human,
    // A JSON array of {severity, code, file, line, column, message, hint}.
    Json,
    // GitHub Actions workflow commands, shown as annotations on pull requests.
    Github,
    // GitLab Code Quality report (JSON), shown on merge requests.
    Gitlab,
}

/// How `publish` addresses objects in a bucket.
#[derive(Clone, Copy, ValueEnum)]
enum UrlStyle {
    // host/bucket/key
    Path,
    // bucket.host/key
    Virtual,
}

/// How `diff` prints its report.
#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    // Headings per kind and tables of old and new values, escaped.
    Markdown,
    // The report as JSON.
    Json,
}

fn parse_lang(name: &str) -> Result<Lang, String> {
    Lang::parse(name).ok_or_else(|| format!("`{name}`: zh | en"))
}

/// The language asked for: `--lang` wherever it is on the command line (read before
/// parsing, so that the help and the parser's own errors are in it too), else the
/// environment's.
fn requested_lang() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix("--lang") {
            Some("") => args.get(i + 1).and_then(|v| Lang::parse(v)),
            Some(rest) => rest.strip_prefix('=').and_then(Lang::parse),
            None => None,
        })
        .unwrap_or_else(Lang::from_env)
}

/// The command line with its help worded in `lang`: the about line of each command
/// and the help of each argument from `cli.<command>.<argument>`, and the headings.
fn localized(lang: Lang) -> clap::Command {
    use clap::{Arg, ArgAction};
    // Defaults and allowed values are written in the texts, in the reader's language,
    // rather than appended by clap in English; `{kinds}` lists the kinds `new` makes.
    let kinds = scaffold::new_kinds().collect::<Vec<_>>().join(", ");
    let word = |key: String| lang.get(&key).replace("{kinds}", &kinds);
    let template = format!(
        "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        lang.get("cli.heading.usage")
    );
    let dress = |command: clap::Command, path: &str| {
        let options = lang.get("cli.heading.options");
        let mut command = command
            .help_template(template.clone())
            .disable_help_flag(true)
            .arg(
                Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(ArgAction::Help)
                    .help(lang.get("cli.help"))
                    .help_heading(options)
                    .display_order(101),
            );
        let ids: Vec<String> = command
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .filter(|id| id != "help")
            .collect();
        for (order, id) in ids.into_iter().enumerate() {
            let key = if id == "lang" {
                "cli.lang".to_owned()
            } else {
                format!("cli.{path}.{id}")
            };
            command = command.mut_arg(id.as_str(), |arg| {
                let heading = if arg.is_positional() {
                    lang.get("cli.heading.arguments")
                } else {
                    options
                };
                // `--lang` and `--help` come last on every command.
                let order = if id == "lang" { 100 } else { order };
                let arg = arg
                    .help(word(key.clone()))
                    .help_heading(heading)
                    .display_order(order);
                if arg.get_action().takes_values() {
                    arg.hide_default_value(true).hide_possible_values(true)
                } else {
                    arg
                }
            });
        }
        command.about(word(format!("cli.{path}.about")))
    };
    let mut command = dress(Cli::command(), "greenproc")
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .subcommand_help_heading(lang.get("cli.heading.commands"))
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(lang.get("cli.version"))
                .help_heading(lang.get("cli.heading.options")),
        );
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name.as_str(), |sub| dress(sub, &name));
    }
    command
}

fn main() -> ExitCode {
    let lang = requested_lang();
    let parsed = localized(lang)
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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
    let lang = cli.lang.unwrap_or(lang);
    match cli.command {
        Command::Check {
            root,
            format,
            deny_warnings,
        } => check(&root, format, deny_warnings, lang),
        Command::Build {
            root,
            output,
            base_url,
            timings,
            quiet,
            fetch,
            full,
        } => build(
            BuildOptions {
                root,
                output,
                base_url,
                full,
            },
            (timings, quiet, fetch),
            lang,
        ),
        Command::Serve { root, .. } if greenproc::province::is_province(&root) => {
            // The preview rebuilds a city's pages from its records as they are edited;
            // a province's pages come from its cities' copies, rebuilt whole.
            eprintln!("{}", lang.get("cli.serve_province"));
            ExitCode::from(2)
        }
        Command::Serve { root, port, bind } => {
            let options = greenproc::serve::ServeOptions {
                root,
                bind,
                port,
                lang,
            };
            match greenproc::serve::serve(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: serve: {error}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init {
            dir,
            city: None,
            admin_code: Some(admin_code),
            province,
        } if admin_code.ends_with("0000") => init(
            &dir,
            scaffold::init_province(&dir, province.as_deref(), &admin_code),
            "cli.init_province_next",
            lang,
        ),
        Command::Init {
            dir,
            city,
            admin_code,
            province,
        } => {
            let city = scaffold::City {
                name: city,
                admin_code,
                province,
            };
            init(&dir, scaffold::init(&dir, &city), "cli.init_next", lang)
        }
        Command::New {
            kind,
            id,
            category,
            root,
        } => new(&root, &kind, &id, category.as_deref(), lang),
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
                        DiffFormat::Markdown => report.to_markdown(lang),
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
        Command::Fetch { root } => fetch(&root, lang),
        Command::Import {
            file,
            kind,
            dry_run,
            delete_missing,
            root,
            format,
        } => {
            let options = greenproc::import::Options {
                kind,
                dry_run,
                delete_missing,
            };
            import(&root, &file, &options, format, lang)
        }
        Command::Publish {
            to,
            root,
            output,
            dry_run,
            s3_url_style,
        } => {
            let output = output.unwrap_or_else(|| root.join("public"));
            let style = s3_url_style.map(|style| match style {
                UrlStyle::Path => greenproc::publish::s3::Style::Path,
                UrlStyle::Virtual => greenproc::publish::s3::Style::VirtualHost,
            });
            publish(&to, &output, dry_run, style, lang)
        }
        Command::Gen {
            records,
            out,
            city,
            admin_code,
        } => match generate(records, &out, city, admin_code) {
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

/// `greenproc publish`: sends what changed in `output` to `to`, a bucket or a folder.
fn publish(
    to: &str,
    output: &std::path::Path,
    dry_run: bool,
    style: Option<greenproc::publish::s3::Style>,
    lang: Lang,
) -> ExitCode {
    use greenproc::publish::{self, Destination, PublishError};
    let env = |name: &str| std::env::var(name).ok();
    let destination: Result<Box<dyn Destination>, PublishError> = if to.starts_with("s3://") {
        publish::s3::S3::new(to, style, &env).map(|s3| Box::new(s3) as Box<dyn Destination>)
    } else {
        let folder = std::path::Path::new(to.strip_prefix("file://").unwrap_or(to));
        Ok(Box::new(publish::folder::Folder::new(folder)))
    };
    let result = destination.and_then(|d| publish::publish(output, d.as_ref(), dry_run));
    match result {
        Ok(done) => {
            if let Some(why) = &done.unreadable_manifest {
                eprintln!(
                    "{}",
                    text!("cli.publish_unreadable_manifest", why = why).render(lang)
                );
            }
            if dry_run {
                for path in &done.uploaded {
                    println!("+ {path}");
                }
                for path in &done.deleted {
                    println!("- {path}");
                }
            }
            let key = if dry_run {
                "cli.publish_dry_run"
            } else {
                "cli.publish_done"
            };
            let line = Text::new(key)
                .arg("uploaded", done.uploaded.len())
                .arg("bytes", done.bytes)
                .arg("deleted", done.deleted.len())
                .arg("unchanged", done.unchanged)
                .arg("to", to);
            println!("{}", line.render(lang));
            ExitCode::SUCCESS
        }
        Err(error) => {
            let midway = matches!(
                error,
                PublishError::Request { .. } | PublishError::Io { .. }
            );
            let reason = match error {
                PublishError::NotBuilt(dir) => {
                    text!(
                        "cli.publish_error.not_built",
                        dir = dir.display().to_string()
                    )
                }
                PublishError::UnsafePath(path) => {
                    text!("cli.publish_error.unsafe_path", path = path)
                }
                PublishError::Destination(what) => {
                    text!("cli.publish_error.destination", what = what)
                }
                PublishError::Credentials => Text::new("cli.publish_error.credentials"),
                PublishError::Request {
                    path,
                    status: 0,
                    detail,
                } => text!("cli.publish_error.network", path = path, detail = detail),
                PublishError::Request {
                    path,
                    status,
                    detail,
                } => text!(
                    "cli.publish_error.refused",
                    path = path,
                    status = u32::from(status),
                    detail = detail
                ),
                PublishError::Io { path, error } => {
                    text!(
                        "cli.publish_error.io",
                        path = path,
                        error = error.to_string()
                    )
                }
            };
            eprintln!(
                "{}",
                text!("cli.publish_failed", reason = reason).render(lang)
            );
            if midway {
                eprintln!("{}", lang.get("cli.publish_interrupted"));
            }
            ExitCode::from(1)
        }
    }
}

/// Reports what `init` wrote and the next step (`next`, a catalog key).
/// `greenproc import`: the problems as `check` prints them, one line per sheet, then
/// the changes (on a dry run) and what was written.
fn import(
    root: &std::path::Path,
    file: &std::path::Path,
    options: &greenproc::import::Options,
    format: DiffFormat,
    lang: Lang,
) -> ExitCode {
    if greenproc::province::is_province(root) {
        eprintln!("{}", lang.get("cli.import_province"));
        return ExitCode::from(2);
    }
    let imported = match greenproc::import::import(root, file, options) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!(
                "{}",
                text!("cli.import_failed", why = error.text().clone()).render(lang)
            );
            return ExitCode::from(match error {
                greenproc::import::ImportError::Usage(_) => 2,
                greenproc::import::ImportError::Failed(_) => 1,
            });
        }
    };
    if !imported.diagnostics.is_empty() {
        print_diagnostics(&imported.diagnostics, root, lang);
    }
    for sheet in &imported.sheets {
        let line = text!(
            "cli.import_sheet",
            sheet = sheet.sheet.as_str(),
            dataset = sheet.dataset,
            rows = sheet.rows,
            changed = sheet.changed,
            added = sheet.added,
            missing = sheet.missing
        );
        eprintln!("{}", line.render(lang));
    }
    if imported.refused() {
        eprintln!("{}", lang.get("cli.import_refused"));
        return ExitCode::from(1);
    }
    if options.dry_run {
        print!(
            "{}",
            match format {
                DiffFormat::Markdown => imported.report.to_markdown(lang),
                DiffFormat::Json => imported.report.to_json(),
            }
        );
        eprintln!("{}", lang.get("cli.import_dry_run"));
    } else {
        let done = text!("cli.import_done", files = imported.written);
        eprintln!("{}", done.render(lang));
    }
    ExitCode::SUCCESS
}

fn init(
    dir: &std::path::Path,
    result: Result<scaffold::Initialized, ScaffoldError>,
    next: &'static str,
    lang: Lang,
) -> ExitCode {
    match result {
        Ok(done) => {
            let shown = dir.display().to_string();
            let wrote = text!("cli.init_wrote", count = done.files.len(), dir = &shown);
            println!("{}", wrote.render(lang));
            if done.placeholders {
                println!("{}", lang.get("cli.init_placeholders"));
            }
            println!(
                "{}",
                greenproc::messages::Text::new(next)
                    .arg("dir", shown.as_str())
                    .render(lang)
            );
            ExitCode::SUCCESS
        }
        Err(error) => scaffold_failure("init", &error),
    }
}

/// `greenproc gen`: the default city, or a member city of a province.
fn generate(
    records: usize,
    out: &std::path::Path,
    city: Option<String>,
    admin_code: Option<String>,
) -> std::io::Result<greenproc::synthetic::Counts> {
    let member = match (city, admin_code) {
        (Some(city), Some(admin_code)) => Some(greenproc::synthetic::Member {
            province: scaffold::province_of(&admin_code).unwrap_or_default(),
            city,
            admin_code,
        }),
        _ => None,
    };
    greenproc::synthetic::generate_for(records, out, member.as_ref())
}

/// `greenproc fetch`: one line per member city; a refused city is reported and the
/// command still succeeds, since the site builds with the last good copy.
fn fetch(root: &std::path::Path, lang: Lang) -> ExitCode {
    use greenproc::province::fetch::Outcome;
    let outcomes = match greenproc::province::fetch_all(root, &greenproc::province::today()) {
        Ok(outcomes) => outcomes,
        Err(list) => {
            print_diagnostics(&list, root, lang);
            return ExitCode::from(1);
        }
    };
    for (city, outcome) in outcomes {
        let line = match outcome {
            Outcome::Unchanged => text!("province.fetch.unchanged", city = &city),
            Outcome::Updated { read, reused } => text!(
                "province.fetch.updated",
                city = &city,
                read = read.len(),
                reused = reused
            ),
            Outcome::Refused { refusal, kept } => {
                let reason = greenproc::province::published::refusal_text(&refusal);
                if kept {
                    text!("province.fetch.refused", city = &city, reason = reason)
                } else {
                    text!(
                        "province.fetch.refused_no_copy",
                        city = &city,
                        reason = reason
                    )
                }
            }
        };
        println!("{}", line.render(lang));
    }
    ExitCode::SUCCESS
}

fn new(
    root: &std::path::Path,
    kind: &str,
    id: &str,
    category: Option<&str>,
    lang: Lang,
) -> ExitCode {
    match scaffold::new_record(root, kind, id, category) {
        Ok(record) => {
            let file = record.file.display().to_string();
            println!("{}", text!("cli.new_wrote", file = &file).render(lang));
            if record.schemas_written > 0 {
                let schemas = text!("cli.new_schemas", count = record.schemas_written);
                println!("{}", schemas.render(lang));
            }
            if !record.blanks.is_empty() {
                println!("{}", lang.get("cli.new_blanks"));
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

/// `greenproc build`; `flags` are `--timings`, `--quiet` and `--fetch`.
fn build(options: BuildOptions, flags: (bool, bool, bool), lang: Lang) -> ExitCode {
    let (timings, quiet, fetch_first) = flags;
    // A malformed --base-url is a usage error, reported before any work.
    if let Some(base_url) = &options.base_url
        && let Err(error) = BaseUrl::new(None, Some(base_url))
    {
        eprintln!("error: --base-url: {error}");
        return ExitCode::from(2);
    }
    if greenproc::province::is_province(&options.root) {
        if fetch_first {
            let fetched = fetch(&options.root, lang);
            if fetched != ExitCode::SUCCESS {
                return fetched;
            }
        }
        return build_province(&options, quiet, lang);
    }
    if fetch_first {
        eprintln!("{}", lang.get("cli.fetch_city"));
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
                print_diagnostics(&built.warnings, &options.root, lang);
            }
            if let Some(reason) = built.history_unavailable.as_ref().filter(|_| !quiet) {
                eprintln!("{}", history_warning(reason, lang));
            }
            for leftover in built.leftovers.iter().filter(|_| !quiet) {
                eprintln!("warning: {leftover}");
            }
            let seconds = started.elapsed().as_secs_f64();
            if timings {
                eprint!("{}", timing_table(&built.timings, built.stats.pages));
            }
            if !quiet {
                let done = text!(
                    "cli.build_done",
                    records = built.records,
                    pages = built.stats.pages,
                    files = built.files,
                    bytes = built.bytes,
                    seconds = format!("{seconds:.2}"),
                    output = built.output.display().to_string()
                );
                println!("{}", done.render(lang));
                println!("{}", mode_line(&built.mode).render(lang));
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(list)) => refused(&list, &options.root, lang),
        Err(error) => failed(&error, lang),
    }
}

/// Whether a build was full, and why, or incremental, and what it kept.
fn mode_line(mode: &Mode) -> Text {
    let reason = match mode {
        Mode::Incremental { edited, kept } => {
            return text!("cli.build_incremental", edited = *edited, kept = *kept);
        }
        Mode::Full(FullReason::Asked) => Text::new("cli.full_reason.asked"),
        Mode::Full(FullReason::NoPrevious) => Text::new("cli.full_reason.no_previous"),
        Mode::Full(FullReason::Unreadable(why)) => {
            text!("cli.full_reason.unreadable", why = why.clone())
        }
        Mode::Full(FullReason::SiteChanged) => Text::new("cli.full_reason.site_changed"),
        Mode::Full(FullReason::Missing(path)) => {
            text!("cli.full_reason.missing", path = path.clone())
        }
    };
    text!("cli.build_full", reason = reason)
}

/// `greenproc build` of a province site: its pages and downloads from the copies
/// `greenproc fetch` keeps.
fn build_province(options: &BuildOptions, quiet: bool, lang: Lang) -> ExitCode {
    use greenproc::province::BuildError as ProvinceError;
    let result = greenproc::province::build(
        &options.root,
        options.output.as_deref(),
        options.base_url.as_deref(),
    );
    match result {
        Ok(built) => {
            if !built.warnings.is_empty() && !quiet {
                print_diagnostics(&built.warnings, &options.root, lang);
            }
            if !quiet {
                let done = text!(
                    "cli.build_province_done",
                    cities = built.cities.0,
                    copies = built.cities.1,
                    records = built.records,
                    pages = built.pages,
                    files = built.files,
                    bytes = built.bytes,
                    seconds = format!("{:.2}", built.seconds),
                    output = built.output.display().to_string()
                );
                println!("{}", done.render(lang));
            }
            ExitCode::SUCCESS
        }
        Err(ProvinceError::Invalid(list)) => refused(&list, &options.root, lang),
        Err(error) => failed(&error, lang),
    }
}

fn check(root: &std::path::Path, format: Format, deny_warnings: bool, lang: Lang) -> ExitCode {
    let diagnostics = if greenproc::province::is_province(root) {
        greenproc::province::check(root)
    } else {
        greenproc::check_site(root).1
    };
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    let list = diagnostics.into_sorted();
    match format {
        Format::Json => {
            let worded: Vec<_> = list.iter().map(|d| d.worded(lang)).collect();
            let json = serde_json::to_string_pretty(&worded).expect("diagnostics serialize");
            println!("{json}");
        }
        Format::Github => print!("{}", diagnostic::render_github(&list, lang)),
        Format::Gitlab => print!("{}", diagnostic::render_gitlab(&list, lang)),
        Format::Human => {
            let color = std::io::stderr().is_terminal();
            eprint!("{}", diagnostic::render_human(&list, root, color, lang));
            eprintln!("{}", summary_line(errors, warnings, lang));
        }
    }
    if let Some(reason) = greenproc::history::History::probe(root) {
        eprintln!("{}", history_warning(&reason, lang));
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
fn history_warning(reason: &greenproc::history::Unavailable, lang: Lang) -> String {
    greenproc::text!("cli.history_unavailable", reason = reason.text()).render(lang)
}

/// Prints `list` as `check` does, with its summary line, to stderr.
fn print_diagnostics(list: &[diagnostic::Diagnostic], root: &std::path::Path, lang: Lang) {
    let color = std::io::stderr().is_terminal();
    let errors = list
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprint!("{}", diagnostic::render_human(list, root, color, lang));
    eprintln!("{}", summary_line(errors, list.len() - errors, lang));
}

/// A build the checker stopped: exactly what `check` prints, then why nothing was
/// written.
fn refused(list: &[diagnostic::Diagnostic], root: &std::path::Path, lang: Lang) -> ExitCode {
    print_diagnostics(list, root, lang);
    eprintln!("{}", lang.get("cli.build_refused"));
    ExitCode::from(1)
}

/// A build that failed after the check: the error, and that the output is unchanged.
fn failed(error: &dyn std::fmt::Display, lang: Lang) -> ExitCode {
    eprintln!("{}: {error}", lang.get("diagnostic.error"));
    eprintln!("{}", lang.get("cli.build_failed"));
    ExitCode::from(1)
}

fn summary_line(errors: usize, warnings: usize, lang: Lang) -> String {
    greenproc::diagnostic::summary(errors, warnings).render(lang)
}
