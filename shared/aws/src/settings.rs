//! Where the functions find their table and bucket, and the SDK clients they build once
//! per container.

use aws_config::BehaviorVersion;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;

use crate::counting::RequestCounter;

/// Read from the environment the SAM template sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsSettings {
    /// `PACKWISE_TABLE`: the single DynamoDB table.
    pub table: String,
    /// `PACKWISE_BUCKET`: where instructions are written; functions that write no
    /// objects do not need it.
    pub bucket: Option<String>,
    /// `AWS_ENDPOINT_URL`: a local DynamoDB/S3 API server instead of AWS. The SDK reads
    /// it too; it is kept here because S3 then needs path-style addresses.
    pub endpoint_url: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error(
        "environment variable {0} is not set: the SAM template sets it; set it by hand to run outside Lambda"
    )]
    Missing(&'static str),
    #[error("environment variable {name} is empty")]
    Empty { name: &'static str },
}

impl AwsSettings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let optional = |name: &'static str| match get(name) {
            Some(v) if v.trim().is_empty() => Err(SettingsError::Empty { name }),
            other => Ok(other),
        };
        Ok(AwsSettings {
            table: optional("PACKWISE_TABLE")?.ok_or(SettingsError::Missing("PACKWISE_TABLE"))?,
            bucket: optional("PACKWISE_BUCKET")?,
            endpoint_url: optional("AWS_ENDPOINT_URL")?,
        })
    }

    /// The bucket, for functions that write objects.
    pub fn require_bucket(&self) -> Result<&str, SettingsError> {
        self.bucket
            .as_deref()
            .ok_or(SettingsError::Missing("PACKWISE_BUCKET"))
    }
}

/// The SDK clients of one container, built once in the function's init.
#[derive(Clone, Debug)]
pub struct Clients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
}

impl Clients {
    /// Region and credentials from the Lambda environment (the default provider chain);
    /// every request is counted by `counter`.
    pub async fn from_env(settings: &AwsSettings, counter: &RequestCounter) -> Clients {
        let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
        Self::from_sdk_config(&sdk, settings.endpoint_url.is_some(), counter)
    }

    pub fn from_sdk_config(
        sdk: &aws_config::SdkConfig,
        local_endpoint: bool,
        counter: &RequestCounter,
    ) -> Clients {
        Self::from_sdk_config_with(sdk, local_endpoint, counter, &[])
    }

    /// As [`Clients::from_sdk_config`], with `extra` interceptors on both clients after the
    /// counter (tests inject faults this way). The functions pass none.
    pub fn from_sdk_config_with(
        sdk: &aws_config::SdkConfig,
        local_endpoint: bool,
        counter: &RequestCounter,
        extra: &[SharedInterceptor],
    ) -> Clients {
        let mut dynamodb = aws_sdk_dynamodb::config::Builder::from(sdk);
        dynamodb.push_interceptor(SharedInterceptor::new(counter.clone()));
        let mut s3 = aws_sdk_s3::config::Builder::from(sdk)
            // Local servers answer on one host name; AWS prefers virtual-hosted addresses.
            .force_path_style(local_endpoint);
        s3.push_interceptor(SharedInterceptor::new(counter.clone()));
        for interceptor in extra {
            dynamodb.push_interceptor(interceptor.clone());
            s3.push_interceptor(interceptor.clone());
        }
        let (dynamodb, s3) = (dynamodb.build(), s3.build());
        Clients {
            dynamodb: aws_sdk_dynamodb::Client::from_conf(dynamodb),
            s3: aws_sdk_s3::Client::from_conf(s3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_table_bucket_and_endpoint() {
        let s = AwsSettings::from_lookup(lookup(&[
            ("PACKWISE_TABLE", "packwise-dev"),
            ("PACKWISE_BUCKET", "packwise-dev-out"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]))
        .unwrap();
        assert_eq!(s.table, "packwise-dev");
        assert_eq!(s.require_bucket(), Ok("packwise-dev-out"));
        assert_eq!(s.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn the_table_is_required_and_the_bucket_only_where_objects_are_written() {
        assert_eq!(
            AwsSettings::from_lookup(lookup(&[])),
            Err(SettingsError::Missing("PACKWISE_TABLE"))
        );
        let s = AwsSettings::from_lookup(lookup(&[("PACKWISE_TABLE", "t")])).unwrap();
        assert_eq!(
            s.require_bucket(),
            Err(SettingsError::Missing("PACKWISE_BUCKET"))
        );
        assert_eq!(
            AwsSettings::from_lookup(lookup(&[("PACKWISE_TABLE", " ")])),
            Err(SettingsError::Empty {
                name: "PACKWISE_TABLE"
            })
        );
    }
}
