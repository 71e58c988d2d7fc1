-- Every target has a positive monthly amount in a known currency and ends (if it does) after it starts.
select target_id, program, amount_per_month, currency, valid_from, valid_to
from targets
where amount_per_month is null or amount_per_month <= 0
   or currency not in (select code from check_known_currencies)
   or (valid_to is not null and valid_to < valid_from)
