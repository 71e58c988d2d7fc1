-- No pledge is announced after today (a typo in a curated row, or a due date read as the announcement).
select pledge_id, announced_on, donors, amount, currency, first_url
from pledge_ledger
where announced_on > current_date
