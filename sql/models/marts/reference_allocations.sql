-- depends: none
-- reference_allocations: the independent series we check the ledger against, one row per reference
-- source, program and month, from each source's current release (the Kiel Institute's PURL allocations,
-- in euros). The current release is the good one a run read or was told was unchanged most recently: a
-- release that failed its checks (status 'rejected') is kept for inspection but never used here, so a
-- changed file never replaces the last good series.
create or replace view reference_allocations as
with

good_releases as (
    select * from reference_releases
    where status = 'good'
),

current_release as (
    select
        source,
        arg_max(release_id, last_seen_at) as release_id
    from good_releases
    group by source
),

-- Only the columns that measure a program; the file's other columns stay in reference_values.
program_values as (
    select * from reference_values
    where program is not null
),

final as (
    select
        r.source,
        v.program,
        v.month,
        v.amount,
        r.currency,
        r.measure,
        r.publisher,
        v.series,
        r.release_id,
        r.content_hash,
        r.first_seen_at as release_first_seen_at,
        r.last_seen_at as release_last_seen_at,
        r.last_modified as release_last_modified,
        r.first_month as data_from,
        r.last_month as data_to,
        r.location
    from current_release as c
    inner join good_releases as r using (release_id)
    inner join program_values as v using (release_id)
)

select * from final
order by source, program, month
