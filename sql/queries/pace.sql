-- Pace per program: average monthly pledges over the last 3 complete months against the monthly
-- target, the projected year-end position, and when the cumulative target would be met at that pace.
-- Amounts in USD millions.
--   duckdb -readonly warehouse/aid.duckdb < sql/queries/pace.sql
--   aidtrack sql sql/queries/pace.sql
select
    program,
    strftime(window_start, '%Y-%m') || '..' || strftime(window_end, '%Y-%m') as window,
    round(monthly_rate_usd / 1e6, 1) as rate_musd,
    round(monthly_target_usd / 1e6, 1) as target_musd,
    round(100 * pace_ratio, 1) as pace_pct,
    round(projected_year_end_usd / 1e6, 1) as year_end_musd,
    round(year_end_target_usd / 1e6, 1) as year_end_target_musd,
    strftime(target_met_month, '%Y-%m') as target_met,
    pace_status
from pace
order by program;
