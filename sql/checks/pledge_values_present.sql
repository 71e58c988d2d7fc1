-- Every pledge has donors, an amount (positive), a USD amount, an FX rate and an announcement date.
select pledge_id, donors, amount, currency, amount_usd, fx_rate_usd, announced_on
from pledge_ledger
where amount is null or isnan(amount) or amount <= 0
   or amount_usd is null or isnan(amount_usd)
   or fx_rate_usd is null or isnan(fx_rate_usd)
   or announced_on is null or fx_date is null
   or donors is null or len(donors) = 0
