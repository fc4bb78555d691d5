-- Version 1 of the analytics schema: the seed's five tables plus what DESIGN.md adds.
-- Every statement is idempotent (IF NOT EXISTS) so a half-applied migration can simply run again.
-- Column names of the day tables are core's Metrics names: the aggregator generates its upserts from them.
-- Money: numeric(12,2) for one sale, numeric(16,2) for sums of many sales, rates: numeric(12,2) percent.

CREATE TABLE IF NOT EXISTS listing_analytics (
    listing_id               text          NOT NULL,
    date                     date          NOT NULL,
    week                     text          NOT NULL,
    month                    text          NOT NULL,
    quarter                  text          NOT NULL,
    year                     integer       NOT NULL,
    lister_id                text,
    lister_type              text,
    development_id           text,
    total_views              bigint        NOT NULL DEFAULT 0,
    logged_in_views          bigint        NOT NULL DEFAULT 0,
    anonymous_views          bigint        NOT NULL DEFAULT 0,
    views_from_home          bigint        NOT NULL DEFAULT 0,
    views_from_explore       bigint        NOT NULL DEFAULT 0,
    views_from_search        bigint        NOT NULL DEFAULT 0,
    views_from_direct        bigint        NOT NULL DEFAULT 0,
    feed_impressions         bigint        NOT NULL DEFAULT 0,
    total_impressions        bigint        NOT NULL DEFAULT 0,
    impression_social_media  bigint        NOT NULL DEFAULT 0,
    impression_website_visit bigint        NOT NULL DEFAULT 0,
    impression_share         bigint        NOT NULL DEFAULT 0,
    impression_saved_listing bigint        NOT NULL DEFAULT 0,
    total_leads              bigint        NOT NULL DEFAULT 0,
    phone_leads              bigint        NOT NULL DEFAULT 0,
    message_leads            bigint        NOT NULL DEFAULT 0,
    email_leads              bigint        NOT NULL DEFAULT 0,
    appointment_leads        bigint        NOT NULL DEFAULT 0,
    unique_views             bigint        NOT NULL DEFAULT 0,
    unique_leads             bigint        NOT NULL DEFAULT 0,
    unique_views_hll         bytea,
    unique_leads_hll         bytea,
    total_sales              bigint        NOT NULL DEFAULT 0,
    sales_value              numeric(16,2) NOT NULL DEFAULT 0,
    avg_sale_price           numeric(12,2) NOT NULL DEFAULT 0,
    avg_days_to_sale         numeric(12,2) NOT NULL DEFAULT 0,
    days_to_sale_sum         bigint        NOT NULL DEFAULT 0,
    days_to_sale_count       bigint        NOT NULL DEFAULT 0,
    conversion_rate          numeric(12,2) NOT NULL DEFAULT 0,
    lead_to_sale_rate        numeric(12,2) NOT NULL DEFAULT 0,
    created_at               timestamptz   NOT NULL DEFAULT now(),
    updated_at               timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (listing_id, date)
);
-- Top-N over a date range, and a lister's listings on a day (active_listings).
CREATE INDEX IF NOT EXISTS listing_analytics_date_idx ON listing_analytics (date, listing_id);
CREATE INDEX IF NOT EXISTS listing_analytics_lister_idx ON listing_analytics (lister_id, date);
CREATE INDEX IF NOT EXISTS listing_analytics_development_idx ON listing_analytics (development_id, date);

CREATE TABLE IF NOT EXISTS user_analytics (
    user_id                     text          NOT NULL,
    user_type                   text          NOT NULL,
    date                        date          NOT NULL,
    week                        text          NOT NULL,
    month                       text          NOT NULL,
    quarter                     text          NOT NULL,
    year                        integer       NOT NULL,
    profile_views               bigint        NOT NULL DEFAULT 0,
    total_listing_views         bigint        NOT NULL DEFAULT 0,
    total_listing_leads         bigint        NOT NULL DEFAULT 0,
    total_leads_generated       bigint        NOT NULL DEFAULT 0,
    phone_leads_generated       bigint        NOT NULL DEFAULT 0,
    message_leads_generated     bigint        NOT NULL DEFAULT 0,
    email_leads_generated       bigint        NOT NULL DEFAULT 0,
    appointment_leads_generated bigint        NOT NULL DEFAULT 0,
    listings_created            bigint        NOT NULL DEFAULT 0,
    listings_deleted            bigint        NOT NULL DEFAULT 0,
    unique_profile_viewers      bigint        NOT NULL DEFAULT 0,
    unique_profile_viewers_hll  bytea,
    total_listings              bigint        NOT NULL DEFAULT 0,
    active_listings             bigint        NOT NULL DEFAULT 0,
    sold_listings               bigint        NOT NULL DEFAULT 0,
    total_sales                 bigint        NOT NULL DEFAULT 0,
    total_revenue               numeric(16,2) NOT NULL DEFAULT 0,
    avg_sale_price              numeric(12,2) NOT NULL DEFAULT 0,
    avg_days_to_sale            numeric(12,2) NOT NULL DEFAULT 0,
    days_to_sale_sum            bigint        NOT NULL DEFAULT 0,
    days_to_sale_count          bigint        NOT NULL DEFAULT 0,
    conversion_rate             numeric(12,2) NOT NULL DEFAULT 0,
    lead_to_sale_rate           numeric(12,2) NOT NULL DEFAULT 0,
    created_at                  timestamptz   NOT NULL DEFAULT now(),
    updated_at                  timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, user_type, date)
);
CREATE INDEX IF NOT EXISTS user_analytics_date_idx ON user_analytics (date, user_id);

CREATE TABLE IF NOT EXISTS development_analytics (
    development_id      text          NOT NULL,
    date                date          NOT NULL,
    developer_id        text,
    week                text          NOT NULL,
    month               text          NOT NULL,
    quarter             text          NOT NULL,
    year                integer       NOT NULL,
    total_views         bigint        NOT NULL DEFAULT 0,
    logged_in_views     bigint        NOT NULL DEFAULT 0,
    views_from_home     bigint        NOT NULL DEFAULT 0,
    views_from_listings bigint        NOT NULL DEFAULT 0,
    views_from_search   bigint        NOT NULL DEFAULT 0,
    total_leads         bigint        NOT NULL DEFAULT 0,
    total_interactions  bigint        NOT NULL DEFAULT 0,
    shares              bigint        NOT NULL DEFAULT 0,
    saves               bigint        NOT NULL DEFAULT 0,
    social_clicks       bigint        NOT NULL DEFAULT 0,
    interactions        bigint        NOT NULL DEFAULT 0,
    unique_views        bigint        NOT NULL DEFAULT 0,
    unique_views_hll    bytea,
    total_sales         bigint        NOT NULL DEFAULT 0,
    sales_value         numeric(16,2) NOT NULL DEFAULT 0,
    avg_sale_price      numeric(12,2) NOT NULL DEFAULT 0,
    avg_days_to_sale    numeric(12,2) NOT NULL DEFAULT 0,
    days_to_sale_sum    bigint        NOT NULL DEFAULT 0,
    days_to_sale_count  bigint        NOT NULL DEFAULT 0,
    conversion_rate     numeric(12,2) NOT NULL DEFAULT 0,
    lead_to_sale_rate   numeric(12,2) NOT NULL DEFAULT 0,
    engagement_rate     numeric(12,2) NOT NULL DEFAULT 0,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (development_id, date)
);
CREATE INDEX IF NOT EXISTS development_analytics_developer_idx ON development_analytics (developer_id, date);

-- One row per (listing, seeker). status and notes belong to the host's users: the aggregator never writes them.
CREATE TABLE IF NOT EXISTS leads (
    id                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    listing_id        text        NOT NULL,
    seeker_id         text        NOT NULL,
    lister_id         text,
    lister_type       text,
    development_id    text,
    total_actions     bigint      NOT NULL DEFAULT 0,
    first_action_date timestamptz,
    last_action_date  timestamptz,
    last_action_type  text,
    status            text        NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
    notes             jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (listing_id, seeker_id)
);
CREATE INDEX IF NOT EXISTS leads_lister_idx ON leads (lister_id, last_action_date DESC);

-- Append-only: one row per action (event uuid), a re-run inserts nothing twice and never deletes.
CREATE TABLE IF NOT EXISTS lead_actions (
    listing_id text        NOT NULL,
    seeker_id  text        NOT NULL,
    uuid       text        NOT NULL,
    type       text        NOT NULL,
    at         timestamptz NOT NULL,
    context    text,
    PRIMARY KEY (listing_id, seeker_id, uuid)
);

-- Actions per lead and day from Redis's per-day counter (counts actions trimmed from the capped list too).
-- Replaced while the day is retained, and total_actions is the sum over days.
CREATE TABLE IF NOT EXISTS lead_action_days (
    listing_id text   NOT NULL,
    seeker_id  text   NOT NULL,
    date       date   NOT NULL,
    actions    bigint NOT NULL,
    PRIMARY KEY (listing_id, seeker_id, date)
);

-- The seed's leads row with its lead_actions jsonb array, assembled from the append-only table.
CREATE OR REPLACE VIEW leads_with_actions AS
SELECT l.*,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('uuid', a.uuid, 'type', a.type, 'at', a.at, 'context', a.context)
                                  ORDER BY a.at, a.uuid)
                 FROM lead_actions a
                 WHERE a.listing_id = l.listing_id AND a.seeker_id = l.seeker_id), '[]'::jsonb) AS lead_actions
FROM leads l;

-- Sales are recorded by the host through SalesLedger (a sale is not a tracking event).
CREATE TABLE IF NOT EXISTS sales_listings (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id        text          NOT NULL,
    user_id           text,
    buyer_name        text,
    lister_id         text,
    lister_type       text,
    development_id    text,
    listed_date       date,
    sale_date         date          NOT NULL,
    sale_timestamp    timestamptz   NOT NULL,
    sale_price        numeric(12,2) NOT NULL CHECK (sale_price > 0),
    currency          char(3)       NOT NULL,
    sale_type         text          NOT NULL,
    sale_source       text,
    commission_rate   numeric(12,2) CHECK (commission_rate >= 0 AND commission_rate <= 100),
    commission_amount numeric(12,2) CHECK (commission_amount >= 0),
    notes             text,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sales_listings_date_idx ON sales_listings (sale_date, listing_id);
CREATE INDEX IF NOT EXISTS sales_listings_listing_idx ON sales_listings (listing_id, sale_date);
CREATE INDEX IF NOT EXISTS sales_listings_lister_idx ON sales_listings (lister_id, sale_date);
CREATE INDEX IF NOT EXISTS sales_listings_development_idx ON sales_listings (development_id, sale_date);

-- Days the aggregator has finalised, with what it wrote: the watermark a host can check.
CREATE TABLE IF NOT EXISTS aggregated_days (
    date          date        PRIMARY KEY,
    listings      bigint      NOT NULL,
    users         bigint      NOT NULL,
    developments  bigint      NOT NULL,
    leads         bigint      NOT NULL,
    finalised_at  timestamptz NOT NULL DEFAULT now()
);
