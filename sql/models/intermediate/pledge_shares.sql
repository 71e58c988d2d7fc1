-- depends: staging/pledges
-- pledge_shares: one row per pledge and donor, with that donor's part of the pledge (USD): all of a
-- single-donor pledge; of a joint package (several donors, one stated total) the donor's stated share when
-- a share citation gives it ("Sweden's part is $275 million"), else an equal part of what the stated
-- shares leave. Announcements rarely say who pays what, and any other key (GDP, population) would invent
-- precision. fraction is part_usd over the pledge's amount_usd, for converting a part into another
-- currency at the pledge's own rate.
--
-- THE rule for splitting a pledge among its donors: every mart and report query that needs a donor's
-- part reads it here (donor_totals, reconciliation, the report's --donor filter), so they agree. Every
-- status is here: filter on status. Pledges without donors have no rows.
create or replace view pledge_shares as
with

-- Stated shares of the members of joint packages, in USD at the rate of the package's date (the ledger
-- stores those rates in fx_usd_rates). A share with no rate (an unknown currency) counts as not stated.
stated_shares as (
    select
        s.pledge_id,
        m.donors[1] as donor,
        max(m.amount * case when m.currency = 'USD' then 1.0 else fx.usd_per_unit end) as share_usd
    from pledge_sources as s
    inner join mentions as m using (mention_id)
    inner join pledges as p using (pledge_id)
    left join fx_usd_rates as fx
        on fx.currency = m.currency
        and fx.on_date = p.announced_on
    where s.kind = 'share'
        and len(m.donors) = 1
        and len(p.donors) > 1
        and list_contains(p.donors, m.donors[1])
    group by s.pledge_id, m.donors[1]
),

-- The packages with at least one stated share: what those add up to (never more than the package) and
-- how many members stated one.
packages as (
    select
        s.pledge_id,
        least(sum(s.share_usd), any_value(p.amount_usd)) as stated_usd,
        count(*) as n_stated
    from stated_shares as s
    inner join pledges as p using (pledge_id)
    where s.share_usd is not null
    group by s.pledge_id
),

-- Every other pledge (most of them): equal parts, all of it for a single donor. No per-donor lookup here.
equal_parts as (
    select
        pledge_id,
        program,
        status,
        announced_on,
        amount_usd,
        unnest(donors) as donor,
        len(donors) as n_donors,
        amount_usd / len(donors) as part_usd,
        false as share_stated
    from pledges
    anti join packages using (pledge_id)
    where len(donors) > 0
),

-- The members of packages with stated shares: a member's stated share (never more than the package),
-- else an equal part of what the stated shares leave.
stated_parts as (
    select
        m.*,
        case
            when s.share_usd is not null then least(s.share_usd, m.amount_usd)
            else greatest(m.amount_usd - m.stated_usd, 0) / (m.n_donors - m.n_stated)
        end as part_usd,
        s.share_usd is not null as share_stated
    from (
        select *, unnest(donors) as donor, len(donors) as n_donors
        from pledges
        inner join packages using (pledge_id)
    ) as m
    left join stated_shares as s using (pledge_id, donor)
),

parts as (
    select * from equal_parts
    union all by name
    select * from stated_parts
),

final as (
    select
        pledge_id,
        program,
        status,
        announced_on,
        donor,
        n_donors,
        amount_usd,
        part_usd,
        part_usd / nullif(amount_usd, 0) as fraction,
        share_stated
    from parts
)

select * from final
