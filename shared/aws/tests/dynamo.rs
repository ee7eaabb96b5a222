//! What the contract cannot see: round trips counted per operation, the budget shards,
//! the transaction token, corrupt items and the history shards.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use packwise_contract::samples::{self, CENTRE};
use packwise_core::insert::StockChange;
use packwise_core::ports::{CommitOutcome, ConfigStore, Expect, ISSUED, OrderStore, StoreError};

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_string())
}

async fn raw_get(
    store: &DynamoStore,
    pk: &str,
    sk: &str,
) -> Option<BTreeMap<String, AttributeValue>> {
    let out = raw_client()
        .get_item()
        .table_name(store.table())
        .key("pk", s(pk))
        .key("sk", s(sk))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.item.map(|i| i.into_iter().collect())
}

/// A client of its own, to read and write items behind the store's back.
fn raw_client() -> aws_sdk_dynamodb::Client {
    packwise_aws::testing::local_aws()
        .clients(&RequestCounter::new())
        .dynamodb
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_orders_is_one_batch_read_and_one_transaction_each() {
    let counter = RequestCounter::new();
    let (store, _table) = packwise_aws::testing::fresh_table(&counter).await;
    store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 5)]),
            Expect::Any,
        )
        .await
        .unwrap();
    store
        .put_similar("acme", &samples::similar("TEA-1", &["MUG"]))
        .await
        .unwrap();
    let orders: Vec<_> = (0..60)
        .map(|i| {
            samples::order(
                "acme",
                &format!("O-{i}"),
                &format!("c-{i}"),
                "2026-03-01T10:00:00Z",
            )
        })
        .collect();
    let budgeted = samples::names(&["welcome", "loyal"]);
    let inserts = samples::names(&["CARD"]);
    let keys: Vec<_> = orders
        .iter()
        .map(|o| samples::keys(o, &budgeted, &inserts))
        .collect();

    counter.reset();
    let contexts = store.load_many(&keys).await.unwrap();
    assert_eq!(contexts.len(), 60);
    assert!(
        contexts
            .iter()
            .all(|c| c.stock["CARD"] == 5 && c.similar.len() == 1)
    );
    // 60 orders x (profile, processed) + the 2 x 4 counter shards, the insert and the
    // similar list they share = 130 distinct keys: two requests of at most 100, sent at
    // once (one round trip of latency).
    assert_eq!(
        counter.snapshot(),
        BTreeMap::from([("DynamoDB.BatchGetItem".to_string(), 2)])
    );

    counter.reset();
    let few: Vec<_> = keys[..8].to_vec();
    store.load_many(&few).await.unwrap();
    assert_eq!(counter.count("BatchGetItem"), 1, "26 keys: one request");
    assert_eq!(counter.total(), 1);

    counter.reset();
    let commits: Vec<_> = orders[..5]
        .iter()
        .map(|o| {
            let mut c = samples::commit(o, None);
            c.counters = vec![samples::bump("welcome", ISSUED, Some(100))];
            c.stock_taken = samples::names(&["CARD"]);
            c
        })
        .collect();
    let outcomes = store.commit_many(&commits).await.unwrap();
    assert!(outcomes.iter().all(|o| *o == CommitOutcome::Committed));
    assert_eq!(
        counter.snapshot(),
        BTreeMap::from([("DynamoDB.TransactWriteItems".to_string(), 5)])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_budget_shard_sends_the_bump_to_the_next_shard_with_room() {
    let counter = RequestCounter::new();
    let (store, _table) = packwise_aws::testing::fresh_table(&counter).await;
    // Budget 10 over four shards: caps 3, 3, 2, 2. Twelve orders that all hash to one
    // shard first fill it, then spill round the ring; the eleventh is refused.
    let start = shard_of("O-0");
    let ids: Vec<String> = (0..200)
        .map(|i| format!("O-{i}"))
        .filter(|id| shard_of(id) == start)
        .take(11)
        .collect();
    let mut transactions = Vec::new();
    let mut outcomes = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let order = samples::order("acme", id, &format!("c-{i}"), "2026-03-01T10:00:00Z");
        let mut commit = samples::commit(&order, None);
        commit.counters = vec![samples::bump("hot", ISSUED, Some(10))];
        counter.reset();
        outcomes.push(store.commit(&commit).await.unwrap());
        transactions.push(counter.count("TransactWriteItems"));
    }
    assert!(
        outcomes[..10]
            .iter()
            .all(|o| *o == CommitOutcome::Committed),
        "{outcomes:?}"
    );
    assert!(matches!(&outcomes[10], CommitOutcome::Conflict(r) if r.contains("hot")));
    let caps: [u64; 4] = [3, 3, 2, 2];
    let mut per_shard = Vec::new();
    for shard in 0..4 {
        let item = raw_get(&store, &format!("M#acme#B#hot#{shard}"), "COUNTER").await;
        let n = item
            .and_then(|i| i.get("count_issued").and_then(|v| v.as_n().ok().cloned()))
            .map_or(0, |n| n.parse::<u64>().unwrap());
        per_shard.push(n);
    }
    assert_eq!(
        per_shard, caps,
        "every shard filled to its cap, none past it"
    );
    assert_eq!(store.counters("acme", "hot").await.unwrap()[ISSUED], 10);
    // The first orders took their own shard in one transaction; later ones paid one
    // more per full shard on the way; the refused one tried every shard once.
    let own_cap = caps[start as usize] as usize;
    assert!(
        transactions[..own_cap].iter().all(|t| *t == 1),
        "{transactions:?}"
    );
    assert_eq!(transactions[10], 4, "{transactions:?}");
}

/// The first counter shard an order's bump tries, as the adapter picks it: FNV-1a of the
/// order id modulo the four shards.
fn shard_of(order_id: &str) -> u32 {
    packwise_core::ports::customer_hash(order_id) % 4
}

/// Records the ClientRequestToken of every TransactWriteItems request.
#[derive(Clone, Debug, Default)]
struct Tokens(Arc<Mutex<Vec<String>>>);

impl Intercept for Tokens {
    fn name(&self) -> &'static str {
        "test.Tokens"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let is_transaction = request
            .headers()
            .get("x-amz-target")
            .is_some_and(|t| t.ends_with(".TransactWriteItems"));
        if let (true, Some(body)) = (is_transaction, request.body().bytes()) {
            let body: serde_json::Value = serde_json::from_slice(body)?;
            let token = body["ClientRequestToken"]
                .as_str()
                .unwrap_or("")
                .to_string();
            self.0.lock().unwrap().push(token);
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_sent_again_carries_the_same_token_and_changes_nothing() {
    let tokens = Tokens::default();
    let config = aws_sdk_dynamodb::config::Builder::from(&local_aws().sdk_config())
        .interceptor(tokens.clone())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let table = unique_name("packwise-test");
    create_table(&client, &table).await.unwrap();
    let _drop = packwise_aws::testing::DropTable::new(&table);
    let store = DynamoStore::new(client, &table);

    let order = samples::order("acme", "O-1", "c1", "2026-03-01T10:00:00Z");
    let mut commit = samples::commit(&order, None);
    commit.counters = vec![samples::bump("welcome", ISSUED, Some(5))];
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
    // What an SDK retry of a request that did land looks like: the same transaction.
    // DynamoDB answers it as a success from the token; moto ignores tokens and the
    // processed record's condition answers instead. Either way, nothing happens twice.
    let again = store.commit(&commit).await.unwrap();
    assert!(
        matches!(&again, CommitOutcome::Committed)
            || again == CommitOutcome::AlreadyProcessed(commit.processed.clone()),
        "{again:?}"
    );
    assert_eq!(store.counters("acme", "welcome").await.unwrap()[ISSUED], 1);

    let other = samples::order("acme", "O-2", "c2", "2026-03-01T10:00:00Z");
    store.commit(&samples::commit(&other, None)).await.unwrap();
    let tokens = tokens.0.lock().unwrap().clone();
    assert_eq!(tokens.len(), 3);
    assert!(
        tokens.iter().all(|t| !t.is_empty() && t.len() <= 36),
        "{tokens:?}"
    );
    assert_eq!(tokens[0], tokens[1], "the same transaction, the same token");
    assert_ne!(tokens[0], tokens[2], "another order, another token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_item_is_corrupt_and_named_by_its_key() {
    let (store, _table) = packwise_aws::testing::fresh_table(&RequestCounter::new()).await;
    let client = raw_client();
    let put = |pk: &str, sk: &str, name: &str, value: AttributeValue| {
        client
            .put_item()
            .table_name(store.table())
            .item("pk", s(pk))
            .item("sk", s(sk))
            .item(name, value)
    };
    put("M#acme#C#c1", "PROFILE", "orders_count", s("many"))
        .send()
        .await
        .unwrap();
    put("M#acme#B#capped#0", "COUNTER", "count_issued", s("ten"))
        .send()
        .await
        .unwrap();

    let err = store.profile("acme", "c1").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { key, .. } if key.contains("M#acme#C#c1")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    let order = samples::order("acme", "O-1", "c1", "2026-03-01T10:00:00Z");
    let err = store
        .load(&samples::keys(&order, &[], &[]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let err = store.counters("acme", "capped").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { key, .. } if key.contains("M#acme#B#capped#0")),
        "{err:?}"
    );
    assert_eq!(store.profile("acme", "c2").await.unwrap(), None);
}

/// Settings and inserts written before they had versions hold no `version` attribute:
/// they read as version 0, a write expecting 0 finds them, and the parcel that takes an
/// insert starts its count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_without_a_version_read_as_version_0_and_count_on_from_there() {
    let (store, _table) = packwise_aws::testing::fresh_table(&RequestCounter::new()).await;
    let settings = samples::settings("acme");
    store.put_settings(&settings, Expect::Any).await.unwrap();
    for sku in ["CARD", "GUIDE"] {
        store
            .put_insert("acme", &samples::insert(sku, &[(CENTRE, 5)]), Expect::Any)
            .await
            .unwrap();
    }
    for sk in ["SETTINGS", "INSERT#CARD", "INSERT#GUIDE"] {
        raw_client()
            .update_item()
            .table_name(store.table())
            .key("pk", s("M#acme"))
            .key("sk", s(sk))
            .update_expression("REMOVE version")
            .send()
            .await
            .unwrap();
        assert!(
            !raw_get(&store, "M#acme", sk)
                .await
                .unwrap()
                .contains_key("version")
        );
    }
    assert_eq!(store.settings("acme").await.unwrap().unwrap().version, 0);
    assert!(
        store
            .inserts("acme")
            .await
            .unwrap()
            .iter()
            .all(|i| i.version == 0)
    );

    let order = samples::order("acme", "O-1", "c1", "2026-03-01T10:00:00Z");
    let mut commit = samples::commit(&order, None);
    commit.stock_taken = samples::names(&["CARD"]);
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
    let card = raw_get(&store, "M#acme", "INSERT#CARD").await.unwrap();
    assert_eq!(card["version"], AttributeValue::N("1".into()));

    assert_eq!(
        store
            .put_settings(&settings, Expect::Version(0))
            .await
            .unwrap(),
        1
    );
    let guide = samples::insert("GUIDE", &[(CENTRE, 9)]);
    let err = store
        .put_insert("acme", &guide, Expect::Version(1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict { .. }), "{err:?}");
    assert_eq!(
        store
            .put_insert("acme", &guide, Expect::Version(0))
            .await
            .unwrap(),
        1
    );
}

/// A conditional write of an insert and a stock change, applied or refused, are one
/// UpdateItem each: a refusal's reason comes back with it, not from a second read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stock_change_is_one_update_whether_applied_or_refused() {
    let counter = RequestCounter::new();
    let (store, _table) = packwise_aws::testing::fresh_table(&counter).await;
    let card = samples::insert("CARD", &[(CENTRE, 5)]);
    let one_update = |what: &str| {
        assert_eq!(
            counter.snapshot(),
            BTreeMap::from([("DynamoDB.UpdateItem".to_string(), 1)]),
            "{what}"
        );
        counter.reset();
    };
    counter.reset();
    store
        .put_insert("acme", &card, Expect::Absent)
        .await
        .unwrap();
    one_update("a new insert");
    store
        .put_insert("acme", &card, Expect::Version(1))
        .await
        .unwrap();
    one_update("a conditional replace");
    let changed = store
        .adjust_stock("acme", "CARD", CENTRE, StockChange::By(-2), Some(2))
        .await
        .unwrap();
    assert_eq!((changed.stock[CENTRE], changed.version), (3, 3));
    one_update("a change");
    let err = store
        .adjust_stock("acme", "CARD", CENTRE, StockChange::By(-4), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::StockOutOfRange { on_hand: 3, .. }),
        "{err:?}"
    );
    one_update("a change refused for the stock");
    let err = store
        .adjust_stock("acme", "CARD", CENTRE, StockChange::By(1), Some(2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict { .. }), "{err:?}");
    one_update("a change refused for the version");
    let err = store
        .adjust_stock("acme", "NONE", CENTRE, StockChange::To(1), None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    one_update("a change of no insert");
    assert!(raw_get(&store, "M#acme", "INSERT#NONE").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_segments_read_one_history_shard_each() {
    let counter = RequestCounter::new();
    let (store, _table) = packwise_aws::testing::fresh_table(&counter).await;
    let store = store.with_history_page_size(3);
    let mut expected = BTreeSet::new();
    for c in 0..80 {
        let customer = format!("cust-{c}");
        for n in 0..2 {
            let id = format!("O-{c}-{n}");
            let order = samples::order(
                "acme",
                &id,
                &customer,
                &format!("2025-0{}-01T10:00:00Z", n + 1),
            );
            store.import_history(&order).await.unwrap();
            expected.insert((customer.clone(), id));
        }
    }
    let mut seen = BTreeSet::new();
    for segment in 0..16 {
        let mut cursor = None;
        loop {
            let page = store
                .history_page("acme", segment, 16, None, cursor.as_deref())
                .await
                .unwrap();
            assert!(page.orders.len() <= 3);
            for o in page.orders {
                assert_eq!(
                    packwise_core::ports::customer_hash(&o.customer) % 16,
                    segment
                );
                assert!(seen.insert((o.customer, o.order.order_id)), "read twice");
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    assert_eq!(seen, expected);
    // A cursor of one segment is refused by another.
    let first = store.history_page("acme", 0, 2, None, None).await.unwrap();
    if let Some(next) = first.next {
        let err = store
            .history_page("acme", 1, 2, None, Some(&next))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_writes_similar_items_25_to_a_request() {
    let counter = RequestCounter::new();
    let (store, _table) = packwise_aws::testing::fresh_table(&counter).await;
    let mut lists: Vec<_> = (0..60)
        .map(|i| samples::similar(&format!("SKU-{i}"), &["MUG", "HONEY"]))
        .collect();
    lists.push(samples::similar("SKU-0", &["SPOON"]));
    store.put_similar_many("acme", &lists).await.unwrap();
    assert_eq!(
        counter.snapshot(),
        BTreeMap::from([("DynamoDB.BatchWriteItem".to_string(), 3)])
    );
    let mut order = samples::order("acme", "O-1", "c1", "2026-03-01T10:00:00Z");
    order.lines = vec![
        samples::line("SKU-0", "misc"),
        samples::line("SKU-59", "misc"),
    ];
    let ctx = store.load(&samples::keys(&order, &[], &[])).await.unwrap();
    assert_eq!(
        ctx.similar,
        vec![samples::similar("SKU-0", &["SPOON"]), lists[59].clone()]
    );
}

/// An endpoint that answers every request with `status` and a DynamoDB error of `kind`.
fn answering(status: u16, kind: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let body = format!(
                r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{kind}","message":"{kind}"}}"#
            );
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.0\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    endpoint
}

/// A store whose client talks to `endpoint`, retrying twice at most.
fn store_at(endpoint: String) -> DynamoStore {
    let config = aws_sdk_dynamodb::config::Builder::from(&local_aws().sdk_config())
        .endpoint_url(endpoint)
        .retry_config(
            aws_sdk_dynamodb::config::retry::RetryConfig::standard()
                .with_max_attempts(2)
                .with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build();
    DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), "any")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_server_errors_and_lost_connections_are_unavailable_and_retryable() {
    // A port nothing listens on: every request fails to connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let endpoints = [
        nobody,
        answering(500, "InternalServerError"),
        answering(503, "ServiceUnavailable"),
        answering(400, "ThrottlingException"),
        answering(400, "ProvisionedThroughputExceededException"),
    ];
    let order = samples::order("acme", "O-1", "c1", "2026-03-01T10:00:00Z");
    for endpoint in endpoints {
        let store = store_at(endpoint.clone());
        let load = store
            .load(&samples::keys(&order, &[], &[]))
            .await
            .unwrap_err();
        let commit = store
            .commit(&samples::commit(&order, None))
            .await
            .unwrap_err();
        let settings = store.settings("acme").await.unwrap_err();
        for err in [load, commit, settings] {
            assert!(
                matches!(err, StoreError::Unavailable(_)),
                "{endpoint}: {err:?}"
            );
            assert!(err.is_retryable());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_key_is_one_item_under_its_id_listed_on_gsi1_under_its_merchant() {
    use packwise_core::ports::KeyStore;
    let (store, _table) = packwise_aws::testing::fresh_table(&RequestCounter::new()).await;
    let issued =
        packwise_core::api_key::issue("acme", None, [7; 32], samples::at("2026-03-04T05:06:07Z"));
    let key = &issued.key;
    store.put_api_key(key).await.unwrap();

    let pk = format!("APIKEY#{}", key.id);
    let item = raw_get(&store, &pk, "APIKEY")
        .await
        .expect("the key's item");
    assert_eq!(item["merchant"], s("acme"));
    assert_eq!(item["secret_sha256"], s(&key.secret_sha256));
    assert_eq!(item["gsi1pk"], s("M#acme#APIKEYS"));
    assert_eq!(
        item["gsi1sk"],
        s(&format!("2026-03-04T05:06:07.000000000Z#{}", key.id))
    );
    // Left out, not NULL: `if_not_exists(revoked_at, …)` would keep a NULL.
    assert!(!item.contains_key("revoked_at"), "{item:?}");
    assert!(!item.contains_key("label"), "{item:?}");
    let (_, secret) = packwise_core::api_key::parse_token(&issued.token).unwrap();
    assert!(
        item.values()
            .all(|v| v.as_s().map_or(true, |t| !t.contains(secret))),
        "the secret itself is never stored"
    );

    let at = samples::at("2026-03-05T00:00:00Z");
    assert!(store.revoke_api_key("acme", &key.id, at).await.unwrap());
    let item = raw_get(&store, &pk, "APIKEY").await.unwrap();
    assert_eq!(
        item["revoked_at"],
        serde_dynamo::to_attribute_value(at).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_api_key_of_another_merchant_is_corrupt_not_shown() {
    use packwise_core::ports::KeyStore;
    let (store, _table) = packwise_aws::testing::fresh_table(&RequestCounter::new()).await;
    let key =
        packwise_core::api_key::issue("globex", None, [9; 32], samples::at("2026-03-04T05:06:07Z"))
            .key;
    store.put_api_key(&key).await.unwrap();
    // An item whose index key says acme but whose merchant is globex: never written by
    // the store, but a listing must not hand another tenant's key out if one appears.
    raw_client()
        .update_item()
        .table_name(store.table())
        .key("pk", s(&format!("APIKEY#{}", key.id)))
        .key("sk", s("APIKEY"))
        .update_expression("SET gsi1pk = :acme")
        .expression_attribute_values(":acme", s("M#acme#APIKEYS"))
        .send()
        .await
        .unwrap();

    let err = store.api_keys("acme").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { key: k, reason } if k.contains(&key.id) && reason.contains("globex")),
        "{err:?}"
    );
}
