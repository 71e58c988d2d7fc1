-- depends: intermediate/pledge_shares
-- donor_totals: per program and donor, what the ledger counts: total pledged (USD), share of the
-- program's total, number of pledges, first and last pledge date. Only pledges with status 'counted'
-- (as in monthly_vs_target), so the shares add up to the program total users see there.
--
-- A joint pledge (several donors, one stated total) counts for each donor by the donor's part of it, as
-- pledge_shares splits it: a stated share first, else an equal part of what the stated shares leave.
-- n_pledges counts a joint pledge once for each of its donors; n_joint_pledges says how many of those
-- were joint.
create or replace view donor_totals as
with

counted_parts as (
    select * from pledge_shares
    where status = 'counted'
),

per_donor as (
    select
        program,
        donor,
        sum(part_usd) as pledged_usd,
        count(*) as n_pledges,
        count(*) filter (where n_donors > 1) as n_joint_pledges,
        min(announced_on) as first_pledge_on,
        max(announced_on) as last_pledge_on
    from counted_parts
    group by program, donor
),

final as (
    select
        program,
        donor,
        pledged_usd,
        pledged_usd / nullif(sum(pledged_usd) over (partition by program), 0) as share_of_program,
        n_pledges,
        n_joint_pledges,
        first_pledge_on,
        last_pledge_on,
        rank() over (partition by program order by pledged_usd desc) as rank_in_program
    from per_donor
)

select * from final
order by program, rank_in_program, donor
