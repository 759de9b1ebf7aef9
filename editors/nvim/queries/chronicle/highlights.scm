; Syntax highlighting for Chronicle notes.
;
; Capture names are the classic ones that both the tree-sitter CLI and
; Neovim 0.7+ (nvim-treesitter) understand. Each node is captured once.

; Sections and comments
(heading
  marker: (heading_marker) @punctuation.special)
(heading
  title: (inline) @text.title)

(comment) @comment

; Entry keywords and verbs
[
  "actor"
  "source"
  "topic"
  "event"
  "said"
] @keyword

(claim_verb) @keyword

; Definitions: entities are types, events are what happens (functions)
(actor
  name: (identifier) @type)
(source
  name: (identifier) @type)
(topic
  name: (identifier) @type)
(event
  name: (identifier) @function)

; References: `@` sigil and the ID it points to
(reference
  "@" @punctuation.special)
(reference
  id: (identifier) @constant)

; Fields and assertions
(field
  key: (key) @property)
(assertion
  property: (property) @property)

(operator) @operator
(offset
  sign: _ @operator)

[
  ":"
  ","
  "."
  "/"
] @punctuation.delimiter

; Values
(string) @string
(escape_sequence) @string.escape
(number) @number
(duration) @number
(boolean) @boolean

[
  (date)
  (open_end)
  (weekday)
  (time)
  (relative_date)
] @string.special
