-- Sources failing: every source that failed as a whole in the most recent pipeline run, with its error,
-- and in how many of the last 10 runs it failed (a source failing every run needs fixing, a single
-- failure is usually a flaky server).
--   duckdb -readonly warehouse/aid.duckdb < sql/queries/sources_failing.sql
--   aidtrack sql sql/queries/sources_failing.sql
with

recent_runs as (
    select run_id, started_at, row_number() over (order by started_at desc) as runs_ago
    from runs
    qualify runs_ago <= 10
),

source_failures as (
    select f.source, f.url, f.error, f.fetched_at, r.runs_ago
    from fetches as f
    inner join recent_runs as r using (run_id)
    where f.purpose = 'source' and f.outcome = 'failed'
),

final as (
    select
        source,
        arg_min(url, runs_ago) as url,
        arg_min(error, runs_ago) as last_error,
        max(fetched_at) as last_failed_at,
        count(distinct runs_ago) as failed_in_last_10_runs
    from source_failures
    group by source
    having min(runs_ago) = 1
)

select * from final
order by failed_in_last_10_runs desc, source;
