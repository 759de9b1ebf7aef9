//! The quick reader against the tree: whenever it answers, its summary is
//! `FileSummary::new`'s.

use super::*;
use crate::syntax::parse;

/// Every `.chron` file under `dir`.
pub(crate) fn chron_files(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            chron_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "chron") {
            if let Ok(t) = std::fs::read_to_string(&p) {
                out.push(t);
            }
        }
    }
}

/// Every `.chron` file of the shipped examples and of the test fixtures.
pub(crate) fn examples_and_fixtures() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    chron_files(&root.join("examples"), &mut texts);
    chron_files(&root.join("tests"), &mut texts);
    texts
}

/// A small deterministic generator (xorshift), so that the damage is the
/// same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Snippets that sit on the edges of what the reader reads.
const SNIPPETS: &[&str] = &[
    "\u{a0}",
    "x\u{a0}y",
    " \u{a0}",
    "\u{a0} ",
    "\u{2009}",
    "\u{202f}",
    "\u{3000}",
    "\u{1680}",
    "\u{85}",
    "@x\u{a0}",
    "said\u{a0}",
    "event\u{a0}",
    "\u{a0}@x",
    "@x.y =",
    "@x.y = @z",
    "@x.y = \"s\"",
    "@x.y (Mon)",
    " = 3 (Tue)",
    ", ,",
    "X1",
    "19XX",
    "-2025",
    "2025-11-03?",
    "~",
    "%",
    "T10:00",
    "+01:00",
    "2025-11-03T10:00:00.5+01:00",
    "since 2025",
    "Thursday",
    "next Friday",
    "last year",
    "THIS WEEK",
    "tonight",
    "Yes",
    "false",
    " no ",
    "'",
    "[",
    "日本",
    "ö@",
    "😀",
    "@x😀",
    "≥ 3",
    "≠",
    "ſ",
    "K",
    "İ",
    "\u{2028}",
    "@x,@y",
    "@x+1d",
    "@x + 1",
    "@x - 1y,",
    "\"\\\"\"",
    "\\n",
    "(Wed) extra",
    "2025-11-03 (Wed)",
    "@",
    "@@",
    "@x",
    "@x.y",
    "@x.y = 3",
    " @x + 2d",
    " @x - 1w",
    "@x -1d",
    ":",
    "::",
    ",",
    ", ",
    "\"",
    "\"q\"",
    "(",
    ")",
    "(Mon)",
    "(mon)",
    "(Wednesday)",
    "(x)",
    "2025",
    "2025-11",
    "2025-11-03",
    "2025-1-3",
    "2025-11-03T10:00Z",
    "2025/2026",
    "../2025",
    "2025/..",
    "/2025",
    "2025-",
    "19",
    "1500",
    "3.5",
    "12%",
    "18:45",
    "-5",
    "X",
    "XXXX",
    "yes",
    "no",
    "true",
    "True",
    "today",
    "on Monday",
    "next week",
    "Monday",
    "monday morning",
    "of",
    " of @x",
    "since",
    "# ",
    "## x",
    "#######",
    "// c",
    "  ",
    "\n",
    "\n\n",
    "\n  ",
    "\n  k: v",
    "\n  k v",
    "\nk: v",
    "actor ",
    "event ",
    "event x: ",
    "event x ",
    "source s \"S\"",
    "topic t",
    "@a said ",
    "@a said \"q\"",
    "@a claims ",
    "@a claims @p.q",
    "@a denies @p.q != 2",
    "2025-11-03 event e: ",
    "2025-11-03 (Mon) @a said \"x\"",
    "actors",
    "eventful",
    "ü",
    "é@",
    "@é",
    "x@y",
    "a.@b",
    "e-mail@host",
    "≤",
    "\u{a0}",
    "\t",
    "\r",
    "\\",
    "-",
    "+",
    "=",
    "!=",
    "<=",
    ">",
    ".",
    "..",
    "/",
    "x@",
    "@ x",
    "role: of",
    "aka: \"A\", B",
    "kind:",
    "id: k",
];

fn damaged(texts: &[String], rng: &mut Rng, per_text: usize) -> Vec<String> {
    let mut out = Vec::new();
    for t in texts {
        for _ in 0..per_text {
            let mut s = t.clone();
            for _ in 0..1 + rng.below(3) {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                let mut at = rng.below(s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.below(4) == 0 {
                    // Delete a little instead.
                    let mut to = (at + 1 + rng.below(6)).min(s.len());
                    while !s.is_char_boundary(to) {
                        to += 1;
                    }
                    s.replace_range(at..to, "");
                } else {
                    s.insert_str(at, snippet);
                }
            }
            out.push(s);
        }
    }
    out
}

fn generated() -> Vec<String> {
    crate::workload::render(&crate::workload::build(&crate::workload::Spec::small()))
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// Compares the reader with the tree on `texts`; the number it read.
fn compare(texts: &[String]) -> usize {
    let mut read = 0;
    for text in texts {
        if let Some(quick) = summary(text) {
            let tree = parse(text);
            let full = FileSummary::new(&tree, text);
            if quick != full {
                // The first difference, readably.
                let q = format!("{quick:#?}");
                let f = format!("{full:#?}");
                let line = q
                    .lines()
                    .zip(f.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let around = |s: &str| {
                    s.lines()
                        .skip(line.saturating_sub(8))
                        .take(16)
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                panic!(
                    "the quick reader differs from the tree on\n{text}\n--- quick ---\n{}\n--- tree ---\n{}",
                    around(&q),
                    around(&f)
                );
            }
            read += 1;
        }
    }
    read
}

#[test]
fn quick_equals_the_tree_on_examples_and_fixtures() {
    let texts = examples_and_fixtures();
    assert!(texts.len() > 20, "{}", texts.len());
    let read = compare(&texts);
    // Examples and fixtures are full of deliberate problems; a fair share
    // still reads plainly.
    assert!(read * 4 > texts.len(), "{read} of {}", texts.len());
}

/// The inputs of the grammar's corpus tests (`grammar/test/corpus`): an
/// example of every construct, so that a change to the grammar that the
/// generated notes do not use still meets this test.
pub(crate) fn corpus_inputs() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the grammar's corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("a corpus file");
        // `===` name `===` input `---` expected tree, repeated.
        let mut lines = text.split_inclusive('\n').peekable();
        while let Some(line) = lines.next() {
            if !line.starts_with("===") {
                continue;
            }
            // The name, then the closing rule.
            lines.next();
            lines.next();
            let mut input = String::new();
            while let Some(l) = lines.peek() {
                if l.starts_with("---") {
                    break;
                }
                input.push_str(l);
                lines.next();
            }
            // The line break before the rule is the corpus's, not the input's.
            if input.ends_with('\n') {
                input.pop();
            }
            out.push(input);
        }
    }
    out
}

#[test]
fn quick_equals_the_tree_on_the_grammar_corpus() {
    let texts = corpus_inputs();
    assert!(texts.len() > 60, "{}", texts.len());
    let read = compare(&texts);
    // Many corpus examples are error recovery; the rest read plainly.
    assert!(read * 3 > texts.len(), "{read} of {}", texts.len());
    let mut rng = Rng(0x0dd_ba11_5eed);
    compare(&damaged(&texts, &mut rng, 20));
}

#[test]
fn quick_reads_nearly_every_generated_file_as_the_tree() {
    let texts = generated();
    let read = compare(&texts);
    assert!(read * 100 >= texts.len() * 95, "{read} of {}", texts.len());
}

#[test]
fn quick_equals_the_tree_on_damaged_files() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut base = generated();
    base.truncate(60);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    chron_files(&root.join("examples"), &mut base);
    let texts = damaged(&base, &mut rng, 40);
    let read = compare(&texts);
    // Damage often leaves a file plain: some of them must be read.
    assert!(read * 5 > texts.len(), "{read} of {}", texts.len());
}

/// The same notes with `\r\n` line breaks, and with tabs for blanks.
fn respaced(texts: &[String], rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    for t in texts {
        out.push(t.replace('\n', "\r\n"));
        // Indentation as one tab, and a few other blanks as tabs.
        let tabbed: String = t
            .split_inclusive('\n')
            .map(|line| {
                let body = line.trim_start_matches(' ');
                let indent = if body.len() < line.len() { "\t" } else { "" };
                let body: String = body
                    .chars()
                    .map(|c| {
                        if c == ' ' && rng.below(5) == 0 {
                            '\t'
                        } else {
                            c
                        }
                    })
                    .collect();
                format!("{indent}{body}")
            })
            .collect();
        out.push(tabbed);
    }
    out
}

#[test]
fn quick_equals_the_tree_with_crlf_and_tabs() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut base = generated();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    chron_files(&root.join("examples"), &mut base);
    let texts = respaced(&base, &mut rng);
    let read = compare(&texts);
    // The generated notes read plainly with either.
    assert!(read * 100 >= texts.len() * 90, "{read} of {}", texts.len());
    let damaged = damaged(&texts[..40], &mut rng, 20);
    compare(&damaged);
}

#[test]
fn quick_equals_the_tree_on_tricky_lines() {
    let cases = [
        "actor a \"A\"\n  x: yes\n  x: no comment\n  x: Monday\n  x: on Monday\n  x: next week\n  x: 2019\n  x: 1500 people\n  x: 19\n  x: 18:45\n  x: 2025-11-12 (Thu)\n  x: (Thu)\n  x: (Thu) foo\n  x: @a - 1d\n  x: @a + 2w, @b\n  x: @a.b = 19\n  x: @a.b = 2025-11-03 (Mon)\n  x: 12%\n  x: 2025/2026\n  x: ../2026\n  x: \"s\" foo\n  x: a, b, c\n  x: since Monday\n  x: a-b.c:d\n  x: True\n  x: @a @b\n",
        "# Title @x\n\n## Two\n// c\n\nprose @a and a@b and @ and @@x.\n  indented prose\n",
        "2025-11-12 (Thu) @a claims @p.q = 3\n2025-11-12 @a claims @p.q\n@a denies @p.q != \"x\"\n@a reports @p.q = no\n",
        "event e: @x title\n// between\n  after: @y\n\n2026-01-02T10:00Z event f: F\n  role: envoy of @z since 2020-01-01\n  aka: \"F\", G H\n  kind: meeting\n  id: ignored",
        "# A\nactor a\n// trailing\n# B\n\n// trailing too\n\n# C\n// last",
        "@a said \"x\"\n  id: s1\n  claims: @d.signed, @d.when = 2025-01-02 (Thu)\n  denies: @d.count > 3\n",
        "\\event x: prose\nprose \\ here\n@a said \"q \\\"x\\\" \\n é\"\nactor b \"B \\\"C\\\"\"\n  aka: \"\\\"D\\\"\", E\n@a claims @p.q ≥ 9.8%\n@a claims @p.q ≠ @r\n",
        "# Week of 15\u{a0}January\nThe talks in Paris\u{a0}— @x said so.\nactor x \"X\u{a0}Y\"\n  aka: \"Y\u{202f}X\"\n2025-01-02 event e: Talks\u{a0}in Rome\n  where: Rome, @x\n",
        "event x: t\n  when: 2025-01-02, (Fri)\n  when: 2025-01-02 (Fri), 2025-01-03 (Sat)\n",
    ];
    let texts: Vec<String> = cases.iter().map(|c| c.to_string()).collect();
    let read = compare(&texts);
    assert_eq!(read, texts.len(), "every case reads plainly");
}

#[test]
fn quick_declines_what_it_cannot_be_sure_of() {
    for text in [
        "actor a \"A\"\n  kind person\n",
        "event x title\n",
        "actor\n",
        "actor a \"A\"\rprose\n",
        "actor a \"A\"\r",
        "actor a \"A\"\n  x: @a -1d\n",
        "@a said nothing\n",
        "prose @ü\n",
        "  kind: pers\u{a0}on\n",
        "actor a \"A\"\n  x: a\u{a0}b\n",
        "# \u{a0}x\n",
        "\u{feff}actor a\n",
        "  kind: stray\n",
    ] {
        assert!(summary(text).is_none(), "{text:?}");
    }
}

#[test]
#[ignore]
fn show_declined_lines() {
    for text in generated() {
        if summary(&text).is_some() {
            continue;
        }
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut prefix = String::new();
        for l in lines {
            prefix.push_str(l);
            if summary(&prefix).is_none() {
                println!("DECLINED: {l:?}");
                break;
            }
        }
    }
}

/// A longer run of the damage test (`QUICK_FUZZ=variants per file`).
#[test]
#[ignore]
fn quick_fuzz_long() {
    let per: usize = std::env::var("QUICK_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed = std::env::var("QUICK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ seed);
    let mut base = generated();
    base.extend(examples_and_fixtures());
    base.extend(corpus_inputs());
    let mut respaced_base = respaced(&base, &mut rng);
    respaced_base.extend(base);
    let texts = damaged(&respaced_base, &mut rng, per);
    let read = compare(&texts);
    println!("read {read} of {}", texts.len());
}

/// Files the tree reads without a syntax problem that the reader declines:
/// the first line it declines, by how often (`cargo test … -- --ignored`).
#[test]
#[ignore]
fn show_clean_but_declined() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut base = generated();
    base.truncate(50);
    let texts = damaged(&base, &mut rng, 100);
    let mut lines = std::collections::BTreeMap::<String, usize>::new();
    let (mut clean, mut declined) = (0, 0);
    for text in &texts {
        let full = FileSummary::new(&parse(text), text);
        if !full.syntax.is_empty() {
            continue;
        }
        clean += 1;
        if summary(text).is_some() {
            continue;
        }
        declined += 1;
        let mut prefix = String::new();
        for l in text.split_inclusive('\n') {
            prefix.push_str(l);
            let tree_ok = FileSummary::new(&parse(&prefix), &prefix).syntax.is_empty();
            if tree_ok && summary(&prefix).is_none() {
                *lines.entry(l.trim_end().to_string()).or_default() += 1;
                break;
            }
        }
    }
    println!("clean {clean}, declined {declined}");
    for (l, n) in lines.iter() {
        println!("{n} {l:?}");
    }
}

/// Regions of whole items parse on their own as in the whole file
/// (`syntax::region`, which large open documents are read through): on the
/// examples, fixtures and the grammar's corpus, with `\r\n` and tabs, and
/// damaged (the notation's error recovery stays inside an item).
#[test]
fn regions_parse_as_in_the_whole_file_everywhere() {
    let mut base = examples_and_fixtures();
    base.extend(corpus_inputs());
    base.extend(generated().into_iter().take(20));
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    let mut texts = respaced(&base, &mut rng);
    texts.extend(damaged(&base, &mut rng, 10));
    texts.extend(base);
    let mut regions = 0;
    for t in &texts {
        match crate::syntax::region::differential::check(t) {
            Ok(n) => regions += n,
            Err(e) => panic!("{}", &e[..e.len().min(6000)]),
        }
    }
    assert!(regions > 10_000, "{regions}");
}
