-- Every pledge is counted, awaiting review or rejected by an analyst; program is a known one.
select pledge_id, status, program
from pledge_ledger
where status not in ('counted', 'review', 'rejected')
   or program not in ('PURL', 'bilateral', 'other')
