-- The (currency, day) pairs the report converts at, asked first so that the ECB rates of just these days
-- can be looked up (aidtrack.ledger.fx, never after the report's day) into report_rates, the table the
-- other report queries join: every day from the first that a report number can be dated by (a pledge's
-- FX date, a target's start, a reference month, an official's statement) to the end of the current
-- month (or the latest statement), in USD, in each reference currency and in each currency an official
-- stated a running total in (for the rare total the reconciliation mart could not convert to USD).
with

-- Official running totals: their currency and the days they could be dated by (stated, published or
-- fetched: the reconciliation mart dates a statement by one of them).
statements as (
    select
        m.currency,
        least(m.stated_date, d.published_on, cast(d.fetched_at as date)) as first_on,
        greatest(m.stated_date, d.published_on, cast(d.fetched_at as date)) as last_on
    from mentions as m
    inner join documents as d using (document_id)
    where m.kind = 'aggregate'
),

-- Every release's currency and first month (not only the current releases': a wider span is harmless).
reference_series as (
    select
        currency,
        min(first_month) as first_month
    from reference_releases
    group by currency
),

currencies as (
    select 'USD' as currency
    union
    select currency from reference_series
    union
    select currency from statements
),

span as (
    select
        least(
            (select min(fx_date) from pledge_ledger),
            (select min(valid_from) from targets),
            (select min(first_month) from reference_series),
            (select min(first_on) from statements),
            $today
        ) as first_day,
        greatest($today, last_day(current_date), (select max(last_on) from statements)) as last_day
),

final as (
    select
        c.currency,
        cast(unnest(generate_series(s.first_day, s.last_day, interval 1 day)) as date) as on_date
    from currencies as c
    cross join span as s
)

select * from final
