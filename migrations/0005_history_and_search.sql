-- The group's history: topics and meetings imported from notes pages, nested notes for
-- minutes, full-text search, and the weekly digest's record.

-- Imported topics may name their proposer only as written on the page.
alter table topics alter column author_id drop not null;
alter table topics add column proposer_name text;
-- Imported topics keep the vote count the page gave them; it adds to any Slack votes.
alter table topics add column imported boolean not null default false;
alter table topics add column imported_votes integer not null default 0;

-- A meeting's heading ("Arch Hour", "Arch Lunch") and the day it was held, in its channel's
-- time zone.
alter table meetings add column title text not null default 'Arch Hour';
alter table meetings add column held_on date;
alter table meetings add column imported boolean not null default false;
-- Importing the same page twice adds nothing.
create unique index meetings_imported_once on meetings (channel_id, held_on, title)
    where imported;

-- Owners an imported page names without a Slack account (`Mark will …`).
alter table action_items add column owner_names text[] not null default '{}';

-- Notes nest, as pages write them; `position` orders siblings.
alter table notes add column parent_id bigint references notes (id) on delete cascade;
alter table notes add column position integer not null default 0;
alter table notes alter column source_ts drop not null;
alter table notes alter column author_id drop not null;

-- Full-text search over titles, notes and decisions.
alter table topics add column search tsvector
    generated always as (to_tsvector('english', title)) stored;
create index topics_search on topics using gin (search);
create index notes_search on notes using gin (to_tsvector('english', text));
create index decisions_search on decisions using gin (to_tsvector('english', text));

-- Each digest posted: at most one per channel per period, however many processes run.
create table digests (
    channel_id text not null,
    -- The digest week it covers, named by the scheduled time that starts it.
    period text not null,
    posted_at timestamptz not null,
    primary key (channel_id, period)
);
