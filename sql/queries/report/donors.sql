-- The report's donors of $program in the reporting currency: each donor's part of every counted pledge
-- (pledge_shares: a stated share first, else an equal part of what the stated shares leave), converted with
-- its pledge (report_pledges), for the pledges announced between $since and $until (null: open); summed
-- per donor, with shares of everything pledged in that period and ranks shared by amounts equal to the
-- cent. Then only $donors when it names any (alpha-3 codes): their shares stay shares of all donors.
-- Without a filter, in USD, the rows are the donor_totals mart's.
with

parts as (
    select
        s.donor,
        s.n_donors,
        p.announced_on,
        p.amount_reporting * coalesce(s.fraction, 0) as part
    from pledge_shares as s
    inner join report_pledges as p using (pledge_id)
    where p.program = $program
        and p.status = 'counted'
        and ($since is null or p.announced_on >= $since)
        and ($until is null or p.announced_on <= $until)
),

per_donor as (
    select
        donor,
        sum(part) as pledged,
        count(*) as n_pledges,
        count(*) filter (where n_donors > 1) as n_joint_pledges,
        min(announced_on) as first_pledge_on,
        max(announced_on) as last_pledge_on
    from parts
    group by donor
),

ranked as (
    select
        rank() over (order by round(pledged, 2) desc) as rank,
        donor,
        pledged,
        pledged / nullif(sum(pledged) over (), 0) as share,
        n_pledges,
        n_joint_pledges,
        first_pledge_on,
        last_pledge_on
    from per_donor
),

final as (
    select * from ranked
    where len($donors) = 0 or list_contains($donors, donor)
)

select * from final
order by rank, donor
