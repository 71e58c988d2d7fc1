-- depends: none
-- pledges: one row per real-world pledge (not per article), the contract users' scripts rely on.
-- Staging only renames and casts; the ledger itself is built in Python (aidtrack/ledger/).
create or replace view pledges as
with

ledger as (
    select * from pledge_ledger
),

final as (
    select
        pledge_id,
        donors,
        amount,
        currency,
        amount_usd,
        announced_on,
        program,
        status,
        confidence,
        n_sources,
        first_url
    from ledger
)

select * from final
