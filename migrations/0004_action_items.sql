-- What meetings produce: action items with owners, decisions and notes; and the reminder runs
-- that DM owners about their open items.

-- Action items are numbered per workspace, like topics (`A7`).
alter table workspaces add column last_action_number integer not null default 0;

create table action_items (
    id bigserial primary key,
    team_id text not null references workspaces (team_id),
    number integer not null,
    -- The channel whose meeting the item belongs to (its reminders follow that channel).
    channel_id text not null,
    text text not null check (text <> ''),
    due_on date,
    topic_id bigint references topics (id),
    meeting_id bigint references meetings (id),
    created_by text not null,
    created_at timestamptz not null,
    state text not null default 'open' check (state in ('open', 'done', 'dropped')),
    closed_by text,
    closed_at timestamptz,
    -- Left out of reminder runs until this time (Snooze).
    snoozed_until timestamptz,
    -- The thread reply the item was captured from, if any: where the bot reacted, and what
    -- `undo` in that thread takes back.
    source_channel_id text,
    source_ts text,
    constraint action_items_number_unique unique (team_id, number)
);

create index action_items_open_by_channel on action_items (channel_id, created_at)
    where state = 'open';

create table action_owners (
    item_id bigint not null references action_items (id) on delete cascade,
    user_id text not null,
    primary key (item_id, user_id)
);

create index action_owners_by_user on action_owners (user_id);

create table decisions (
    id bigserial primary key,
    channel_id text not null,
    topic_id bigint references topics (id),
    meeting_id bigint references meetings (id),
    text text not null check (text <> ''),
    created_by text not null,
    created_at timestamptz not null,
    source_ts text
);

create index decisions_by_topic on decisions (topic_id);

-- Any other thread reply on a topic card: the discussion's notes.
create table notes (
    id bigserial primary key,
    channel_id text not null,
    topic_id bigint not null references topics (id),
    meeting_id bigint references meetings (id),
    text text not null,
    author_id text not null,
    created_at timestamptz not null,
    source_ts text not null,
    constraint notes_source_unique unique (channel_id, source_ts)
);

create index notes_by_topic on notes (topic_id);

-- One reminder run: the scheduled weekly run, the morning items fall due, or `remind`. Its key
-- makes a duplicated or retried run a no-op.
create table reminder_runs (
    run_key text primary key,
    channel_id text not null,
    started_at timestamptz not null,
    started_by text
);

-- The one DM each owner gets in a run, and the items it lists (fixed when the run starts).
create table reminder_dms (
    run_key text not null references reminder_runs (run_key),
    user_id text not null,
    item_ids bigint[] not null,
    -- Where the DM went, once Slack accepted it (to edit it when an item is done).
    dm_channel_id text,
    message_ts text,
    primary key (run_key, user_id)
);

-- A user's direct-message channel with the bot, from conversations.open.
alter table slack_users add column dm_channel_id text;
