-- reconciliation: every running total an official reported in the news (mentions of kind 'aggregate')
-- beside what our ledger had counted for the same program (and the same donors, when the total was a
-- donor's own) up to the date of that report. A large difference points at pledges we missed, double
-- counted, or left in review.
--
-- The reported date is the one stated in the text, else the article's publication date, else when we
-- fetched it (the same order the ledger uses for pledges). A total stated in another currency is
-- converted at the ECB rate the ledger stored for the latest pledge in that currency on or before the
-- report date; reported_usd is null when the ledger holds none (the Python report fills it from
-- aidtrack.ledger.fx then).
create or replace view reconciliation as
with

aggregates as (
    select * from mentions
    where kind = 'aggregate'
),

source_documents as (
    select * from documents
),

reported as (
    select
        a.mention_id,
        a.program,
        a.donors,
        coalesce(a.stated_date, d.published_on, cast(d.fetched_at as date)) as reported_on,
        a.amount as reported_amount,
        a.currency,
        a.confidence,
        a.quote,
        d.url,
        d.source,
        d.title
    from aggregates as a
    inner join source_documents as d using (document_id)
),

ledger_rates as (
    select currency, fx_date, any_value(fx_rate_usd) as fx_rate_usd
    from pledge_ledger
    group by currency, fx_date
),

reported_usd as (
    select
        r.*,
        case when r.currency = 'USD' then r.reported_amount else r.reported_amount * l.fx_rate_usd end
            as reported_usd
    from reported as r
    asof left join ledger_rates as l
        on l.currency = r.currency
        and l.fx_date <= r.reported_on
),

ours as (
    select
        r.mention_id,
        coalesce(sum(p.amount_usd) filter (where p.status = 'counted'), 0) as our_usd,
        count(p.pledge_id) filter (where p.status = 'counted') as our_n_pledges,
        coalesce(list(p.pledge_id order by p.announced_on, p.pledge_id) filter (where p.status = 'counted'), [])
            as our_pledge_ids,
        coalesce(sum(p.amount_usd) filter (where p.status = 'review'), 0) as our_review_usd,
        count(p.pledge_id) filter (where p.status = 'review') as our_n_review
    from reported as r
    left join pledges as p
        on p.program = r.program
        and p.announced_on <= r.reported_on
        and (len(r.donors) = 0 or list_has_any(p.donors, r.donors))
    group by r.mention_id
),

final as (
    select
        r.mention_id,
        r.program,
        r.donors,
        r.reported_on,
        r.reported_amount,
        r.currency,
        r.reported_usd,
        o.our_usd,
        o.our_n_pledges,
        o.our_pledge_ids,
        o.our_usd - r.reported_usd as difference_usd,
        (o.our_usd - r.reported_usd) / nullif(r.reported_usd, 0) as difference_ratio,
        o.our_review_usd,
        o.our_n_review,
        r.confidence,
        r.quote,
        r.url,
        r.source,
        r.title
    from reported_usd as r
    inner join ours as o using (mention_id)
)

select * from final
order by program, reported_on, mention_id
