-- How each document's language was decided (source | page | feed | detected | "detected (page said en)"
-- | unknown) and whether the extractor read it: a page in a language without a lexicon is kept, counted
-- in the run summary and read once its language is added (`aidtrack reprocess`). A source's `language`
-- is now an optional override, so it may be null.
alter table documents add column language_how varchar;
alter table documents add column language_read boolean;
alter table sources alter column language drop not null;
-- Until now a source without a `language:` was stored as en; the next run stores its real override.
update sources set language = null where language = 'en';
