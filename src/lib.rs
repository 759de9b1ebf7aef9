//! Chronicle: a language server and checker for structured notes about
//! events, actors, statements and claims (`*.chron`).
//!
//! Three layers with one-way dependencies (see ARCHITECTURE.md):
//! [`syntax`] (tree-sitter, typed accessors) → [`analysis`] (pure functions
//! over immutable snapshots) → [`server`] (LSP). The CLI ([`cli`]) uses the
//! analysis directly.

pub mod analysis;
pub mod cli;
pub mod memory;
pub mod server;
pub mod syntax;
pub mod workload;
