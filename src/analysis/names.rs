//! Actor names and aliases, indexed by their first word, to find an actor
//! named in prose without `@` (an unlinked mention) and to suggest an actor
//! from a reference spelled like one of its names.
//!
//! Matching is by whole words and case-sensitive: names are proper nouns,
//! and `US` must not match "us".

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::summary::Sym;
use super::FileId;

/// A marker ID in a change set: the set of names changed, so every file
/// with prose must be re-checked for unlinked mentions.
pub(crate) const NAMES_CHANGED: &str = "\u{0}names";

/// One name of one actor.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Name {
    words: Arc<[Box<str>]>,
    actor: Sym,
    file: FileId,
}

/// The names of each actor a file defines.
type FileNames = Vec<(Sym, Vec<String>)>;

/// Every actor name and alias in the workspace.
#[derive(Clone, Debug, Default)]
pub struct NameIndex {
    /// Looked up for every word of prose: hashed with the short-string
    /// hash (SipHash was most of a lookup).
    by_first_word: HashMap<Box<str>, Vec<Name>, super::summary::ShortBuild>,
    by_file: HashMap<FileId, FileNames>,
    /// Every name written as an ID (`president-macron`) → the actors
    /// (with the file that names them) it belongs to.
    id_like: HashMap<String, Vec<(Sym, FileId)>>,
}

/// A name as an ID: lowercase words joined by `-`.
fn as_id(name: &str) -> String {
    words(name)
        .into_iter()
        .map(|(_, w)| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("-")
}

/// An actor named in prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub range: Range<usize>,
    pub actor: Sym,
    pub name: String,
}

/// The words of a text with their byte ranges: runs of letters and digits,
/// with the hyphens inside them (`Jean-Luc`). An apostrophe ends a word, so
/// `Macron's` holds the name `Macron`.
pub fn words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let inner =
            c == '-' && start.is_some() && iter.peek().is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s..i, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

impl NameIndex {
    /// Replaces the names a file defines.
    pub fn replace_file(&mut self, file: FileId, names: Vec<(Sym, Vec<String>)>) {
        // Only the lists holding one of the file's previous names can hold
        // an entry of the file (indexing calls this once per file: a pass
        // over the whole index each time would be quadratic).
        let previous = self.by_file.get(&file).into_iter().flatten();
        for name in previous.flat_map(|(_, names)| names) {
            if let Some((_, first)) = words(name).first() {
                if let Some(list) = self.by_first_word.get_mut(*first) {
                    list.retain(|n| n.file != file);
                    if list.is_empty() {
                        self.by_first_word.remove(*first);
                    }
                }
            }
            let id = as_id(name);
            if let Some(list) = self.id_like.get_mut(&id) {
                list.retain(|(_, f)| *f != file);
                if list.is_empty() {
                    self.id_like.remove(&id);
                }
            }
        }
        for (actor, actor_names) in &names {
            for name in actor_names {
                self.id_like
                    .entry(as_id(name))
                    .or_default()
                    .push((*actor, file));
            }
        }
        for (actor, actor_names) in &names {
            for name in actor_names {
                let ws: Vec<Box<str>> = words(name).into_iter().map(|(_, w)| w.into()).collect();
                let Some(first) = ws.first().cloned() else {
                    continue;
                };
                self.by_first_word.entry(first).or_default().push(Name {
                    words: ws.into(),
                    actor: *actor,
                    file,
                });
            }
        }
        if names.is_empty() {
            self.by_file.remove(&file);
        } else {
            self.by_file.insert(file, names);
        }
    }

    /// Gives back the room the lists and tables grew into: after indexing,
    /// most lists hold one name in room for four.
    pub fn shrink_to_fit(&mut self) {
        for list in self.by_first_word.values_mut() {
            list.shrink_to_fit();
        }
        for list in self.id_like.values_mut() {
            list.shrink_to_fit();
        }
        self.by_first_word.shrink_to_fit();
        self.id_like.shrink_to_fit();
        self.by_file.shrink_to_fit();
    }

    /// Actor names in `text` (at `base` in its file), longest match first at
    /// each position. `skip` tells whether a byte range is already a
    /// reference (and so not an unlinked mention).
    pub fn find(
        &self,
        text: &str,
        base: usize,
        skip: impl Fn(Range<usize>) -> bool,
    ) -> Vec<Mention> {
        let ws = words(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            let (range, word) = &ws[i];
            let preceded_by_at = range.start > 0 && text.as_bytes()[range.start - 1] == b'@';
            let mut best: Option<(&Name, usize)> = None;
            if !preceded_by_at {
                for name in self.by_first_word.get(*word).into_iter().flatten() {
                    let n = name.words.len();
                    if i + n > ws.len() || best.is_some_and(|(_, m)| m >= n) {
                        continue;
                    }
                    let fits = name
                        .words
                        .iter()
                        .zip(&ws[i..i + n])
                        .all(|(a, (_, b))| &**a == *b);
                    // The words of a name must be separated by blanks only.
                    let tight = ws[i..i + n]
                        .windows(2)
                        .all(|p| text[p[0].0.end..p[1].0.start].chars().all(|c| c == ' '));
                    if fits && tight {
                        best = Some((name, n));
                    }
                }
            }
            if let Some((name, n)) = best {
                let r = ws[i].0.start..ws[i + n - 1].0.end;
                let abs = base + r.start..base + r.end;
                if !skip(abs.clone()) {
                    out.push(Mention {
                        range: abs,
                        actor: name.actor,
                        name: text[r].to_string(),
                    });
                }
                i += n;
            } else {
                i += 1;
            }
        }
        out
    }

    /// The actor whose name or alias, written as an ID (lowercase, words
    /// joined by `-`), is `id`: `@president-macron` → `macron`.
    pub fn actor_for_id_like(&self, id: &str) -> Option<Sym> {
        self.id_like
            .get(&id.to_lowercase())?
            .iter()
            .map(|(actor, _)| actor)
            .min()
            .cloned()
    }

    /// Every actor's names, for hover and completion details.
    pub fn names_of(&self, actor: &str) -> Vec<String> {
        self.by_file
            .values()
            .flatten()
            .filter(|(a, _)| &**a == actor)
            .flat_map(|(_, n)| n.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> NameIndex {
        let mut ix = NameIndex::default();
        ix.replace_file(
            0,
            vec![
                (
                    crate::analysis::summary::sym("macron"),
                    vec!["Emmanuel Macron".into(), "Macron".into()],
                ),
                (
                    crate::analysis::summary::sym("us"),
                    vec!["United States".into(), "US".into()],
                ),
            ],
        );
        ix
    }

    #[test]
    fn finds_longest_whole_word_case_sensitive_names() {
        let ix = index();
        let text = "Emmanuel Macron met the US team; Macron's aides and us. @Macron";
        let found: Vec<_> = ix
            .find(text, 10, |_| false)
            .into_iter()
            .map(|m| (m.name, m.actor.to_string(), m.range.start - 10))
            .collect();
        assert_eq!(
            found,
            [
                ("Emmanuel Macron".to_string(), "macron".to_string(), 0),
                ("US".to_string(), "us".to_string(), 24),
                ("Macron".to_string(), "macron".to_string(), 33),
            ]
        );
    }

    #[test]
    fn skip_and_replace() {
        let mut ix = index();
        assert!(ix.find("Macron", 0, |r| r == (0..6)).is_empty());
        ix.replace_file(0, vec![]);
        assert!(ix.find("Macron", 0, |_| false).is_empty());
    }

    #[test]
    fn id_like_alias() {
        let ix = index();
        assert_eq!(
            ix.actor_for_id_like("emmanuel-macron").as_deref(),
            Some("macron")
        );
        assert_eq!(ix.actor_for_id_like("united-states").as_deref(), Some("us"));
        assert_eq!(ix.actor_for_id_like("france"), None);
    }
}
