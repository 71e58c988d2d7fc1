-- The retry ledger: every article URL that was discovered but not fetched and parsed stays owed until
-- it is, or until it is given up with its reason. Feed validators only shorten discovery; this table is
-- what makes sure a page that failed once (5xx, timeout, Ctrl-C, robots change, parse error) is asked
-- for again by later runs, whether or not its feed changed.
create table owed_urls (
    source          varchar not null,
    url             varchar not null,      -- the article URL as discovered
    status          varchar not null,      -- owed | given_up
    tries           integer not null,      -- failed attempts so far (an interrupted run does not count)
    first_owed_at   timestamptz not null,
    last_tried_at   timestamptz,
    next_try_at     timestamptz not null,
    last_reason     varchar not null,      -- why the last attempt did not give a document
    published_hint  timestamptz,           -- the date the feed/sitemap/listing gave, kept for the retry
    primary key (source, url)
);
