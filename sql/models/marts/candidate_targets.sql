-- depends: none
-- candidate_targets: targets stated in the news ("$1bn a month", "$15bn in 2026"), for an analyst to
-- review. NEVER applied automatically: only rows in `targets` (from sql/seeds/targets*.csv) drive
-- monthly_vs_target. To adopt one, add a row to a seeds file (program, amount_per_month, currency,
-- valid_from, valid_to, stated_by, stated_on, source_url) and run the pipeline.
--
-- amount_per_month: the stated amount for "a month"; a twelfth of it for "a year" or "in <year>";
-- null when the text gives no period (the analyst decides). matches_target_id names the target already
-- in force on that date that the statement agrees with (within 10 % in USD), if any.
create or replace view candidate_targets as
with

stated as (
    select
        m.mention_id,
        m.program,
        m.donors,
        m.amount,
        m.currency,
        m.period,
        m.confidence,
        m.quote,
        coalesce(m.stated_date, d.published_on, cast(d.fetched_at as date)) as stated_on,
        d.url,
        d.title,
        d.source,
        coalesce(s.tier, 'outlet') as tier
    from mentions as m
    inner join documents as d using (document_id)
    left join sources as s on s.name = d.source
    where m.kind = 'target'
),

per_month as (
    select
        *,
        case
            when period = 'month' then 'month'
            when period = 'year' then 'year'
            when regexp_matches(quote, '\b(in|for|during|over)\s+(20[0-9]{2}|the (next|coming) year|next year)\b', 'i')
                then 'year'
        end as period_read
    from stated
),

converted as (
    select
        p.*,
        case p.period_read when 'month' then p.amount when 'year' then p.amount / 12 end as amount_per_month,
        case when p.currency = 'USD' then 1.0 else fx.usd_per_unit end as usd_per_unit
    from per_month as p
    left join fx_usd_rates as fx
        on fx.currency = p.currency
        and fx.on_date = p.stated_on
),

matched as (
    select
        c.mention_id,
        min(t.target_id) as matches_target_id
    from converted as c
    inner join targets as t
        on t.program = c.program
        and t.valid_from <= c.stated_on + interval 366 day
        and (t.valid_to is null or t.valid_to >= c.stated_on)
        and abs(c.amount_per_month * c.usd_per_unit - t.amount_per_month_usd) <= 0.10 * t.amount_per_month_usd
    group by c.mention_id
),

final as (
    select
        c.mention_id,
        c.program,
        c.donors,
        c.stated_on,
        c.amount,
        c.currency,
        c.period_read as period,
        c.amount_per_month,
        c.amount_per_month * c.usd_per_unit as amount_per_month_usd,
        m.matches_target_id,
        case when m.matches_target_id is null then 'candidate' else 'already a target' end as review_status,
        c.confidence,
        c.source as stated_in,
        c.tier,
        c.quote,
        c.url,
        c.title
    from converted as c
    left join matched as m using (mention_id)
)

select * from final
order by program, stated_on, mention_id
