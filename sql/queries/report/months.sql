-- The report's months of $program in the reporting currency: monthly_vs_target's months, each with its
-- counted pledges (report_pledges, each converted at its own FX date) and its target at the rate of the
-- month's last day (today's for the month in progress), then the rolling 3-month and cumulative columns
-- over the converted months, as the view computes them in USD. In USD the numbers are the view's.
--
-- With $donors (alpha-3 codes; empty: all donors) a month has only those donors' part of each pledge, as
-- pledge_shares splits a joint one, and no target: the target is for all donors together.
-- $since / $until (null: open) keep the months that overlap them; cumulative columns still run from the
-- program's first month.
with

spine as (
    select
        month,
        target_usd
    from monthly_vs_target
    where program = $program
),

donor_fractions as (
    select
        pledge_id,
        sum(fraction) as fraction
    from pledge_shares
    where list_contains($donors, donor)
    group by pledge_id
),

counted as (
    select
        cast(date_trunc('month', p.announced_on) as date) as month,
        case when len($donors) = 0 then p.amount_reporting else p.amount_reporting * f.fraction end as amount
    from report_pledges as p
    left join donor_fractions as f using (pledge_id)
    where p.program = $program
        and p.status = 'counted'
        and (len($donors) = 0 or f.fraction is not null)
),

contributions as (
    select
        month,
        sum(amount) as contributed
    from counted
    group by month
),

converted as (
    select
        s.month,
        coalesce(c.contributed, 0) as contributed,
        case when len($donors) = 0 then s.target_usd * r.rate end as target
    from spine as s
    left join contributions as c using (month)
    left join report_rates as r
        on r.currency = 'USD'
        and r.on_date = last_day(s.month)
),

windows as (
    select
        month,
        contributed,
        target,
        sum(contributed) over last_3_months as rolling_3m,
        sum(target) over last_3_months as rolling_3m_target,
        sum(contributed) over to_date as cumulative,
        sum(target) over to_date as cumulative_target,
        sum(contributed) over to_date - sum(target) over to_date as cumulative_gap
    from converted
    window
        last_3_months as (order by month rows between 2 preceding and current row),
        to_date as (order by month rows between unbounded preceding and current row)
),

final as (
    select * from windows
    where ($since is null or last_day(month) >= $since)
        and ($until is null or month <= $until)
)

select * from final
order by month
