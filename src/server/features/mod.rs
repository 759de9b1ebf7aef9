//! One module per LSP feature, each thin: LSP params → byte offsets (via
//! [`World`](super::world::World)), a pure query in `analysis::ide`, and the
//! result converted back to LSP types.

pub mod code_actions;
pub mod completion;
pub mod definition;
pub mod folding;
pub mod highlight;
pub mod hover;
pub mod inlay_hints;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;
