-- depends: staging/pledges, intermediate/pledge_shares, macros/money_text
-- reconciliation: every running total an official reported in the news (mentions of kind 'aggregate')
-- beside what our ledger had counted for the same program up to the date of that report, as a sentence:
--   "demo-alliance-newsroom said $4.00bn for PURL (all donors) on 2025-12-03; our ledger has $3.21bn from
--    14 counted pledges; difference -$0.79bn (-19.8%); 1 more pledge ($0.10bn) awaits review"
-- A large difference points at pledges we missed, double counted, or left in review.
--
-- The reported date is the one stated in the text, else the article's publication date, else when we
-- fetched it (the same order the ledger uses for pledges). A total stated in another currency is
-- converted at the ECB rate of that date (fx_usd_rates, written with the ledger by the same code the
-- Python report uses); failing that, at the rate the ledger stored for the latest pledge in that currency
-- on or before the report date; reported_usd is null when neither exists (the Python report fills it).
--
-- One statement, many reports: an official's total is repeated by wires and outlets for days. Reports of
-- the same program and donors whose amounts agree within 5% (outlets round "almost $3 billion" to "$2.9bn",
-- or convert it) and whose dates are at most 5 days apart are one statement, shown once with its
-- citations: n_sources (distinct URLs), urls ordered by authority, mention_ids. Its wording, url and tier
-- are those of its most authoritative report (source tier official > wire > outlet > aggregator, as
-- the ledger ranks citations, then the earliest); its date is the earliest report's. Reports are compared
-- with that anchor, never with each other, so a run of reports cannot chain $3.0bn to $3.3bn, and a later,
-- larger total stays a statement of its own.
--
-- A donor's own running total ("the Netherlands has contributed €750m in total") is set against that
-- donor's part of each counted pledge, as pledge_shares splits it (and donor_totals counts it): all of a
-- single-donor pledge; of a joint package, the donor's stated share when a share citation gives it, else
-- an equal split of what the stated shares leave. our_pledge_fractions gives that part per pledge id
-- (1.0 for whole pledges).
create or replace view reconciliation as
with

aggregates as (
    select * from mentions
    where kind = 'aggregate'
),

source_documents as (
    select * from documents
),

-- Unknown sources rank as outlets, as in the ledger.
source_tiers as (
    select
        name as source,
        tier,
        case tier when 'official' then 0 when 'wire' then 1 when 'outlet' then 2 when 'aggregator' then 3 else 2 end
            as tier_rank
    from sources
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
        d.title,
        coalesce(t.tier, 'outlet') as tier,
        coalesce(t.tier_rank, 2) as tier_rank
    from aggregates as a
    inner join source_documents as d using (document_id)
    left join source_tiers as t using (source)
),

ledger_rates as (
    select currency, fx_date, any_value(fx_rate_usd) as fx_rate_usd
    from pledge_ledger
    group by currency, fx_date
),

-- authority ranks the reports, 1 = the one that speaks best for its statement: highest tier, then the
-- earliest, then the extractor's confidence (the mention id keeps it deterministic).
reported_usd as (
    select
        r.*,
        case
            when r.currency = 'USD' then r.reported_amount
            else r.reported_amount * coalesce(fx.usd_per_unit, l.fx_rate_usd)
        end as reported_usd,
        row_number() over (order by r.tier_rank, r.reported_on, r.confidence desc, r.mention_id) as authority
    from reported as r
    left join fx_usd_rates as fx
        on fx.currency = r.currency
        and fx.on_date = r.reported_on
    asof left join ledger_rates as l
        on l.currency = r.currency
        and l.fx_date <= r.reported_on
),

-- 5%: outlets round and convert an official's figure, while a real new total adds at least one package
-- (hundreds of millions on a few billion). 5 days: the write-ups of one statement come within days; the
-- same figure said again weeks later is a new data point.
dedup_rules as (
    select
        0.05 as amount_tolerance,
        5 as window_days
),

-- Every pair of reports that could be one statement (a report is paired with itself too). Amounts are
-- compared in USD; without a rate, as stated numbers in the same currency.
same_statement as (
    select
        a.mention_id,
        a.authority,
        b.mention_id as other_id,
        b.authority as other_authority
    from reported_usd as a
    inner join reported_usd as b
        on b.program = a.program
        and list_sort(b.donors) = list_sort(a.donors)
    cross join dedup_rules as k
    where abs(date_diff('day', a.reported_on, b.reported_on)) <= k.window_days
        and case
            when a.reported_usd is not null and b.reported_usd is not null
                then abs(a.reported_usd - b.reported_usd)
                    <= k.amount_tolerance * greatest(abs(a.reported_usd), abs(b.reported_usd))
            else a.currency = b.currency
                and abs(a.reported_amount - b.reported_amount)
                    <= k.amount_tolerance * greatest(abs(a.reported_amount), abs(b.reported_amount))
        end
),

-- Anchors: reports that no more authoritative report restates.
anchors as (
    select mention_id, authority
    from same_statement
    group by mention_id, authority
    having min(other_authority) = authority
),

-- Each report joins the most authoritative anchor that restates it (an anchor joins itself). A report
-- whose better matches all restate a third, better one matches no anchor and stands alone.
anchor_matches as (
    select
        s.mention_id,
        s.other_id as anchor_id,
        s.other_authority as anchor_authority
    from same_statement as s
    inner join anchors as a on a.mention_id = s.other_id
),

report_anchor as (
    select
        r.mention_id,
        coalesce(arg_min(m.anchor_id, m.anchor_authority), r.mention_id) as anchor_id
    from reported_usd as r
    left join anchor_matches as m using (mention_id)
    group by r.mention_id
),

-- A URL that carries the statement twice (headline and body) is one source.
report_urls as (
    select
        a.anchor_id,
        r.url,
        min(r.authority) as authority
    from report_anchor as a
    inner join reported_usd as r using (mention_id)
    group by a.anchor_id, r.url
),

citations as (
    select
        anchor_id,
        count(*) as n_sources,
        list(url order by authority) as urls
    from report_urls
    group by anchor_id
),

statement_reports as (
    select
        a.anchor_id,
        min(r.reported_on) as first_reported_on,
        list(r.mention_id order by r.authority) as mention_ids
    from report_anchor as a
    inner join reported_usd as r using (mention_id)
    group by a.anchor_id
),

-- One row per statement: the anchor's wording, the earliest report's date, the citations.
statements as (
    select
        r.* replace (s.first_reported_on as reported_on),
        c.n_sources,
        c.urls,
        s.mention_ids
    from reported_usd as r
    inner join statement_reports as s on s.anchor_id = r.mention_id
    inner join citations as c on c.anchor_id = r.mention_id
),

-- Our side of each report: whole pledges for a total over all donors, donors' parts otherwise.
matched_parts as (
    select
        r.mention_id,
        p.pledge_id,
        p.status,
        p.announced_on,
        p.amount_usd as part_usd
    from statements as r
    inner join pledges as p
        on p.program = r.program
        and p.announced_on <= r.reported_on
    where len(r.donors) = 0
    union all
    select
        r.mention_id,
        d.pledge_id,
        any_value(d.status),
        any_value(d.announced_on),
        sum(d.part_usd)
    from statements as r
    inner join pledge_shares as d
        on d.program = r.program
        and d.announced_on <= r.reported_on
        and list_contains(r.donors, d.donor)
    where len(r.donors) > 0
    group by r.mention_id, d.pledge_id
),

ours as (
    select
        r.mention_id,
        coalesce(sum(m.part_usd) filter (where m.status = 'counted'), 0) as our_usd,
        count(m.pledge_id) filter (where m.status = 'counted') as our_n_pledges,
        coalesce(list(m.pledge_id order by m.announced_on, m.pledge_id) filter (where m.status = 'counted'), [])
            as our_pledge_ids,
        coalesce(
            list(m.part_usd / nullif(p.amount_usd, 0) order by m.announced_on, m.pledge_id)
                filter (where m.status = 'counted'),
            []
        ) as our_pledge_fractions,
        coalesce(sum(m.part_usd) filter (where m.status = 'review'), 0) as our_review_usd,
        count(m.pledge_id) filter (where m.status = 'review') as our_n_review
    from statements as r
    left join matched_parts as m using (mention_id)
    left join pledges as p using (pledge_id)
    group by r.mention_id
),

-- Amounts as people write them ($4.00bn, €750.0m, CAD 200.0m) for the summary sentence.
texts as (
    select
        r.mention_id,
        money_text(r.reported_amount, r.currency) as reported_text,
        money_text(r.reported_usd, 'USD') as reported_usd_text,
        money_text(o.our_usd, 'USD') as our_text,
        money_text(o.our_usd - r.reported_usd, 'USD') as difference_text,
        money_text(o.our_review_usd, 'USD') as review_text
    from statements as r
    inner join ours as o using (mention_id)
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
        r.title,
        o.our_pledge_fractions,
        r.source as reported_by,
        r.tier,
        r.n_sources,
        r.urls,
        r.mention_ids,
        concat(
            coalesce(r.source, 'a source'), ' said ', t.reported_text,
            case when r.currency <> 'USD' and r.reported_usd is not null
                then ' (' || t.reported_usd_text || ')' else '' end,
            ' for ', r.program,
            case when len(r.donors) = 0 then ' (all donors)' else ' (' || array_to_string(r.donors, ', ') || ')' end,
            ' on ', strftime(r.reported_on, '%Y-%m-%d'),
            case when r.n_sources > 1 then ' (reported by ' || r.n_sources || ' sources)' else '' end,
            '; our ledger has ', t.our_text, ' from ', o.our_n_pledges, ' counted pledge',
            case when o.our_n_pledges = 1 then '' else 's' end,
            case
                when r.reported_usd is null then '; difference unknown (no FX rate)'
                else '; difference ' || t.difference_text
                    || coalesce(' (' || printf('%+.1f', 100 * (o.our_usd - r.reported_usd) / nullif(r.reported_usd, 0))
                        || '%)', '')
            end,
            case when o.our_n_review > 0
                then '; ' || o.our_n_review || ' more pledge' || case when o.our_n_review = 1 then '' else 's' end
                    || ' (' || t.review_text || ') await' || case when o.our_n_review = 1 then 's' else '' end
                    || ' review'
                else '' end
        ) as summary
    from statements as r
    inner join ours as o using (mention_id)
    inner join texts as t using (mention_id)
)

select * from final
order by program, reported_on, mention_id
