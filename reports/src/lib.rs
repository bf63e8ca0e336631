//! Charts, documents and exchange files for leadership and other tools.
//!
//! The crate is pure: it takes plain structs and returns bytes or text, with no database and no
//! HTTP, so every output is deterministic and testable on its own. Today it holds the ArchiMate
//! exchange export; charts and the consolidated PDF come with the reporting issue.

pub mod archimate;
