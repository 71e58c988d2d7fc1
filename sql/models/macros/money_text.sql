-- depends: none
-- money_text(amount, currency): an amount as people write it, for the sentences the marts build
-- (reconciliation's summary, reference_comparison's reading): $4.00bn, -€456.7m, CAD 200.0m, £12000;
-- 'n/a' when the amount is unknown. The one money formatter of the SQL models: a mart that writes an
-- amount in words calls it (and declares `macros/money_text` in its depends line).
create or replace macro money_text(amount, currency) as
    case
        when amount is null then 'n/a'
        else (case when amount < 0 then '-' else '' end)
            || (case currency when 'USD' then '$' when 'EUR' then '€' when 'GBP' then '£' else currency || ' ' end)
            || (case
                when abs(amount) >= 1e9 then printf('%.2fbn', abs(amount) / 1e9)
                when abs(amount) >= 1e6 then printf('%.1fm', abs(amount) / 1e6)
                else printf('%.0f', abs(amount))
            end)
    end
