-- Events the pipeline has announced (new pledges, failing sources, months closed below target), so that
-- a month that closed below target is announced once, not every hour.
create table notifications (
    key         varchar primary key,       -- e.g. 'month-below-target:PURL:2025-09-01'
    kind        varchar not null,
    emitted_at  timestamptz not null,
    payload     json
);
