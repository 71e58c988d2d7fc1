-- Every pledge's currency is one the ECB publishes reference rates for (check_known_currencies is filled
-- from aidtrack.ledger.fx before the checks run).
select pledge_id, currency, amount, first_url
from pledge_ledger
where currency not in (select code from check_known_currencies)
