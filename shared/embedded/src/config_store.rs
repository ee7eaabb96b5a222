//! Merchant configuration: settings, campaigns, inserts and their stock per centre.

use std::collections::BTreeMap;

use packwise_core::insert::StockChange;
use packwise_core::ports::{ConfigStore, Expect, StoreError, StoreResult};
use packwise_core::{Campaign, Insert, MerchantSettings};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::codec::{count, decode, decode_rows, encode, to_sql_int};
use crate::sql_error::sql;
use crate::store::SqliteStore;

// The rusqlite calls below run inline in the async fns: they are local, take well under a
// millisecond, and the single connection serializes them anyway, so handing them to a
// blocking pool would add a thread hop per call and buy nothing. The one wait that can be
// long, another process holding the write lock, is bounded by the busy timeout.
impl ConfigStore for SqliteStore {
    async fn settings(&self, merchant: &str) -> StoreResult<Option<MerchantSettings>> {
        self.read(|tx| {
            tx.query_row(
                "SELECT version, doc FROM settings WHERE merchant = ?1",
                [merchant],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(sql)?
            .map(|(version, doc)| {
                let key = || format!("settings of {merchant}");
                let mut settings: MerchantSettings = decode(&doc, key)?;
                settings.version = count(version, key)?;
                Ok(settings)
            })
            .transpose()
        })
    }

    async fn put_settings(&self, settings: &MerchantSettings, expect: Expect) -> StoreResult<u64> {
        let merchant = &settings.merchant;
        // The version lives only in its column, as an insert's does.
        let doc = encode(
            &MerchantSettings {
                version: 0,
                ..settings.clone()
            },
            || format!("settings of {merchant}"),
        )?;
        self.write(|tx| {
            let stored = stored_version(
                tx,
                "SELECT version FROM settings WHERE merchant = ?1",
                [merchant],
                || format!("settings of {merchant}"),
            )?;
            let version = next_version(stored, expect, || format!("settings of {merchant}"))?;
            tx.execute(
                "INSERT INTO settings (merchant, version, doc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (merchant) DO UPDATE SET version = excluded.version, doc = excluded.doc",
                params![merchant, to_sql_int(version), doc],
            )
            .map_err(sql)?;
            Ok(version)
        })
    }

    async fn merchants(&self) -> StoreResult<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx
                .prepare_cached("SELECT merchant FROM settings ORDER BY merchant")
                .map_err(sql)?;
            let rows = stmt.query_map([], |row| row.get(0)).map_err(sql)?;
            rows.collect::<Result<_, _>>().map_err(sql)
        })
    }

    async fn campaigns(&self, merchant: &str) -> StoreResult<Vec<Campaign>> {
        self.read(|tx| {
            decode_rows(
                tx,
                "SELECT id, doc FROM campaigns WHERE merchant = ?1 ORDER BY id",
                [merchant],
                |id| format!("campaign {merchant}/{id}"),
            )
        })
    }

    async fn put_campaign(
        &self,
        merchant: &str,
        campaign: &Campaign,
        expect: Expect,
    ) -> StoreResult<()> {
        let id = &campaign.id;
        let doc = encode(campaign, || format!("campaign {merchant}/{id}"))?;
        let version = to_sql_int(campaign.version);
        self.write(|tx| {
            let written = match expect {
                Expect::Any => tx.execute(
                    "INSERT INTO campaigns (merchant, id, version, doc) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (merchant, id)
                     DO UPDATE SET version = excluded.version, doc = excluded.doc",
                    params![merchant, id, version, doc],
                ),
                Expect::Absent => tx.execute(
                    "INSERT INTO campaigns (merchant, id, version, doc) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (merchant, id) DO NOTHING",
                    params![merchant, id, version, doc],
                ),
                Expect::Version(expected) => tx.execute(
                    "UPDATE campaigns SET version = ?3, doc = ?4
                     WHERE merchant = ?1 AND id = ?2 AND version = ?5",
                    params![merchant, id, version, doc, to_sql_int(expected)],
                ),
            }
            .map_err(sql)?;
            if written == 0 {
                return Err(StoreError::VersionConflict {
                    what: format!("campaign {id}"),
                    expected: match expect {
                        Expect::Version(v) => Some(v),
                        Expect::Absent | Expect::Any => None,
                    },
                });
            }
            Ok(())
        })
    }

    async fn delete_campaign(&self, merchant: &str, id: &str, version: u64) -> StoreResult<()> {
        self.write(|tx| {
            let deleted = tx
                .execute(
                    "DELETE FROM campaigns WHERE merchant = ?1 AND id = ?2 AND version = ?3",
                    params![merchant, id, to_sql_int(version)],
                )
                .map_err(sql)?;
            if deleted == 0 {
                return Err(StoreError::VersionConflict {
                    what: format!("campaign {id}"),
                    expected: Some(version),
                });
            }
            Ok(())
        })
    }

    async fn delete_insert(
        &self,
        merchant: &str,
        sku: &str,
        if_version: Option<u64>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            current_insert_version(tx, merchant, sku, if_version)?;
            // The stock rows go with it (foreign key, ON DELETE CASCADE).
            tx.execute(
                "DELETE FROM inserts WHERE merchant = ?1 AND sku = ?2",
                [merchant, sku],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    async fn inserts(&self, merchant: &str) -> StoreResult<Vec<Insert>> {
        self.read(|tx| read_inserts(tx, merchant, None))
    }

    async fn put_insert(
        &self,
        merchant: &str,
        insert: &Insert,
        expect: Expect,
    ) -> StoreResult<u64> {
        let sku = &insert.sku;
        // Stock and version live only in their columns, where commits change them; copies
        // in the document would go stale with the first parcel.
        let definition = Insert {
            stock: BTreeMap::new(),
            version: 0,
            ..insert.clone()
        };
        let doc = encode(&definition, || format!("insert {merchant}/{sku}"))?;
        self.write(|tx| {
            let stored = insert_version(tx, merchant, sku)?;
            let version = next_version(stored, expect, || format!("insert {sku}"))?;
            tx.execute(
                "INSERT INTO inserts (merchant, sku, version, doc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (merchant, sku) DO UPDATE SET version = excluded.version, doc = excluded.doc",
                params![merchant, sku, to_sql_int(version), doc],
            )
            .map_err(sql)?;
            tx.execute(
                "DELETE FROM insert_stock WHERE merchant = ?1 AND sku = ?2",
                params![merchant, sku],
            )
            .map_err(sql)?;
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO insert_stock (merchant, sku, centre, units) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sql)?;
            for (centre, units) in &insert.stock {
                stmt.execute(params![merchant, sku, centre, units])
                    .map_err(sql)?;
            }
            Ok(version)
        })
    }

    async fn adjust_stock(
        &self,
        merchant: &str,
        sku: &str,
        centre: &str,
        change: StockChange,
        if_version: Option<u64>,
    ) -> StoreResult<Insert> {
        // Read, checked and written in one write transaction: nothing can change the
        // stock between the check and the write.
        self.write(|tx| {
            current_insert_version(tx, merchant, sku, if_version)?;
            let on_hand: i64 = tx
                .query_row(
                    "SELECT units FROM insert_stock WHERE merchant = ?1 AND sku = ?2 AND centre = ?3",
                    [merchant, sku, centre],
                    |row| row.get(0),
                )
                .optional()
                .map_err(sql)?
                .unwrap_or(0);
            let units = change
                .apply(on_hand)
                .ok_or_else(|| StoreError::StockOutOfRange {
                    sku: sku.to_string(),
                    centre: centre.to_string(),
                    on_hand,
                    change,
                })?;
            tx.execute(
                "INSERT INTO insert_stock (merchant, sku, centre, units) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (merchant, sku, centre) DO UPDATE SET units = excluded.units",
                params![merchant, sku, centre, units],
            )
            .map_err(sql)?;
            tx.execute(
                "UPDATE inserts SET version = version + 1 WHERE merchant = ?1 AND sku = ?2",
                [merchant, sku],
            )
            .map_err(sql)?;
            read_inserts(tx, merchant, Some(sku))?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("insert {sku}")))
        })
    }
}

/// The merchant's inserts, or the one of `sku`, with their versions and stock.
fn read_inserts(
    tx: &Transaction<'_>,
    merchant: &str,
    sku: Option<&str>,
) -> StoreResult<Vec<Insert>> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT sku, version, doc FROM inserts
             WHERE merchant = ?1 AND (?2 IS NULL OR sku = ?2) ORDER BY sku",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map(params![merchant, sku], |row| {
            Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
        })
        .map_err(sql)?;
    let mut inserts = BTreeMap::new();
    for row in rows {
        let (sku, version, doc): (String, i64, String) = row.map_err(sql)?;
        let key = || format!("insert {merchant}/{sku}");
        let mut insert: Insert = decode(&doc, key)?;
        insert.version = count(version, key)?;
        inserts.insert(sku, insert);
    }
    let mut stmt = tx
        .prepare_cached(
            "SELECT sku, centre, units FROM insert_stock
             WHERE merchant = ?1 AND (?2 IS NULL OR sku = ?2)",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map(params![merchant, sku], |row| {
            Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
        })
        .map_err(sql)?;
    for row in rows {
        let (sku, centre, units): (String, String, i64) = row.map_err(sql)?;
        if let Some(insert) = inserts.get_mut(&sku) {
            insert.stock.insert(centre, units);
        }
    }
    Ok(inserts.into_values().collect())
}

/// The version of a record, `None` when there is none, read by `query` inside the write
/// transaction that replaces it, so nothing can change it in between.
/// The stored version of an insert, `None` when there is no such insert.
fn insert_version(tx: &Transaction<'_>, merchant: &str, sku: &str) -> StoreResult<Option<u64>> {
    stored_version(
        tx,
        "SELECT version FROM inserts WHERE merchant = ?1 AND sku = ?2",
        [merchant, sku],
        || format!("insert {merchant}/{sku}"),
    )
}

/// The version of an insert a change needs to exist (`NotFound` otherwise) and, when
/// the caller names one, to be at `if_version` (`VersionConflict` otherwise).
fn current_insert_version(
    tx: &Transaction<'_>,
    merchant: &str,
    sku: &str,
    if_version: Option<u64>,
) -> StoreResult<u64> {
    let version = insert_version(tx, merchant, sku)?
        .ok_or_else(|| StoreError::NotFound(format!("insert {sku}")))?;
    if let Some(expected) = if_version.filter(|v| *v != version) {
        return Err(StoreError::VersionConflict {
            what: format!("insert {sku}"),
            expected: Some(expected),
        });
    }
    Ok(version)
}

fn stored_version(
    tx: &Transaction<'_>,
    query: &str,
    key: impl rusqlite::Params,
    name: impl FnOnce() -> String,
) -> StoreResult<Option<u64>> {
    let version: Option<i64> = tx
        .query_row(query, key, |row| row.get(0))
        .optional()
        .map_err(sql)?;
    version.map(|v| count(v, name)).transpose()
}

/// The version to write over `stored`, if it is as `expect`ed.
fn next_version(
    stored: Option<u64>,
    expect: Expect,
    what: impl FnOnce() -> String,
) -> StoreResult<u64> {
    let holds = match expect {
        Expect::Any => true,
        Expect::Absent => stored.is_none(),
        Expect::Version(v) => stored == Some(v),
    };
    if !holds {
        return Err(StoreError::VersionConflict {
            what: what(),
            expected: match expect {
                Expect::Version(v) => Some(v),
                Expect::Absent | Expect::Any => None,
            },
        });
    }
    Ok(stored.map_or(1, |v| v + 1))
}
