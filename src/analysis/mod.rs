//! The analysis layer: pure functions over immutable snapshots of the
//! workspace. Diagnostics are plain structs with byte ranges; there are no
//! LSP types and no async code here.

mod diagnostic;
pub mod syntax_check;

pub use diagnostic::{Code, Diagnostic, FileId, Related, Severity};
