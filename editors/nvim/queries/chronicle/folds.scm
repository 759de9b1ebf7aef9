; Folding: a section runs to the next heading; an entry folds over its field
; lines (an entry without fields is one line and does not fold).

(section) @fold

(actor
  field: (field)) @fold
(source
  field: (field)) @fold
(topic
  field: (field)) @fold
(event
  field: (field)) @fold
(statement
  field: (field)) @fold
(claim
  field: (field)) @fold
