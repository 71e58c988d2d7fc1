-- Why the extractor read each mention as it did: the rule that decided its kind, how its donors and its
-- programme were found (shown by `aidtrack review` and `aidtrack extract --explain`).
alter table mentions add column trace varchar[];
