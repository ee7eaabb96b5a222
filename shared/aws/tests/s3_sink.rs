//! The S3 sink against a real S3 API on loopback.

use packwise_aws::testing::local_aws;
use packwise_aws::{RequestCounter, S3Sink};
use packwise_core::ports::{ObjectSink, StoreError};

#[tokio::test]
async fn writes_the_bytes_with_content_type_and_encryption_and_rewrites_them_the_same() {
    let aws = local_aws();
    let counter = RequestCounter::new();
    let clients = aws.clients(&counter);
    let bucket = aws.bucket().await;
    let sink = S3Sink::new(clients.s3.clone(), &bucket);
    let key = "pickpack/teashop/BER1/2026-03-10/A-1.json";
    let body = br#"{"schema":"packwise.pickpack/v1"}"#;

    sink.put(key, "application/json", body).await.unwrap();
    // A retry after a failed write (or a redelivered order) writes the same bytes again.
    sink.put(key, "application/json", body).await.unwrap();

    let object = clients
        .s3
        .get_object()
        .bucket(&bucket)
        .key(key)
        .send()
        .await
        .unwrap();
    assert_eq!(object.content_type(), Some("application/json"));
    assert_eq!(
        object.server_side_encryption().map(|s| s.as_str()),
        Some("AES256")
    );
    let bytes = object.body.collect().await.unwrap().into_bytes();
    assert_eq!(&bytes[..], &body[..]);
    assert_eq!(counter.count("PutObject"), 2);
    assert_eq!(counter.count("GetObject"), 1);
}

#[tokio::test]
async fn a_missing_bucket_is_not_found_and_not_retried_forever() {
    let aws = local_aws();
    let sink = S3Sink::new(aws.s3().await, "packwise-no-such-bucket");
    let err = sink
        .put("pickpack/x.json", "application/json", b"{}")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::NotFound("bucket packwise-no-such-bucket".into())
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_unreachable_endpoint_is_retryable() {
    let sdk = aws_config_for("http://127.0.0.1:9");
    let clients = packwise_aws::Clients::from_sdk_config(&sdk, true, &RequestCounter::new());
    let err = S3Sink::new(clients.s3, "b")
        .put("k", "application/json", b"{}")
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err}");
}

fn aws_config_for(endpoint: &str) -> aws_config::SdkConfig {
    let mut config = local_aws().sdk_config().into_builder();
    config.set_endpoint_url(Some(endpoint.to_string()));
    config.build()
}
