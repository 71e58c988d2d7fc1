-- Every pledge has at least one citation of its own in pledge_sources (recaps and shares alone do not
-- make a pledge), except a pledge known only from background mentions (origin 'background'), which is
-- in review until an analyst confirms it and must have those mentions.
select l.pledge_id, l.donors, l.amount, l.currency, l.announced_on
from pledge_ledger as l
where not exists (
    select 1 from pledge_sources as s
    where s.pledge_id = l.pledge_id
      and (s.kind in ('pledge', 'curated', 'analyst') or (l.origin = 'background' and s.kind = 'recap'))
)
