//! What the Lambda functions do with their events, over any store.
