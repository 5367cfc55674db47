-- Emoji voting: the reactions that are votes, the events already handled, channel settings,
-- what we know about Slack users, and coalesced card refreshes in the outbox.

-- Every Events API delivery we have applied, so a redelivery (X-Slack-Retry-Num) changes
-- nothing.
create table slack_events (
    event_id text primary key,
    received_at timestamptz not null
);

-- Who currently has the vote emoji on which message. Keyed by the message rather than the
-- topic, so a reaction that arrives before the card's ts is recorded is not lost; a topic's
-- votes are the rows whose (channel_id, message_ts) is its card.
create table votes (
    channel_id text not null,
    message_ts text not null,
    user_id text not null,
    -- Whether the user has the reaction now; a removed vote keeps its row (a tombstone) so an
    -- older, redelivered "added" event cannot bring it back.
    present boolean not null,
    -- When the current vote was cast: dot-vote budgets count a person's earliest votes.
    voted_at timestamptz not null,
    -- Slack's event_ts of the latest event applied, in microseconds; older events are ignored.
    last_event_ts bigint not null,
    primary key (channel_id, message_ts, user_id)
);

-- A person's votes in a channel, for budgets.
create index votes_by_voter on votes (channel_id, user_id, voted_at) where present;

-- Per-channel settings (DESIGN §5). Absent row = all defaults.
create table channel_settings (
    channel_id text primary key,
    -- The reaction name that counts as a vote; skin-tone variants count too.
    vote_emoji text not null default '+1',
    -- Dot-vote budget: how many of a person's votes on open topics count; 0 = unlimited.
    votes_per_person integer not null default 0 check (votes_per_person >= 0),
    -- User ids who may run the meeting and change settings; empty = anyone in the channel.
    facilitators text[] not null default '{}',
    updated_at timestamptz,
    updated_by text
);

-- What users.info told us about a user: bots' reactions are not votes, and workspace admins
-- may withdraw others' topics.
create table slack_users (
    user_id text primary key,
    is_bot boolean not null default false,
    is_admin boolean not null default false,
    -- When users.info answered; null = not looked up yet (a voter we have just seen).
    fetched_at timestamptz
);

create index slack_users_to_look_up on slack_users (user_id) where fetched_at is null;

-- How many meetings an open topic has missed (shown on cards and agendas; ranks ties).
alter table topics add column times_deferred integer not null default 0;
-- Who withdrew a topic, and when.
alter table topics add column withdrawn_by text;
alter table topics add column withdrawn_at timestamptz;

-- A reaction finds its topic through the card.
create unique index topics_by_card on topics (channel_id, card_ts) where card_ts is not null;

-- Rows that may be merged: while one is waiting (not yet claimed), queuing another with the same
-- key only touches it. Claiming clears the key, so a change after a card was rendered queues a
-- fresh render.
alter table outbox add column coalesce_key text;
create unique index outbox_coalesce_key on outbox (coalesce_key) where coalesce_key is not null;
