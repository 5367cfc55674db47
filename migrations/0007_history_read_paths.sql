-- Read paths over a long history.
--
-- Stored search vectors for notes and decisions: matching and ranking read them instead of
-- parsing every row's text again (the planner may prefer a scan on small tables).
alter table notes add column search tsvector
    generated always as (to_tsvector('english', text)) stored;
alter table decisions add column search tsvector
    generated always as (to_tsvector('english', text)) stored;
drop index notes_search;
drop index decisions_search;
create index notes_search on notes using gin (search);
create index decisions_search on decisions using gin (search);

-- The digest and minutes read one meeting's notes, decisions and items.
create index notes_by_meeting on notes (meeting_id);
create index decisions_by_meeting on decisions (meeting_id);
create index action_items_by_meeting on action_items (meeting_id);
