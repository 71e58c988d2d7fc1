-- Every citation belongs to a pledge in the ledger.
select s.pledge_id, s.mention_id, s.url, s.kind
from pledge_sources as s
where s.pledge_id not in (select pledge_id from pledge_ledger)
