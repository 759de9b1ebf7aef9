//! The `chronicle` binary: `chronicle check PATH…` (and, as the issues land,
//! `chronicle lsp`).

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
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
