; Scopes, definitions and references. IDs are unique across the whole
; workspace, so a document is the only scope; the language server resolves
; references across files.

(document) @local.scope

(actor
  name: (identifier) @local.definition)
(source
  name: (identifier) @local.definition)
(topic
  name: (identifier) @local.definition)
(event
  name: (identifier) @local.definition)

(reference
  id: (identifier) @local.reference)
