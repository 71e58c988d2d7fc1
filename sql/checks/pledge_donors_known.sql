-- Every donor is an ISO 3166-1 alpha-3 code the extractor's lexicons know, or on the allow-list (EUU).
select pledge_id, donor, donors, first_url
from (select pledge_id, unnest(donors) as donor, donors, first_url from pledge_ledger)
where donor not in (select code from check_known_donors)
