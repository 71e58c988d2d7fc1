-- Top donors this calendar year, per program: counted pledges announced since 1 January, a joint
-- pledge split among its donors as pledge_shares splits it (a stated share first, else an equal part of
-- what the stated shares leave), as in the donor_totals mart, which covers all years.
--   duckdb -readonly warehouse/aid.duckdb < sql/queries/top_donors_this_year.sql
--   aidtrack sql sql/queries/top_donors_this_year.sql
with

this_year as (
    select
        program,
        donor,
        part_usd as donor_share_usd,
        n_donors > 1 as is_joint,
        announced_on
    from pledge_shares
    where status = 'counted'
        and announced_on >= date_trunc('year', current_date)
),

final as (
    select
        program,
        donor,
        round(sum(donor_share_usd) / 1e6, 1) as pledged_musd,
        round(sum(donor_share_usd) / sum(sum(donor_share_usd)) over (partition by program), 3) as share,
        count(*) as n_pledges,
        count(*) filter (where is_joint) as n_joint,
        max(announced_on) as last_pledge_on
    from this_year
    group by program, donor
)

select * from final
order by program, pledged_musd desc, donor
limit 20;
