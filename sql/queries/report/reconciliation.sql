-- The report's official running totals of $program beside ours, in the reporting currency ($currency):
-- the reconciliation mart's statements reported between $since and $until (null: open), about all donors
-- or naming one of $donors (empty: any). The reported total as stated when it is in the reporting
-- currency, else its USD value (the stated amount when the mart has no USD rate for it) at the rate of
-- the day it was reported; ours pledge by pledge: each counted pledge the mart matched (our_pledge_ids),
-- or the donor's part of a joint one (our_pledge_fractions), converted with its pledge (report_pledges);
-- what awaits review at the rate of the day it was reported.
with

statements as (
    select * from reconciliation
    where program = $program
        and ($since is null or reported_on >= $since)
        and ($until is null or reported_on <= $until)
        and (len($donors) = 0 or list_has_any(donors, $donors))
),

our_parts as (
    select
        mention_id,
        unnest(our_pledge_ids) as pledge_id,
        unnest(our_pledge_fractions) as fraction
    from statements
),

ours as (
    select
        o.mention_id,
        sum(p.amount_reporting * coalesce(o.fraction, 0)) as ours
    from our_parts as o
    inner join report_pledges as p using (pledge_id)
    group by o.mention_id
),

converted as (
    select
        s.*,
        case
            when s.currency = $currency then s.reported_amount
            when s.reported_usd is not null then s.reported_usd * usd.rate
            else s.reported_amount * stated.rate
        end as reported,
        coalesce(o.ours, 0) as ours,
        coalesce(s.our_review_usd * usd.rate, 0) as our_review
    from statements as s
    left join ours as o using (mention_id)
    left join report_rates as usd
        on usd.currency = 'USD'
        and usd.on_date = s.reported_on
    left join report_rates as stated
        on stated.currency = s.currency
        and stated.on_date = s.reported_on
),

final as (
    select
        reported_on,
        donors,
        reported_amount,
        currency as reported_currency,
        reported,
        ours,
        our_n_pledges,
        ours - reported as difference,
        our_review,
        our_n_review,
        quote,
        url,
        source,
        title,
        mention_id
    from converted
)

select * from final
order by reported_on, mention_id
