-- depends: marts/monthly_vs_target
-- pace: per program with a target, how fast pledges are coming in and where that pace leads.
--   monthly_rate_usd       average counted pledges per month over the last 3 COMPLETE calendar months
--                          (fewer when the target started less than 3 months ago);
--   projected_year_end_usd cumulative to the end of the last complete month, plus that rate for every
--                          month from there to December of the current year (the current, incomplete
--                          month is projected at the rate too; its pledges so far are in monthly_vs_target);
--   target_met_month       the first month whose cumulative total would reach the cumulative target at
--                          that rate; the last complete month when it is already met; null if never
--                          (the rate does not exceed the monthly target while behind).
create or replace view pace as
with

monthly as (
    select * from monthly_vs_target
),

-- the month in progress is not complete: only months before it count for the rate
complete_months as (
    select
        *,
        row_number() over (partition by program order by month desc) as months_ago
    from monthly
    where month < cast(date_trunc('month', current_date) as date)
),

recent as (
    select
        program,
        min(month) as window_start,
        max(month) as window_end,
        count(*) as n_months,
        avg(contributed_usd) as monthly_rate_usd
    from complete_months
    where months_ago <= 3
    group by program
),

last_complete as (
    select
        program,
        month as last_complete_month,
        cumulative_usd,
        cumulative_target_usd,
        cumulative_gap_usd
    from complete_months
    where months_ago = 1
),

-- the target in force now, applied to the months still to come
current_target as (
    select
        program,
        arg_max(target_usd, month) as target_usd
    from monthly
    group by program
),

projected as (
    select
        r.program,
        r.window_start,
        r.window_end,
        r.n_months,
        r.monthly_rate_usd,
        t.target_usd as monthly_target_usd,
        r.monthly_rate_usd / nullif(t.target_usd, 0) as pace_ratio,
        l.cumulative_usd,
        l.cumulative_target_usd,
        l.cumulative_gap_usd,
        make_date(year(current_date), 12, 1) as year_end_month,
        datediff('month', l.last_complete_month, make_date(year(current_date), 12, 1)) as months_to_year_end,
        l.last_complete_month
    from recent as r
    inner join last_complete as l using (program)
    inner join current_target as t using (program)
),

final as (
    select
        program,
        current_date as as_of,
        window_start,
        window_end,
        n_months,
        monthly_rate_usd,
        monthly_target_usd,
        pace_ratio,
        cumulative_usd,
        cumulative_target_usd,
        cumulative_gap_usd,
        cumulative_usd + monthly_rate_usd * months_to_year_end as projected_year_end_usd,
        cumulative_target_usd + monthly_target_usd * months_to_year_end as year_end_target_usd,
        cumulative_usd + monthly_rate_usd * months_to_year_end
            - (cumulative_target_usd + monthly_target_usd * months_to_year_end) as projected_year_end_gap_usd,
        case
            when cumulative_gap_usd >= 0 then last_complete_month
            when monthly_rate_usd > monthly_target_usd then cast(
                last_complete_month
                + to_months(cast(ceil(-cumulative_gap_usd / (monthly_rate_usd - monthly_target_usd)) as integer))
                as date
            )
        end as target_met_month,
        case
            when cumulative_gap_usd >= 0 and monthly_rate_usd >= monthly_target_usd then 'on track'
            when cumulative_gap_usd >= 0 then 'ahead, slowing'
            when monthly_rate_usd > monthly_target_usd then 'catching up'
            else 'falling behind'
        end as pace_status
    from projected
)

select * from final
order by program
