-- The report's pace line for $program in the reporting currency: the pace mart's amounts at the rate of
-- the report's day ($today): they look forward, so no pledge's own rate applies.
with

today_rate as (
    select rate as usd from report_rates
    where currency = 'USD' and on_date = $today
),

final as (
    select
        p.as_of,
        p.window_start,
        p.window_end,
        p.n_months,
        p.monthly_rate_usd * r.usd as monthly_rate,
        p.monthly_target_usd * r.usd as monthly_target,
        p.pace_ratio,
        p.cumulative_usd * r.usd as cumulative,
        p.cumulative_target_usd * r.usd as cumulative_target,
        p.cumulative_gap_usd * r.usd as cumulative_gap,
        p.projected_year_end_usd * r.usd as projected_year_end,
        p.year_end_target_usd * r.usd as year_end_target,
        p.projected_year_end_gap_usd * r.usd as projected_year_end_gap,
        p.target_met_month,
        p.pace_status as status
    from pace as p
    left join today_rate as r on true
    where p.program = $program
)

select * from final
