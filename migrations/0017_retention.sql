-- Retention: the daily `retention` job forgets old delivery bookkeeping in small batches (event
-- ids, vote tombstones, finished outbox rows and jobs). Each batch finds its rows through one of
-- these indexes, so it reads what it deletes and nothing else, and ends within milliseconds.

-- Event ids by when they arrived: those older than Slack could still redeliver are pruned.
create index slack_events_by_age on slack_events (received_at);

-- Removed votes by the Slack event time that removed them.
create index votes_tombstones_by_age on votes (last_event_ts) where not present;

-- Finished outbox rows by state and age (done rows are kept 30 days, dead ones 90 by default).
create index outbox_finished_by_age on outbox (state, finished_at) where state <> 'pending';

-- Finished jobs (done, cancelled, failed) by age.
create index jobs_finished_by_age on jobs (finished_at) where state <> 'pending';

-- The event time below which reaction events are ignored, published by each retention run.
-- A removed vote's tombstone is what stops an older, redelivered "added" event from bringing
-- it back; once the tombstone is pruned, this floor does: the vote batcher drops reaction events
-- older than it. A run prunes only tombstones below a floor published long enough ago that every
-- running process has read it (processes read it again each minute), so no process can still
-- apply an event the pruned tombstone would have stopped. One row at most; the floor only rises.
create table vote_event_floor (
    only_row boolean primary key default true check (only_row),
    -- Reaction events whose Slack event time is older are ignored.
    ignored_before timestamptz not null,
    -- When the floor was last raised.
    published_at timestamptz not null
);
