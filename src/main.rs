//! The `chronicle` binary: `chronicle check PATH…` and `chronicle lsp`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use chronicle::cli::check::{self, Color, Format};

#[derive(Parser)]
#[command(
    name = "chronicle",
    version,
    about = "Structured notes about events, actors, statements and claims (*.chron)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report every problem in the *.chron files under the paths (exit 1 on errors).
    Check {
        /// Files or directories (searched recursively for *.chron).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Colour the human output.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        /// Skip (with a warning) files larger than this many bytes.
        #[arg(long, default_value_t = 16 * 1024 * 1024)]
        max_file_size: u64,
    },
    /// Run the language server on stdin/stdout (logs on stderr, filtered by
    /// CHRONICLE_LOG or RUST_LOG, e.g. `CHRONICLE_LOG=debug`).
    Lsp {
        /// Accepted and ignored: stdio is the only transport (editors pass it).
        #[arg(long)]
        stdio: bool,
    },
}

fn main() -> ExitCode {
    chronicle::memory::tune_malloc();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Lsp { stdio: _ } => {
            init_lsp_logging();
            chronicle::memory::spawn_heap_log();
            let code = chronicle::server::run_stdio();
            // Do not wait for threads still blocked on stdin.
            std::process::exit(code);
        }
        Command::Check {
            paths,
            format,
            color,
            max_file_size,
        } => check::run(&check::Options {
            paths,
            format,
            color,
            max_file_size,
        }),
    };
    ExitCode::from(code as u8)
}

/// Logs go to stderr (stdout carries the protocol), filtered by
/// `CHRONICLE_LOG`, else `RUST_LOG`, else `info`.
fn init_lsp_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("CHRONICLE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
}
