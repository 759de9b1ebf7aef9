//! A small fuzzy matcher for completion and workspace symbols.
//!
//! A pattern matches a candidate when its characters appear in the
//! candidate in order, ignoring case and the accents of Latin letters
//! (`turk` matches `Türkiye`). The score rewards what a person expects to
//! come first: an exact match, then a prefix, then matches at word starts
//! (after `-`, `_`, a space, or a lower-to-upper case change) and runs of
//! consecutive characters; gaps cost a little.
//!
//! It allocates nothing per candidate, so scanning ten thousand IDs, names
//! and aliases stays well under a millisecond in release builds.

/// A prepared query.
#[derive(Clone, Debug)]
pub struct Pattern {
    chars: Vec<char>,
    /// The letters and digits of the pattern (see [`super::index::mask_of`]).
    mask: u64,
    /// The pattern's bytes when it is ASCII (else empty).
    ascii: Vec<u8>,
}

impl Pattern {
    pub fn new(query: &str) -> Self {
        let chars: Vec<char> = query.trim().chars().map(fold).collect();
        let mask = chars
            .iter()
            .filter(|c| c.is_ascii())
            .fold(0, |m, c| m | super::index::bit(*c as u8));
        let ascii = if chars.iter().all(char::is_ascii) {
            chars.iter().map(|c| *c as u8).collect()
        } else {
            Vec::new()
        };
        Self { chars, mask, ascii }
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Whether text whose [`mask_of`](super::index::mask_of) (of its folded
    /// form) is `mask` can match: it has every letter and digit of the
    /// pattern.
    pub fn may_match(&self, mask: u64) -> bool {
        self.mask & !mask == 0
    }

    /// The [`bit`](super::index::bit) of the pattern's first character,
    /// `0` when it has none (an empty pattern, or a first character other
    /// than an ASCII letter or digit).
    pub fn first_bit(&self) -> u64 {
        match self.chars.first() {
            Some(c) if c.is_ascii() => super::index::bit(*c as u8),
            _ => 0,
        }
    }

    /// The highest score of a candidate whose first character is not the
    /// pattern's first character: no match starts at position 0, so there
    /// is no prefix bonus and no first-position bonus, and each pattern
    /// character earns at most 10, 12 for a word start and, after the
    /// first, 15 for continuing a run.
    pub fn bound_off_first(&self) -> u32 {
        (37 * self.chars.len() as u32).saturating_sub(15)
    }

    /// The score of a candidate, `None` when the pattern does not match.
    /// An empty pattern matches everything with score 0.
    pub fn score(&self, candidate: &str) -> Option<u32> {
        let pat = &self.chars;
        if pat.is_empty() {
            return Some(0);
        }
        // A character is at least one byte.
        if candidate.len() < pat.len() {
            return None;
        }
        // ASCII text (most IDs) skips UTF-8 decoding, and a candidate that
        // does not hold the pattern in order is turned away by a plain
        // byte search first (most candidates a scan scores do not match).
        match (candidate.is_ascii(), self.ascii.is_empty()) {
            (true, false) => {
                let mut rest = candidate.as_bytes().iter();
                for c in &self.ascii {
                    rest.find(|b| b.to_ascii_lowercase() == *c)?;
                }
                score_units(&self.ascii, candidate.bytes())
            }
            (true, true) => score_units(pat, candidate.bytes().map(char::from)),
            (false, _) => score_units(pat, candidate.chars()),
        }
    }

    /// The best score over several candidates (an ID, a name, aliases).
    pub fn best<'a>(&self, candidates: impl IntoIterator<Item = &'a str>) -> Option<u32> {
        candidates.into_iter().filter_map(|c| self.score(c)).max()
    }
}

/// A character of a candidate: a `char`, or a byte of ASCII text (the
/// same answers for ASCII, without the Unicode tables).
trait Unit: Copy + PartialEq {
    fn folded(self) -> Self;
    fn alnum(self) -> bool;
    fn lower(self) -> bool;
    fn upper(self) -> bool;
}

impl Unit for char {
    fn folded(self) -> Self {
        fold(self)
    }
    fn alnum(self) -> bool {
        self.is_alphanumeric()
    }
    fn lower(self) -> bool {
        self.is_lowercase()
    }
    fn upper(self) -> bool {
        self.is_uppercase()
    }
}

impl Unit for u8 {
    fn folded(self) -> Self {
        self.to_ascii_lowercase()
    }
    fn alnum(self) -> bool {
        self.is_ascii_alphanumeric()
    }
    fn lower(self) -> bool {
        self.is_ascii_lowercase()
    }
    fn upper(self) -> bool {
        self.is_ascii_uppercase()
    }
}

/// Greedy leftmost matching; stops at the last pattern character.
fn score_units<U: Unit>(pat: &[U], mut chars: impl Iterator<Item = U>) -> Option<u32> {
    let mut pi = 0;
    let mut score: i32 = 0;
    let mut gaps: i32 = 0;
    let mut leading: i32 = 0;
    let mut prev: Option<U> = None;
    let mut prev_matched = false;
    let mut prefix = true;
    for (pos, c) in chars.by_ref().enumerate() {
        if c.folded() == pat[pi] {
            score += 10;
            match prev {
                None => score += 15,
                Some(p) if !p.alnum() || (p.lower() && c.upper()) => score += 12,
                _ => {}
            }
            if prev_matched {
                score += 15;
            }
            prefix &= pos == pi;
            pi += 1;
            prev_matched = true;
            if pi == pat.len() {
                break;
            }
        } else {
            if pi == 0 {
                leading += 1;
            } else {
                gaps += 1;
            }
            prev_matched = false;
        }
        prev = Some(c);
    }
    if pi < pat.len() {
        return None;
    }
    score -= gaps.min(10) + leading.min(10) / 2;
    if prefix {
        score += 40;
        if chars.next().is_none() {
            score += 40;
        }
    }
    Some(score.max(1) as u32)
}

/// Lower case, and the base letter of an accented Latin letter.
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let u = c as u32;
    let base = match u {
        0xC0..=0xFF => LATIN1[(u - 0xC0) as usize],
        0x100..=0x17F => LATIN_EXT_A[(u - 0x100) as usize],
        _ => 0,
    };
    if base != 0 {
        return base as char;
    }
    c.to_lowercase().next().unwrap_or(c)
}

/// Base letters of U+00C0–U+00FF (`0`: keep the character).
const LATIN1: &[u8; 64] = b"aaaaaaaceeeeiiiidnooooo\0ouuuuytsaaaaaaaceeeeiiiidnooooo\0ouuuuyty";

/// Base letters of U+0100–U+017F.
const LATIN_EXT_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

#[cfg(test)]
mod tests {
    use super::*;

    fn score(p: &str, c: &str) -> Option<u32> {
        Pattern::new(p).score(c)
    }

    #[test]
    fn folds_case_and_latin_accents() {
        assert_eq!(fold('Ü'), 'u');
        assert_eq!(fold('ş'), 's');
        assert_eq!(fold('Ç'), 'c');
        assert_eq!(fold('ł'), 'l');
        assert_eq!(fold('ğ'), 'g');
        assert_eq!(fold('ž'), 'z');
        assert_eq!(fold('ÿ'), 'y');
        assert_eq!(fold('×'), '×');
        assert_eq!(fold('Ж'), 'ж');
        assert!(score("turk", "Türkiye").is_some());
        assert!(score("TÜRK", "turkiye").is_some());
    }

    #[test]
    fn subsequence_or_nothing() {
        assert!(score("mcr", "macron").is_some());
        assert!(score("mrc", "macron").is_none());
        assert!(score("macronx", "macron").is_none());
        assert_eq!(score("", "anything"), Some(0));
    }

    #[test]
    fn exact_beats_prefix_beats_word_start_beats_scattered() {
        let exact = score("us", "us").unwrap();
        let prefix = score("us", "usa").unwrap();
        let word = score("us", "white-us").unwrap();
        let scattered = score("us", "ukraine-south").unwrap();
        assert!(exact > prefix, "{exact} {prefix}");
        assert!(prefix > word, "{prefix} {word}");
        assert!(word > scattered, "{word} {scattered}");
    }

    #[test]
    fn bound_off_first_holds() {
        // Every candidate of a small alphabet that does not start with the
        // pattern's first character, against patterns up to 4 long.
        let alphabet = ['a', 'b', 'A', 'B', '-', 'x'];
        let mut candidates = vec![String::new()];
        for _ in 0..6 {
            let next: Vec<String> = candidates
                .iter()
                .flat_map(|c| alphabet.iter().map(move |a| format!("{c}{a}")))
                .collect();
            candidates.extend(next);
            candidates.dedup();
        }
        for pattern in ["a", "ab", "aba", "abab", "bAb", "aaaa"] {
            let p = Pattern::new(pattern);
            let first = pattern.chars().next().map(fold);
            for c in &candidates {
                if c.chars().next().map(fold) == first {
                    continue;
                }
                if let Some(s) = p.score(c) {
                    assert!(s <= p.bound_off_first(), "{pattern} {c}: {s}");
                }
            }
        }
    }

    #[test]
    fn word_starts_count() {
        // `cc` at the word starts of coalition-call beats a run inside a word.
        let starts = score("cc", "coalition-call").unwrap();
        let inner = score("cc", "accord").unwrap();
        assert!(starts > inner, "{starts} {inner}");
        // camelCase counts as a word start.
        assert!(score("em", "EmmanuelMacron").unwrap() > score("em", "xemma").unwrap());
    }
}
