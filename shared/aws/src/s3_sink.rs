//! Instructions (and later slips) as S3 objects, under the same keys as on disk.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use packwise_core::ports::{ObjectSink, StoreError, StoreResult};

/// Writes objects with their content type and server-side encryption. The processor
/// writes only after the order's commit, and a retry writes the stored bytes again, so
/// a plain overwrite is the idempotent write: no conditional put is needed.
#[derive(Clone, Debug)]
pub struct S3Sink {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Sink {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        S3Sink {
            client,
            bucket: bucket.into(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

impl ObjectSink for S3Sink {
    async fn put(&self, key: &str, content_type: &str, bytes: &[u8]) -> StoreResult<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map_err(|e| put_failed(&self.bucket, key, e))?;
        Ok(())
    }
}

/// A bucket that does not exist cannot appear by retrying; anything else (throttling,
/// 5xx, a dropped connection, even denied access while a deployment settles) is
/// retried, and after the queue's redrive limit the order lands in the dead-letter
/// queue with this reason.
fn put_failed<E: ProvideErrorMetadata, R>(
    bucket: &str,
    key: &str,
    e: SdkError<E, R>,
) -> StoreError {
    let code = e.code().unwrap_or("").to_string();
    let reason = match e.message() {
        Some(m) => format!("{code}: {m}"),
        None if !code.is_empty() => code.clone(),
        None => describe(&e),
    };
    if code == "NoSuchBucket" {
        return StoreError::NotFound(format!("bucket {bucket}"));
    }
    StoreError::Unavailable(format!("writing s3://{bucket}/{key}: {reason}"))
}

fn describe<E, R>(e: &SdkError<E, R>) -> String {
    match e {
        SdkError::TimeoutError(_) => "timed out".into(),
        SdkError::DispatchFailure(_) => "could not connect".into(),
        SdkError::ResponseError(_) => "unreadable response".into(),
        SdkError::ConstructionFailure(_) => "request could not be built".into(),
        _ => "service error".into(),
    }
}
