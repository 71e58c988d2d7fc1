-- Pledges awaiting an analyst: status 'review' (low extraction confidence), newest first, with the
-- number of sources and the first URL that reported them. Their amounts are NOT in the totals.
--   duckdb -readonly warehouse/aid.duckdb < sql/queries/pledges_needing_review.sql
--   aidtrack sql sql/queries/pledges_needing_review.sql
select
    pledge_id,
    announced_on,
    program,
    array_to_string(donors, ', ') as donors,
    round(amount / 1e6, 1) || 'm ' || currency as stated,
    round(amount_usd / 1e6, 1) as amount_musd,
    round(confidence, 2) as confidence,
    n_sources,
    first_url
from pledges
where status = 'review'
order by announced_on desc, pledge_id;
