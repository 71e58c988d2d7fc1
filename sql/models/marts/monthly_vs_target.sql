-- depends: staging/pledges
-- monthly_vs_target: for each program with a target, one row per calendar month from the target's
-- start to the current month. Months without pledges show 0 (a month spine), so the rolling and
-- cumulative windows are right. Only pledges with status 'counted' count (not those awaiting review).
create or replace view monthly_vs_target as
with

targets_by_program as (
    select
        program,
        cast(date_trunc('month', min(valid_from)) as date) as first_month
    from targets
    group by program
),

month_spine as (
    select
        program,
        cast(unnest(generate_series(
            first_month,
            cast(date_trunc('month', current_date) as date),
            interval 1 month
        )) as date) as month
    from targets_by_program
),

-- A target row applies to every month from its valid_from month to its valid_to (if any); when target
-- versions overlap, the most recently started one wins.
monthly_target as (
    select
        s.program,
        s.month,
        coalesce(arg_max(t.amount_per_month_usd, t.valid_from), 0) as target_usd
    from month_spine as s
    left join targets as t
        on t.program = s.program
        and cast(date_trunc('month', t.valid_from) as date) <= s.month
        and (t.valid_to is null or t.valid_to >= s.month)
    group by s.program, s.month
),

monthly_contributions as (
    select
        program,
        cast(date_trunc('month', announced_on) as date) as month,
        sum(amount_usd) as contributed_usd
    from pledges
    where status = 'counted'
    group by 1, 2
),

joined as (
    select
        t.program,
        t.month,
        coalesce(c.contributed_usd, 0) as contributed_usd,
        t.target_usd
    from monthly_target as t
    left join monthly_contributions as c using (program, month)
),

final as (
    select
        program,
        month,
        contributed_usd,
        target_usd,
        sum(contributed_usd) over last_3_months as rolling_3m_usd,
        sum(target_usd) over last_3_months as rolling_3m_target_usd,
        sum(contributed_usd) over to_date as cumulative_usd,
        sum(target_usd) over to_date as cumulative_target_usd,
        sum(contributed_usd) over to_date - sum(target_usd) over to_date as cumulative_gap_usd
    from joined
    window
        last_3_months as (partition by program order by month rows between 2 preceding and current row),
        to_date as (partition by program order by month rows between unbounded preceding and current row)
)

select * from final
order by program, month
