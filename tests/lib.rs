//! Integration test support crate.
