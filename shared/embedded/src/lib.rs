//! Embedded adapters (SQLite store, file sink).
