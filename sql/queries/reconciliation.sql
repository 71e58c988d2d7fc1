-- Reconciliation: each running total officials reported (extracted from the news) beside what our
-- ledger counted for the same program (and donors) up to that date. Amounts in USD millions;
-- diff_musd < 0: we count less than officials said. The reconciliation mart has the quotes too.
--   duckdb -readonly warehouse/aid.duckdb < sql/queries/reconciliation.sql
--   aidtrack sql sql/queries/reconciliation.sql
select
    program,
    reported_on,
    coalesce(nullif(array_to_string(donors, ', '), ''), 'all') as donors,
    round(reported_amount / 1e6, 1) || 'm ' || currency as stated,
    round(reported_usd / 1e6, 1) as reported_musd,
    round(our_usd / 1e6, 1) as ours_musd,
    our_n_pledges as n_ours,
    round(difference_usd / 1e6, 1) as diff_musd,
    round(100 * difference_ratio, 1) as diff_pct,
    our_n_review as n_review,
    url
from reconciliation
order by program, reported_on desc;
