//! Go to definition.

use super::{id_at, FileRange};
use crate::analysis::{FileId, Snapshot};

/// The definitions of the ID under the cursor (a reference `@id` or a
/// definition's own ID): the ID range of each, in workspace order. More
/// than one for a duplicate ID; none for an undefined reference or when the
/// cursor is on no ID. On a definition, its own ID is among the results.
pub fn goto_definition(snap: &Snapshot, file: FileId, offset: usize) -> Vec<FileRange> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let Some(target) = id_at(data, offset) else {
        return Vec::new();
    };
    definitions_of(snap, &target.id)
}

/// Every definition of an ID, as ID ranges.
pub fn definitions_of(snap: &Snapshot, id: &str) -> Vec<FileRange> {
    snap.definitions(id)
        .into_iter()
        .filter_map(|loc| snap.definition(loc))
        .map(|(f, d)| FileRange {
            file: f.id,
            range: d.range.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{parse, render_ranges};
    use super::*;

    #[track_caller]
    fn check_definition(fixture: &str, expect: &str) {
        let f = parse(fixture);
        let found = goto_definition(&f.snap, f.file, f.offset);
        assert_eq!(render_ranges(&f.snap, &found), expect);
    }

    const WS: &str = r#"
//- /actors.chron
actor macron "Emmanuel Macron"
  role: president of @france
actor france "France"
actor türkiye "Türkiye"
//- /events.chron
2025-11-25 event call: Call with @macron
  who: @macron, @türkiye
"#;

    fn with_cursor(at: &str) -> String {
        // Puts `$0` at the first `|` of `at` inside the events file.
        WS.replace(&at.replace('|', ""), at).replace('|', "$0")
    }

    #[test]
    fn from_reference_in_another_file() {
        check_definition(
            &with_cursor("who: @mac|ron"),
            "/actors.chron:1 actor «macron» \"Emmanuel Macron\"\n",
        );
    }

    #[test]
    fn at_the_at_sign_and_at_both_edges_of_the_id() {
        let expect = "/actors.chron:1 actor «macron» \"Emmanuel Macron\"\n";
        check_definition(&with_cursor("who: |@macron"), expect);
        check_definition(&with_cursor("who: @|macron"), expect);
        check_definition(&with_cursor("who: @macron|,"), expect);
    }

    #[test]
    fn on_a_definition_itself() {
        check_definition(
            "actor fr$0ance \"France\"\nactor x \"X\"\n  role: p of @france\n",
            "/main.chron:1 actor «france» \"France\"\n",
        );
    }

    #[test]
    fn non_ascii_id() {
        check_definition(
            &with_cursor("@tür|kiye"),
            "/actors.chron:4 actor «türkiye» \"Türkiye\"\n",
        );
    }

    #[test]
    fn in_prose_and_in_a_title() {
        check_definition(
            "actor uk \"Britain\"\nProse about @u$0k.\n",
            "/main.chron:1 actor «uk» \"Britain\"\n",
        );
        check_definition(
            &with_cursor("Call with @m|acron"),
            "/actors.chron:1 actor «macron» \"Emmanuel Macron\"\n",
        );
    }

    #[test]
    fn duplicate_ids_give_every_definition() {
        check_definition(
            r#"
//- /a.chron
topic budget "Budget"
//- /b.chron
topic budget "Budget 2026"
2025-11-01 @x claims @bud$0get.size = 3
"#,
            "/a.chron:1 topic «budget» \"Budget\"\n/b.chron:1 topic «budget» \"Budget 2026\"\n",
        );
    }

    #[test]
    fn statement_id_field_is_a_definition() {
        check_definition(
            "2025-11-01 @x said \"Hi.\"\n  id: greeting\n2025-11-02 @y claims @z.p = 1\n  contradicts: @greet$0ing\n",
            "/main.chron:2   id: «greeting»\n",
        );
    }

    #[test]
    fn nothing_to_find() {
        // Undefined reference, plain text, a property, empty file, past the end.
        check_definition("who: @nobody$0\n", "");
        check_definition("actor a \"A$0\"\n", "");
        check_definition("topic t \"T\"\n2025-11-01 @a claims @t.poi$0nts = 1\n", "");
        check_definition("$0", "");
        let f = parse("actor a \"A\"\n");
        assert!(goto_definition(&f.snap, f.file, 999).is_empty());
        assert!(goto_definition(&f.snap, 999, 0).is_empty());
    }

    #[test]
    fn inside_a_multibyte_character_finds_nothing() {
        let f = parse("actor türkiye \"T\"\n");
        // Byte 8 is inside `ü` (bytes 7..9).
        assert!(goto_definition(&f.snap, f.file, 8).is_empty());
        assert_eq!(goto_definition(&f.snap, f.file, 7).len(), 1);
    }
}
