//! Merchant configuration: settings, campaigns, inserts and their stock per centre.

use std::collections::BTreeMap;

use packwise_core::ports::{ConfigStore, Expect, StoreError, StoreResult};
use packwise_core::{Campaign, Insert, MerchantSettings};
use rusqlite::{OptionalExtension, params};

use crate::codec::{decode, decode_rows, encode, to_sql_int};
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
                "SELECT doc FROM settings WHERE merchant = ?1",
                [merchant],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map_err(sql)?
            .map(|doc| decode(&doc, || format!("settings of {merchant}")))
            .transpose()
        })
    }

    async fn put_settings(&self, settings: &MerchantSettings) -> StoreResult<()> {
        let merchant = &settings.merchant;
        let doc = encode(settings, || format!("settings of {merchant}"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (merchant, doc) VALUES (?1, ?2)
                 ON CONFLICT (merchant) DO UPDATE SET doc = excluded.doc",
                params![merchant, doc],
            )
            .map_err(sql)?;
            Ok(())
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

    async fn inserts(&self, merchant: &str) -> StoreResult<Vec<Insert>> {
        self.read(|tx| {
            let mut stmt = tx
                .prepare_cached("SELECT sku, doc FROM inserts WHERE merchant = ?1 ORDER BY sku")
                .map_err(sql)?;
            let rows = stmt
                .query_map([merchant], |row| {
                    Ok((row.get::<_, String>(0)?, row.get(1)?))
                })
                .map_err(sql)?;
            let mut inserts = BTreeMap::new();
            for row in rows {
                let (sku, doc): (String, String) = row.map_err(sql)?;
                let insert: Insert = decode(&doc, || format!("insert {merchant}/{sku}"))?;
                inserts.insert(sku, insert);
            }
            let mut stmt = tx
                .prepare_cached("SELECT sku, centre, units FROM insert_stock WHERE merchant = ?1")
                .map_err(sql)?;
            let rows = stmt
                .query_map([merchant], |row| {
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
        })
    }

    async fn put_insert(&self, merchant: &str, insert: &Insert) -> StoreResult<()> {
        let sku = &insert.sku;
        // Stock lives only in its own table, where commits decrement it; a copy in the
        // document would go stale with the first parcel.
        let definition = Insert {
            stock: BTreeMap::new(),
            ..insert.clone()
        };
        let doc = encode(&definition, || format!("insert {merchant}/{sku}"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO inserts (merchant, sku, doc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (merchant, sku) DO UPDATE SET doc = excluded.doc",
                params![merchant, sku, doc],
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
            Ok(())
        })
    }
}
