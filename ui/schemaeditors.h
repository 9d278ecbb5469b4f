#pragma once

#include "fieldeditor.h"

#include "core/schema/resourceschema.h"

namespace refetch {

// Editors typed by what the server says about a field (FieldSchema) rather than by the value it happens to hold:
// a combo box for choices, a number box for integers and numbers, a date or date-time editor for those formats
// (also for a null date), a check box for booleans, read-only for fields the server sets, and, for a nullable
// field, an explicit "null" switch beside the editor. A field the server does not describe gets FieldEditor's
// choice by value, as before.
namespace SchemaEditors {

// The kind of editor for `field` now holding `value`.
FieldEditor::Kind kindFor(const FieldSchema &field, const Json &value);
// An editor of `kind` for `field` (its choices, its null switch).
FieldEditor *create(const FieldSchema &field, FieldEditor::Kind kind, QWidget *parent);
// `editor` with a "null" switch beside it when `field` is nullable (null: undescribed, no switch).
FieldEditor *withNull(const FieldSchema *field, FieldEditor *editor, QWidget *parent);
// What a create form starts with: the server's default, else null for a nullable field, else a blank of its type
// (empty text, 0, false, today for a date, the first choice of a required enum). Undefined: leave it out.
Json startValue(const FieldSchema &field);
// The label a form shows: the server's label, else the field's name.
QString labelOf(const FieldSchema &field);

} // namespace SchemaEditors

} // namespace refetch
