-- The report's check against reference series for $program: reference_comparison's months that overlap
-- $since .. $until (null: open), in the reference's own currency (the unit both sides are compared in),
-- with the reference's cumulative figure also in the reporting currency at the rate of the month's last
-- day (today's for the month in progress), for the chart's line; null where the ECB has no rate.
select
    c.*,
    c.allocated_cumulative * r.rate as allocated_cumulative_reporting
from reference_comparison as c
left join report_rates as r
    on r.currency = c.currency
    and r.on_date = last_day(c.month)
where c.program = $program
    and ($since is null or last_day(c.month) >= $since)
    and ($until is null or c.month <= $until)
order by c.reference_source, c.month
