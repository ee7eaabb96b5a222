//! What a DynamoDB failure means to the processor: retry later, or give up on the record.

use std::fmt::Debug;

use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use packwise_core::ports::StoreError;

/// Any failed call. Throttling, 5xx, timeouts and lost connections clear up on their own
/// (the SDK has already retried them); a missing table or a refused request is a
/// deployment or coding fault that does not, but the dead-letter queue bounds how often an
/// order is retried, so every one is reported as retryable, with the service's code.
pub(crate) fn unavailable<E, R>(operation: &str, e: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: Debug,
{
    let code = e.code().unwrap_or("no service code").to_string();
    let message = format!(
        "DynamoDB {operation} failed ({code}): {}",
        DisplayErrorContext(&e)
    );
    tracing::warn!(operation, code, "{message}");
    StoreError::Unavailable(message)
}

/// A request this adapter builds lacks a required field: a coding fault, not data.
pub(crate) fn unbuilt(e: BuildError) -> StoreError {
    StoreError::Unavailable(format!("DynamoDB request could not be built: {e}"))
}

pub(crate) fn corrupt(key: impl Into<String>, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        key: key.into(),
        reason: reason.to_string(),
    }
}
