-- This month vs target, per program: what has been pledged so far this calendar month, the rolling
-- 3-month and cumulative positions, and how far the month still is from its target (USD millions).
--   duckdb -readonly warehouse/aid.duckdb < sql/queries/this_month_vs_target.sql
--   aidtrack sql sql/queries/this_month_vs_target.sql
select
    program,
    strftime(month, '%Y-%m') as month,
    round(contributed_usd / 1e6, 1) as pledged_musd,
    round(target_usd / 1e6, 1) as target_musd,
    round(greatest(target_usd - contributed_usd, 0) / 1e6, 1) as still_needed,
    round(rolling_3m_usd / 1e6, 1) as rolling_3m,
    round(rolling_3m_target_usd / 1e6, 1) as rolling_3m_target,
    round(cumulative_usd / 1e6, 1) as cumulative,
    round(cumulative_target_usd / 1e6, 1) as cumulative_target,
    round(cumulative_gap_usd / 1e6, 1) as cumulative_gap
from monthly_vs_target
where month = date_trunc('month', current_date)
order by program;
