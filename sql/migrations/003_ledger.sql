-- The ledger's own tables: analysts' decisions (append-only) and the FX rates the ledger used.
-- pledge_ledger and pledge_sources (001) keep their columns: users' scripts insert into them by position.

-- Every analyst decision, never updated or deleted: the latest decision for a pledge wins, the earlier
-- ones are its history. Applied inside rebuild_ledger, so they survive every run and `aidtrack reprocess`.
create sequence pledge_override_seq;
create table pledge_overrides (
    override_id        bigint primary key default nextval('pledge_override_seq'),
    pledge_id          varchar not null,
    action             varchar not null,   -- confirm | reject | edit | add
    donors             varchar[],          -- edit / add: the corrected or new values (null = unchanged)
    amount             double,
    currency           varchar,
    announced_on       date,
    program            varchar,
    source_url         varchar,            -- add: where the analyst read it
    -- What the pledge was (as the ledger built it) when the decision was taken: if a better source later
    -- changes its canonical amount or date, and so its id, the decision finds the pledge again by these.
    basis_donors       varchar[],
    basis_program      varchar,
    basis_amount_usd   double,
    basis_announced_on date,
    analyst            varchar not null,
    reason             varchar not null,
    decided_at         timestamptz not null
);

-- USD per unit of a currency on a day, as the ledger converted it (ECB reference rate of that day or
-- the nearest earlier business day: rate_date). Rewritten with the ledger; lets SQL models convert
-- running totals and targets exactly as the Python code does.
create table fx_usd_rates (
    currency      varchar not null,
    on_date       date not null,
    rate_date     date not null,
    usd_per_unit  double not null,
    primary key (currency, on_date)
);
