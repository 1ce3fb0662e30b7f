//! The `greenproc` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use greenproc::diagnostic::{self, Severity};

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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Messages with source excerpts, like rustc.
    Human,
    /// A JSON array of {severity, code, file, line, column, message, hint}.
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
        Format::Human => {
            let color = std::io::stderr().is_terminal();
            eprint!("{}", diagnostic::render_human(&list, root, color));
            eprintln!("{}", summary_line(errors, warnings));
        }
    }
    let failed = errors > 0 || (deny_warnings && list.iter().any(|d| d.severity == Severity::Warning));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary_line(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "check: no problems found".to_owned(),
        _ => format!("check: {errors} error(s), {warnings} warning(s)"),
    }
}
