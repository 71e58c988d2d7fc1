-- The report's pledges: every pledge in the ledger with its amount in the reporting currency ($currency):
-- as stated when it was stated in that currency (a pledge announced in euros shows its euros), else its
-- USD amount at the rate of its own FX date. The report keeps these rows for the length of one report as
-- the temporary table report_pledges, which the other report queries read: every section converts a
-- pledge alike.
--
-- Like every file in this folder, this is not a canned query for the duckdb CLI: aidtrack.report.data
-- runs it with its parameters ($name) and with the temporary table report_rates(currency, on_date,
-- rate): the units of the reporting currency one unit of `currency` was worth on that day at the ECB
-- reference rate (of the nearest earlier business day, never after the report's day; no row for a
-- currency the ECB does not publish), for the days rates.sql lists.
with

usd_rates as (
    select on_date as fx_date, rate from report_rates
    where currency = 'USD'
),

final as (
    select
        p.pledge_id,
        p.announced_on,
        p.program,
        p.donors,
        p.amount,
        p.currency,
        p.amount_usd,
        p.fx_date,
        case when p.currency = $currency then p.amount else p.amount_usd * r.rate end as amount_reporting,
        p.status,
        p.confidence,
        p.n_sources
    from pledge_ledger as p
    left join usd_rates as r using (fx_date)
)

select * from final
