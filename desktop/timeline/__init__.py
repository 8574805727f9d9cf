"""The Qt-free editorial core: the data model, edits with undo, invariants, OTIO files.

Modules: `model` (values), `changes` + `history` (undo), `edits`, `trims`, `organize` (the edit
functions; `edit_support` holds their shared checks), `invariants` (the rules), `otio_io` +
`otio_mapping` (load and save). Import the one you need; this package imports nothing itself.
"""
