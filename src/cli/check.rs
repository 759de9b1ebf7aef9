//! `chronicle check PATH…`: every diagnostic of every `*.chron` under the
//! paths, printed the way rustc and ruff print them, or as JSON.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::{Diagnostic, Severity};
use crate::cli::files::{self, LoadedFile};
use crate::syntax::lines;

/// Output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: severity[code]: message` with a caret excerpt.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub color: Color,
    pub max_file_size: u64,
}

/// Exit code: 0 clean (or only warnings and hints), 1 errors, 2 unusable
/// arguments or paths.
pub fn run(opts: &Options) -> i32 {
    let paths = match files::collect(&opts.paths) {
        Ok(paths) => paths,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let mut loaded = Vec::with_capacity(paths.len());
    for path in &paths {
        match files::load(
            path,
            opts.max_file_size.min(crate::analysis::span::MAX_FILE_SIZE),
        ) {
            Ok(file) => loaded.push(file),
            Err(err) => {
                eprintln!("error: cannot read {}: {err}", path.display());
                return 2;
            }
        }
    }
    let results = crate::cli::analyse(&loaded);
    let errors = results
        .iter()
        .flat_map(|(_, ds)| ds)
        .filter(|d| d.severity == Severity::Error)
        .count();
    let outcome = match opts.format {
        Format::Json => print_json(&loaded, &results),
        Format::Human => {
            let color = match opts.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            print_human(&loaded, &results, color)
        }
    };
    if let Err(err) = outcome {
        if err.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {err}");
            return 2;
        }
    }
    if errors > 0 {
        1
    } else {
        0
    }
}

struct Located {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn locate(file: &LoadedFile, range: &std::ops::Range<usize>) -> Located {
    let (line, column) = lines::line_col(&file.text, &file.line_starts, range.start);
    let (end_line, end_column) = lines::line_col(&file.text, &file.line_starts, range.end);
    Located {
        line,
        column,
        end_line,
        end_column,
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

fn print_human(
    files: &[LoadedFile],
    results: &[(usize, Vec<Diagnostic>)],
    color: bool,
) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut counts = [0usize; 4];
    let mut files_with = 0;
    for (index, diagnostics) in results {
        if diagnostics.is_empty() {
            continue;
        }
        files_with += 1;
        let file = &files[*index];
        for d in diagnostics {
            counts[d.severity as usize] += 1;
            let at = locate(file, &d.range);
            let (sev_color, sev) = match d.severity {
                Severity::Error => ("1;31", "error"),
                Severity::Warning => ("1;33", "warning"),
                Severity::Information => ("1;34", "info"),
                Severity::Hint => ("1;36", "hint"),
            };
            writeln!(
                out,
                "{}:{}:{}: {}: {}",
                paint("1", &display_path(&file.path)),
                at.line + 1,
                at.column + 1,
                paint(sev_color, &format!("{sev}[{}]", d.code.as_str())),
                paint("1", &d.message),
            )?;
            if file.problem.is_none() {
                excerpt(
                    &mut out,
                    file,
                    &at,
                    |s| paint("1;34", s),
                    |s| paint(sev_color, s),
                )?;
            }
            for r in &d.related {
                let other = &files[r.file as usize];
                let rat = locate(other, &r.range);
                writeln!(
                    out,
                    "   {} {}:{}:{}: {}",
                    paint("1;34", "="),
                    display_path(&other.path),
                    rat.line + 1,
                    rat.column + 1,
                    r.message
                )?;
            }
            writeln!(out)?;
        }
    }
    let [errors, warnings, infos, hints] = counts;
    if errors + warnings + infos + hints == 0 {
        writeln!(
            out,
            "{} checked, no problems found",
            plural(files.len(), "file")
        )?;
    } else {
        let mut parts = Vec::new();
        for (n, what) in [
            (errors, "error"),
            (warnings, "warning"),
            (infos, "info"),
            (hints, "hint"),
        ] {
            if n > 0 {
                parts.push(plural(n, what));
            }
        }
        writeln!(
            out,
            "found {} in {} of {} checked",
            parts.join(", "),
            plural(files_with, "file"),
            files.len()
        )?;
    }
    out.flush()
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The line of the diagnostic with carets under its range (its first line
/// only when the range spans lines).
fn excerpt(
    out: &mut impl Write,
    file: &LoadedFile,
    at: &Located,
    gutter_paint: impl Fn(&str) -> String,
    caret_paint: impl Fn(&str) -> String,
) -> io::Result<()> {
    let line_text = lines::line_text(&file.text, &file.line_starts, at.line);
    let number = (at.line + 1).to_string();
    let pad = " ".repeat(number.len());
    let shown: String = line_text
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let width = if at.end_line == at.line {
        at.end_column.saturating_sub(at.column).max(1)
    } else {
        shown.chars().count().saturating_sub(at.column).max(1)
    };
    writeln!(out, "{pad} {}", gutter_paint("|"))?;
    writeln!(
        out,
        "{} {} {shown}",
        gutter_paint(&number),
        gutter_paint("|")
    )?;
    writeln!(
        out,
        "{pad} {} {}{}",
        gutter_paint("|"),
        " ".repeat(at.column),
        caret_paint(&"^".repeat(width))
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    /// 1-based line and column (Unicode scalar values), end exclusive.
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// Byte offsets into the file, end exclusive.
    start_byte: usize,
    end_byte: usize,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

fn print_json(files: &[LoadedFile], results: &[(usize, Vec<Diagnostic>)]) -> io::Result<()> {
    let mut report = JsonReport {
        diagnostics: Vec::new(),
        summary: JsonSummary {
            files: files.len(),
            errors: 0,
            warnings: 0,
            infos: 0,
            hints: 0,
        },
    };
    for (index, diagnostics) in results {
        let file = &files[*index];
        for d in diagnostics {
            match d.severity {
                Severity::Error => report.summary.errors += 1,
                Severity::Warning => report.summary.warnings += 1,
                Severity::Information => report.summary.infos += 1,
                Severity::Hint => report.summary.hints += 1,
            }
            let at = locate(file, &d.range);
            report.diagnostics.push(JsonDiagnostic {
                file: display_path(&file.path),
                line: at.line + 1,
                column: at.column + 1,
                end_line: at.end_line + 1,
                end_column: at.end_column + 1,
                start_byte: d.range.start,
                end_byte: d.range.end,
                severity: d.severity.as_str(),
                code: d.code.as_str(),
                message: &d.message,
                related: d
                    .related
                    .iter()
                    .map(|r| {
                        let other = &files[r.file as usize];
                        let rat = locate(other, &r.range);
                        JsonRelated {
                            file: display_path(&other.path),
                            line: rat.line + 1,
                            column: rat.column + 1,
                            end_line: rat.end_line + 1,
                            end_column: rat.end_column + 1,
                            message: &r.message,
                        }
                    })
                    .collect(),
            });
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer_pretty(&mut out, &report).map_err(io::Error::other)?;
    writeln!(out)
}
