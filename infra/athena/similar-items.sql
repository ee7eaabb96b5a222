-- Similar items for one merchant from a DynamoDB export to S3, for histories too large
-- for one similarity-builder invocation (see the README's "Similar items" section).
-- The same model as shared/core/src/similar/model.rs with its shipped options: customer
-- baskets of their 200 most recent items, recency half-life 365 days, cosine, shrinkage
-- n / (n + 5), top 20 per SKU. Category and best-seller fallbacks are added by the loader
-- that writes the lists back (not in this query).
--
-- Written for Athena (Trino SQL) over an export in DynamoDB JSON; not run in CI, which
-- has no Athena. Replace EXPORT_BUCKET, EXPORT_ID, RESULTS_BUCKET and the merchant id.

CREATE EXTERNAL TABLE IF NOT EXISTS packwise_export (
  Item struct<
    pk: struct<S: string>,
    sk: struct<S: string>,
    customer: struct<S: string>,
    placed_at: struct<S: string>,
    lines: struct<L: array<struct<M: struct<
      sku: struct<S: string>,
      title: struct<S: string>,
      category: struct<S: string>>>>>>
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://EXPORT_BUCKET/AWSDynamoDB/EXPORT_ID/data/';

CREATE TABLE similar_items_teashop
WITH (format = 'JSON', external_location = 's3://RESULTS_BUCKET/similar/teashop/') AS
WITH purchases AS (
  -- One row per history line; history items are the ones with an `O#` sort key.
  SELECT
    e.Item.customer.S AS customer,
    l.M.sku.S AS sku,
    from_iso8601_timestamp(e.Item.placed_at.S) AS placed_at
  FROM packwise_export e
  CROSS JOIN UNNEST(e.Item.lines.L) AS t (l)
  WHERE e.Item.pk.S LIKE 'M#teashop#C#%' AND e.Item.sk.S LIKE 'O#%'
),
newest AS (SELECT max(placed_at) AS at FROM purchases),
baskets AS (
  -- A customer's distinct items, each weighted by its latest purchase, most recent 200.
  SELECT customer, sku, weight
  FROM (
    SELECT
      customer, sku,
      pow(0.5, date_diff('second', max(placed_at), (SELECT at FROM newest)) / (365.0 * 86400)) AS weight,
      row_number() OVER (PARTITION BY customer ORDER BY max(placed_at) DESC, sku) AS recent
    FROM purchases
    GROUP BY customer, sku
  )
  WHERE recent <= 200
),
norms AS (
  SELECT sku, sqrt(sum(weight * weight)) AS norm FROM baskets GROUP BY sku
),
pairs AS (
  SELECT a.sku, b.sku AS neighbour, sum(a.weight * b.weight) AS dot, count(*) AS together
  FROM baskets a
  JOIN baskets b ON a.customer = b.customer AND a.sku <> b.sku
  GROUP BY a.sku, b.sku
),
scored AS (
  SELECT
    p.sku, p.neighbour,
    p.dot / (na.norm * nb.norm) * p.together / (p.together + 5.0) AS score
  FROM pairs p
  JOIN norms na ON na.sku = p.sku
  JOIN norms nb ON nb.sku = p.neighbour
)
SELECT sku, neighbour, score, rank
FROM (
  SELECT sku, neighbour, score,
         row_number() OVER (PARTITION BY sku ORDER BY score DESC, neighbour) AS rank
  FROM scored
)
WHERE rank <= 20;
