//! DynamoDB and S3 adapters of the storage ports.
