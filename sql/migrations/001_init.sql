-- Core tables of the warehouse. Applied once, recorded in schema_migrations.
-- Raw facts (fetches, documents, mentions) are append/upsert only; the ledger tables are rebuilt from
-- them on every run, so a better extractor or ledger can be re-applied with `aidtrack reprocess`.

create table sources (
    name        varchar primary key,
    kind        varchar not null,          -- rss | sitemap | listing | csv
    url         varchar,                   -- feed / sitemap / listing URL, or the csv path
    tier        varchar not null,          -- official | wire | outlet | aggregator
    language    varchar not null,
    country     varchar,                   -- ISO 3166-1 alpha-3 of the publisher, when known
    first_seen_at timestamptz not null,
    last_seen_at  timestamptz not null
);

create table runs (
    run_id        varchar primary key,
    started_at    timestamptz not null,
    finished_at   timestamptz,
    status        varchar not null,        -- running | completed | partial | failed
    sources_file  varchar,
    n_sources     integer,
    n_failed      integer,
    summary       json
);

-- One row per HTTP request outcome (feeds, sitemaps, listing pages and articles).
create sequence fetch_id_seq;
create table fetches (
    fetch_id      bigint primary key default nextval('fetch_id_seq'),
    run_id        varchar not null,
    source        varchar not null,
    url           varchar not null,
    final_url     varchar,
    purpose       varchar not null,        -- discover | article
    outcome       varchar not null,        -- ok | not_modified | skipped_robots | failed
    status        integer,
    n_bytes       bigint not null default 0,
    etag          varchar,
    last_modified varchar,
    content_hash  varchar,
    error         varchar,
    attempts      integer,
    fetched_at    timestamptz not null,
    elapsed_s     double
);

-- Validators for conditional GETs, one row per URL, updated after every successful fetch.
create table http_cache (
    url           varchar primary key,
    etag          varchar,
    last_modified varchar,
    content_hash  varchar,
    updated_at    timestamptz not null
);

create table documents (
    document_id   varchar primary key,     -- sha256 of the canonical URL (first 16 bytes, hex)
    canonical_url varchar not null,
    url           varchar not null,
    source        varchar not null,
    title         varchar,
    published_at  timestamptz,
    published_on  date,
    language      varchar,
    text          varchar not null,
    content_hash  varchar not null,        -- sha256 of the raw body the text came from
    fetched_at    timestamptz not null,
    first_seen_at timestamptz not null,
    extracted_version varchar              -- extractor version that produced its mentions
);

-- What the extractor found in a document: pledges, recaps, aggregates (running totals), targets, shares.
create table mentions (
    mention_id       varchar primary key,  -- hash of document_id, offset, kind, quote
    document_id      varchar not null,
    kind             varchar not null,     -- pledge | recap | aggregate | target | share
    donors           varchar[] not null,
    amount           double not null,
    amount_low       double,
    currency         varchar not null,
    currency_assumed boolean not null default false,
    program          varchar not null,     -- PURL | bilateral | other
    confidence       double not null,
    quote            varchar not null,
    quote_start      integer,
    stated_date      date,
    period           varchar,
    notes            varchar[],
    extractor_version varchar not null
);

-- Pledges entered by analysts in curated CSV sources (first-class, not extracted).
create table curated_pledges (
    curated_id    varchar primary key,     -- hash of source name and row content
    source        varchar not null,
    donors        varchar[] not null,
    amount        double not null,
    currency      varchar not null,
    announced_on  date not null,
    program       varchar not null,
    source_url    varchar,
    note          varchar
);

-- The ledger: one row per real-world pledge. Rebuilt from mentions + curated pledges each run.
create table pledge_ledger (
    pledge_id     varchar primary key,
    donors        varchar[] not null,
    amount        double not null,
    currency      varchar not null,
    fx_rate_usd   double not null,         -- USD per unit of currency on fx_date (ECB reference)
    fx_date       date not null,
    amount_usd    double not null,
    announced_on  date not null,
    program       varchar not null,
    status        varchar not null,        -- counted | review
    confidence    double not null,
    n_sources     integer not null,
    first_url     varchar,
    origin        varchar not null         -- extracted | curated
);

create table pledge_sources (
    pledge_id     varchar not null,
    mention_id    varchar,                 -- null for curated pledges
    document_id   varchar,
    url           varchar,
    source        varchar,
    quote         varchar,
    published_on  date,
    kind          varchar not null         -- pledge | recap | curated
);

create table targets (
    target_id        varchar primary key,
    program          varchar not null,
    amount_per_month double not null,
    currency         varchar not null,
    amount_per_month_usd double not null,  -- converted at valid_from when the seed is loaded
    valid_from       date not null,
    valid_to         date,
    stated_by        varchar,
    stated_on        date,
    source_url       varchar
);
