-- Reference series (sources of kind `reference`): monthly figures another institution publishes, such
-- as the Kiel Institute's PURL allocations, kept release by release so every comparison can say which
-- release it used, and so a changed file never replaces the last good one.

-- One row per release: the same bytes from the same source are one release, however often they are read.
-- status 'good' releases feed the marts; a release that read fine but failed the check against the last
-- good one (a unit that jumped 1000-fold) is kept as 'rejected', with its problem, for inspection only.
-- A file that could not be read as its format at all is not stored: the run's fetch log has its error.
create table reference_releases (
    release_id    varchar primary key,     -- 'r_' + hash of source name and content hash
    source        varchar not null,        -- the sources.yaml entry
    format        varchar not null,        -- e.g. kiel-procurement-trends
    publisher     varchar not null,        -- e.g. Kiel Institute
    location      varchar not null,        -- the URL (after redirects) or file path it was read from
    content_hash  varchar not null,        -- sha256 of the file's bytes
    last_modified varchar,                 -- HTTP Last-Modified (or the file's mtime) when first read
    etag          varchar,
    first_seen_at timestamptz not null,    -- the run that first read these bytes
    last_seen_at  timestamptz not null,    -- the last run that read them, or was told they had not changed
    first_month   date not null,
    last_month    date not null,           -- the data's cut-off: months after it are unknown, not zero
    n_months      integer not null,
    currency      varchar not null,        -- the series' currency (ISO 4217)
    measure       varchar not null,        -- what it counts: allocations, commitments, ...
    status        varchar not null,        -- good | rejected
    problem       varchar,                 -- why it was rejected
    notes         varchar[]                -- harmless differences from the format (an extra column)
);

-- The values of every release, long: one row per release, file column and month. program says which
-- program a column measures (Kiel's nato_purl: PURL); the file's other columns are kept with program null.
create table reference_values (
    release_id    varchar not null,
    series        varchar not null,        -- the file's column name
    program       varchar,
    month         date not null,           -- first day of the month
    amount        double not null,         -- in units of the release's currency (euros, not billions)
    primary key (release_id, series, month)
);

-- USD per unit of each reference currency for every day from the first month of its releases to the last
-- run (the ECB rate of that day or of the nearest earlier business day: rate_date), rewritten whenever a
-- reference source is loaded. The comparison converts every pledge into the reference's currency at the
-- pledge's own FX date with it, exactly as the ledger's own rates would.
create table reference_fx_rates (
    currency      varchar not null,
    on_date       date not null,
    rate_date     date not null,
    usd_per_unit  double not null,
    primary key (currency, on_date)
);
