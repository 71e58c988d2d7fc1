-- depends: marts/reference_allocations, marts/reconciliation, macros/money_text
-- reference_comparison: month by month, and cumulatively, what our ledger counts as pledged beside what an
-- independent reference says was allocated (the Kiel Institute's PURL allocations), and beside the
-- running totals officials stated (reconciliation), all in the reference's currency (euros), with the
-- gap and a reading in plain words. One row per reference source, program and month, from the first month
-- with money on either side to the current month.
--
-- Why the two differ even when both are right: we date a commitment when it is announced; Kiel dates an
-- allocation when the money is assigned to a package, weeks later. So we normally run ahead of Kiel by
-- the pledges of the last month or two. The reading says:
--   in line          the cumulative gap is within the tolerance;
--   ahead (lag)      we count more, but no more than we had two months ago: Kiel has not caught up yet;
--   ahead, check     even what we counted two months ago is not all allocated: pledges we counted twice,
--                    or pledges never turned into packages;
--   behind           Kiel has allocated more than we count: if it lasts, pledges we missed;
--   behind, check    ... for three months running (it did not close within two months);
--   no data          the month is after the release's cut-off (unknown, not zero).
--
-- Our side: counted pledges only (not those in review), each converted at its own FX date: as stated when
-- it was stated in the reference's currency, else its USD amount over that currency's USD rate on the
-- pledge's FX date (reference_fx_rates: the ECB cross rate, as `aidtrack report --currency EUR` converts).
create or replace view reference_comparison as
with

reference as (
    select * from reference_allocations
),

-- 10% absorbs what conversion and rounding alone explain (Kiel converts at its own rates; outlets round);
-- the floor keeps the first small months from flapping between readings. In the reference's currency.
rules as (
    select
        0.10 as tolerance_ratio,
        50e6 as tolerance_floor
),

-- One row per reference source and program: what its current release covers.
series as (
    select
        source,
        program,
        any_value(currency) as currency,
        any_value(measure) as measure,
        any_value(publisher) as publisher,
        any_value(release_id) as release_id,
        any_value(release_first_seen_at) as release_first_seen_at,
        any_value(data_from) as data_from,
        any_value(data_to) as data_to,
        min(month) filter (where amount <> 0) as first_allocation_month
    from reference
    group by source, program
),

counted_pledges as (
    select pledge_id, program, announced_on, amount, currency, amount_usd, fx_date
    from pledge_ledger
    where status = 'counted'
),

-- The ledger's own rates (fx_usd_rates) stand in on a day reference_fx_rates lacks (a pledge an analyst
-- added after the last run).
ledger_rates as (
    select currency, on_date, usd_per_unit
    from fx_usd_rates
),

-- Every amount the comparison sets beside the reference, in one list so one rule converts them all: our
-- counted pledges (at their FX date) and the officials' running totals of the whole program (at the day
-- they were reported).
amounts as (
    select
        s.source,
        p.program,
        'pledge' as side,
        p.pledge_id as id,
        p.announced_on as on_date,
        p.fx_date as rate_date,
        p.amount,
        p.currency,
        p.amount_usd,
        null as reported_by,
        null as reported_url
    from counted_pledges as p
    inner join series as s on s.program = p.program
    union all
    select
        s.source,
        o.program,
        'official' as side,
        null as id,
        o.reported_on as on_date,
        o.reported_on as rate_date,
        o.reported_amount as amount,
        o.currency,
        o.reported_usd as amount_usd,
        o.source as reported_by,
        o.url as reported_url
    from reconciliation as o
    inner join series as s on s.program = o.program
    where len(o.donors) = 0
),

-- THE conversion: as stated when stated in the reference's currency, else its USD amount over that
-- currency's USD rate on its rate date (reference_fx_rates, else the ledger's own rates).
converted as (
    select
        a.*,
        case
            when a.currency = s.currency then a.amount
            else a.amount_usd / coalesce(fx.usd_per_unit, l.usd_per_unit)
        end as in_reference_currency
    from amounts as a
    inner join series as s on s.source = a.source and s.program = a.program
    asof left join reference_fx_rates as fx
        on fx.currency = s.currency
        and fx.on_date <= a.rate_date
    asof left join ledger_rates as l
        on l.currency = s.currency
        and l.on_date <= a.rate_date
),

pledges_converted as (
    select source, program, id as pledge_id, on_date as announced_on, in_reference_currency as amount
    from converted
    where side = 'pledge'
),

pledged_by_month as (
    select
        source,
        program,
        cast(date_trunc('month', announced_on) as date) as month,
        sum(amount) as pledged,
        count(*) as n_pledges,
        count(*) filter (where amount is null) as n_unconverted
    from pledges_converted
    group by all
),

bounds as (
    select
        s.source,
        s.program,
        least(s.first_allocation_month, min(p.month)) as first_month
    from series as s
    left join pledged_by_month as p using (source, program)
    group by s.source, s.program, s.first_allocation_month
),

month_spine as (
    select
        source,
        program,
        cast(unnest(generate_series(
            first_month,
            cast(date_trunc('month', current_date) as date),
            interval 1 month
        )) as date) as month
    from bounds
    where first_month is not null
),

-- A month after the release's cut-off has no allocation: null (unknown), never 0.
monthly as (
    select
        m.source,
        m.program,
        m.month,
        coalesce(p.pledged, 0) as pledged,
        coalesce(p.n_pledges, 0) as n_pledges,
        coalesce(p.n_unconverted, 0) as n_unconverted,
        case when m.month <= s.data_to then coalesce(r.amount, 0) end as allocated,
        s.data_to
    from month_spine as m
    inner join series as s using (source, program)
    left join pledged_by_month as p using (source, program, month)
    left join reference as r using (source, program, month)
),

cumulative as (
    select
        *,
        sum(pledged) over to_date as pledged_cumulative,
        case when allocated is not null then sum(allocated) over to_date end as allocated_cumulative
    from monthly
    window to_date as (partition by source, program order by month rows between unbounded preceding and current row)
),

-- What we had counted two months earlier: allocations that lag announcements by up to two months
-- should have caught up with it.
lagged as (
    select
        *,
        lag(pledged_cumulative, 2, 0) over (partition by source, program order by month)
            as pledged_cumulative_2m_before
    from cumulative
),

gaps as (
    select
        l.*,
        l.pledged_cumulative - l.allocated_cumulative as gap,
        l.pledged_cumulative_2m_before - l.allocated_cumulative as lagged_gap,
        greatest(
            k.tolerance_floor,
            k.tolerance_ratio * greatest(abs(l.pledged_cumulative), abs(coalesce(l.allocated_cumulative, 0)))
        ) as tolerance
    from lagged as l
    cross join rules as k
),

-- How many months in a row (this one included) we have been behind the reference: a streak is broken by
-- any month that is not behind, so each streak counts from its own start.
streaks as (
    select
        *,
        coalesce(gap < -tolerance, false) as behind,
        sum(case when coalesce(gap < -tolerance, false) then 0 else 1 end) over to_date as streak
    from gaps
    window to_date as (partition by source, program order by month rows between unbounded preceding and current row)
),

behind_counts as (
    select
        *,
        case when behind
            then count(*) filter (where behind) over (
                partition by source, program, streak order by month rows between unbounded preceding and current row
            )
            else 0
        end as months_behind
    from streaks
),

-- Officials' running totals of the whole program (all donors), in the reference's currency at the rate of
-- the day they were reported, with what we had counted by that day.
official_totals as (
    select
        source,
        program,
        on_date as reported_on,
        amount as reported_amount,
        currency as reported_currency,
        reported_by,
        reported_url,
        in_reference_currency as official
    from converted
    where side = 'official'
),

officials_vs_ours as (
    select
        o.*,
        coalesce(sum(p.amount), 0) as pledged_at_official
    from official_totals as o
    left join pledges_converted as p
        on p.source = o.source
        and p.program = o.program
        and p.announced_on <= o.reported_on
    group by all
),

-- The latest official total stated in each month (a month can have several).
official_by_month as (
    select
        *,
        cast(date_trunc('month', reported_on) as date) as month,
        count(*) over (partition by source, program, date_trunc('month', reported_on)) as n_official
    from officials_vs_ours
    qualify row_number() over (
        partition by source, program, date_trunc('month', reported_on) order by reported_on desc, official desc
    ) = 1
),

joined as (
    select
        b.*,
        s.currency,
        s.measure,
        s.publisher,
        s.release_id,
        s.release_first_seen_at,
        o.reported_on as official_reported_on,
        o.official,
        o.reported_amount as official_stated_amount,
        o.reported_currency as official_stated_currency,
        o.reported_by as official_reported_by,
        o.reported_url as official_url,
        o.pledged_at_official,
        o.pledged_at_official - o.official as official_gap,
        coalesce(o.n_official, 0) as n_official
    from behind_counts as b
    inner join series as s using (source, program)
    left join official_by_month as o using (source, program, month)
),

classified as (
    select
        *,
        case
            when allocated_cumulative is null then 'no data'
            when abs(gap) <= tolerance then 'in line'
            when gap > 0 and lagged_gap <= tolerance then 'ahead (lag)'
            when gap > 0 then 'ahead, check'
            when months_behind >= 3 then 'behind, check'
            else 'behind'
        end as status,
        -- Amounts as people write them (€1.23bn, €456.7m) for the reading.
        list_transform(
            [gap, pledged_cumulative, allocated_cumulative, lagged_gap, tolerance],
            lambda x: money_text(x, currency)
        ) as texts,
        -- "the Kiel Institute" starts a sentence as "The Kiel Institute".
        upper(publisher[1]) || publisher[2:] as sentence_publisher
    from joined
),

final as (
    select
        program,
        month,
        pledged,
        pledged_cumulative,
        allocated,
        allocated_cumulative,
        gap,
        gap / nullif(allocated_cumulative, 0) as gap_ratio,
        lagged_gap,
        tolerance,
        months_behind,
        status,
        case status
            when 'no data' then
                sentence_publisher || '''s release (data to ' || strftime(data_to, '%B %Y')
                || ') does not cover this month yet; we count ' || texts[2] || ' pledged to date.'
            when 'in line' then
                'In line: we count ' || texts[2] || ' pledged to date, ' || publisher || ' ' || texts[3]
                || ' allocated (gap ' || texts[1] || ', within ' || texts[5] || ').'
            when 'ahead (lag)' then
                'We count ' || texts[1] || ' more than ' || publisher || ' has allocated: pledges of the last'
                || ' two months not yet assigned to packages (allocations are dated later than announcements).'
            when 'ahead, check' then
                texts[4] || ' of what we had counted by ' || strftime(month - interval 2 month, '%B %Y')
                || ' is still not in ' || publisher || '''s allocations two months on: look for pledges we'
                || ' counted twice, or pledges never turned into packages.'
            when 'behind' then
                sentence_publisher || ' has allocated ' || ltrim(texts[1], '-') || ' more than we count; allocations'
                || ' follow announcements, so if this does not close within two months we are missing pledges.'
            else
                sentence_publisher || ' has allocated ' || ltrim(texts[1], '-') || ' more than we count, '
                || months_behind || ' months running: we are probably missing pledges (or '
                || publisher || ' dates an allocation earlier than we date its announcement).'
        end as reading,
        official_reported_on,
        official,
        official_stated_amount,
        official_stated_currency,
        official_reported_by,
        official_url,
        pledged_at_official,
        official_gap,
        n_official,
        n_pledges,
        n_unconverted,
        currency,
        measure,
        publisher,
        source as reference_source,
        release_id,
        release_first_seen_at,
        data_to
    from classified
)

select * from final
order by reference_source, program, month
