-- Every pledge id appears once in the ledger.
select pledge_id, count(*) as n_rows
from pledge_ledger
group by pledge_id
having count(*) > 1
