//! What a SQLite failure means to the processor: retry later, or give up on the record.

use packwise_core::ports::StoreError;
use rusqlite::ErrorCode;

pub(crate) fn sql(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
            key: "database file".to_string(),
            reason: e.to_string(),
        },
        // Busy and locked mean another writer holds the database: retrying will succeed.
        // Disk full, I/O and open failures may clear up too, and the dead-letter queue
        // bounds how often an order is retried, so they are reported as retryable.
        Some(_) => StoreError::Unavailable(e.to_string()),
        // A value of the wrong type in a column cannot get better by retrying.
        None if matches!(
            e,
            rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
        ) =>
        {
            StoreError::Corrupt {
                key: "database row".to_string(),
                reason: e.to_string(),
            }
        }
        None => StoreError::Unavailable(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn busy_and_locked_are_retryable() {
        for code in [ffi::SQLITE_BUSY, ffi::SQLITE_LOCKED] {
            let e = sql(failure(code));
            assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
            assert!(e.is_retryable());
        }
    }

    #[test]
    fn a_damaged_file_is_not_retryable() {
        let e = sql(failure(ffi::SQLITE_CORRUPT));
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
        assert!(!e.is_retryable());
    }
}
