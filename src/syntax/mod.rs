//! The syntax layer: the Chronicle tree-sitter language, parsing, and typed
//! zero-copy accessors over the tree. Knows nothing of LSP or of analysis.

use tree_sitter::Language;

unsafe extern "C" {
    fn tree_sitter_chronicle() -> *const ();
}

/// The tree-sitter language of the Chronicle notation.
pub fn language() -> Language {
    // SAFETY: the generated parser exports this function; it returns a
    // pointer to a static TSLanguage that lives as long as the program.
    let lang_fn = unsafe { tree_sitter_language::LanguageFn::from_raw(tree_sitter_chronicle) };
    Language::new(lang_fn)
}
