-- The meeting: durable scheduled jobs, meetings and their topics, and the settings that time
-- them.

-- Every scheduled step (time-box warning, time's up, vote close, pre-meeting nudges, later
-- digests and reminders). A worker claims due rows with `for update skip locked` and a lease,
-- and marks a row done in the same transaction as its effects, so each runs exactly once.
create table jobs (
    id bigserial primary key,
    -- Names the step ("box-end:meeting:4:v7"), so scheduling it twice is a no-op.
    dedupe_key text not null,
    -- What the step is about ("meeting:4"), so a state change can cancel its pending steps.
    subject text not null,
    -- The step and its arguments (see src/jobs/job.rs).
    payload jsonb not null,
    due_at timestamptz not null,
    state text not null default 'pending'
        check (state in ('pending', 'done', 'cancelled', 'failed')),
    -- Attempts started; also fences a worker whose lease ran out.
    attempts integer not null default 0,
    lease_until timestamptz,
    last_error text,
    created_at timestamptz not null,
    finished_at timestamptz,
    constraint jobs_dedupe_key_unique unique (dedupe_key)
);

create index jobs_due on jobs (due_at) where state = 'pending';
create index jobs_pending_by_subject on jobs (subject) where state = 'pending';

-- One meeting of a channel, from `start` to `end`.
create table meetings (
    id bigserial primary key,
    team_id text not null,
    channel_id text not null,
    started_by text not null,
    started_at timestamptz not null,
    ended_at timestamptz,
    -- Where the meeting is: starting (recounting, posting the agenda), discussing a topic,
    -- voting on whether to keep going, idle (agenda exhausted), or ended.
    phase text not null default 'starting'
        check (phase in ('starting', 'discussing', 'voting', 'idle', 'ended')),
    -- The topic being discussed or voted on, and its round (1 = the first time box).
    topic_id bigint references topics (id),
    round integer,
    -- When the current time box ends (discussing) or the vote closes (voting).
    phase_ends_at timestamptz,
    -- Bumped on every change of phase; scheduled steps carry the version they were made for
    -- and do nothing if it has moved on.
    version integer not null default 1,
    -- The "Time's up" message whose 👍/👎 reactions decide whether to keep going.
    vote_message_ts text
);

-- A channel runs at most one meeting at a time.
create unique index meetings_one_running_per_channel on meetings (channel_id)
    where phase <> 'ended';
create index meetings_by_channel on meetings (channel_id, started_at);

-- A topic as discussed in a meeting: the record minutes and digests are made from.
create table meeting_topics (
    meeting_id bigint not null references meetings (id),
    topic_id bigint not null references topics (id),
    -- Order in which the meeting took its topics (1 = first).
    position integer not null,
    -- Counted votes when the discussion started.
    votes integer not null,
    rounds integer not null default 1,
    -- Time boxes granted, in seconds (planned), against started_at..ended_at (actual).
    planned_seconds integer not null,
    started_at timestamptz not null,
    ended_at timestamptz,
    -- The room wanted more when the last time box ran out.
    needs_follow_up boolean not null default false,
    primary key (meeting_id, topic_id)
);

-- The meeting a topic was discussed in.
alter table topics add column discussed_in bigint references meetings (id);

-- Timing settings (DESIGN §5); the columns' defaults are the documented defaults.
alter table channel_settings add column schedule_weekday smallint not null default 3
    check (schedule_weekday between 1 and 7); -- ISO weekday: 1 = Monday … 7 = Sunday
alter table channel_settings add column schedule_time time not null default '11:00';
alter table channel_settings add column schedule_tz text not null default 'UTC';
alter table channel_settings add column meeting_seconds integer not null default 3600;
-- The time boxes in order: the first box, then each extension the room may vote for.
alter table channel_settings add column timebox_seconds integer[] not null default '{600,300,300}'
    check (cardinality(timebox_seconds) >= 1);
-- How long before a box ends the warning is posted; 0 = no warning.
alter table channel_settings add column warning_seconds integer not null default 120;
alter table channel_settings add column vote_window_seconds integer not null default 60;
-- When the weekly digest is posted and reminder DMs are sent (ISO weekday and local time);
-- a null weekday turns it off.
alter table channel_settings add column digest_weekday smallint default 1;
alter table channel_settings add column digest_time time not null default '09:00';
alter table channel_settings add column reminders_weekday smallint default 2;
alter table channel_settings add column reminders_time time not null default '10:00';

-- Messages to one channel are sent in the order they were queued ("Time's up" never before
-- "Now discussing"): a row with a sequence key waits while an earlier row with the same key is
-- pending. Card edits and private messages have none.
alter table outbox add column sequence_key text;
create index outbox_sequence on outbox (sequence_key, id)
    where state = 'pending' and sequence_key is not null;
