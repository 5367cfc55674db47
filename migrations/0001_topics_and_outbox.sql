-- The foundation: workspaces, topics, and the outbox of calls to Slack.

-- One row per Slack workspace (team) that has used the bot.
create table workspaces (
    team_id text primary key,
    -- The number given to the workspace's latest topic; topics are numbered per workspace
    -- (`#12`), and this counter is bumped under the row lock so numbers never repeat.
    last_topic_number integer not null default 0,
    created_at timestamptz not null default now()
);

create table topics (
    id bigserial primary key,
    team_id text not null references workspaces (team_id),
    number integer not null,
    channel_id text not null,
    author_id text not null,
    -- Canonical intent names in the order the proposer wrote them. Imported topics may have
    -- none; proposals from Slack always have at least one (the parser insists).
    intents text[] not null default '{}'
        check (intents <@ array['inform', 'ideation', 'analysis', 'quest', 'discuss']),
    -- Plain text (not Slack markup); escaped again whenever it is shown in Slack.
    title text not null check (title <> ''),
    state text not null default 'open'
        check (state in ('open', 'discussing', 'discussed', 'withdrawn')),
    -- The `ts` of the topic card in `channel_id`, once Slack has accepted the post.
    card_ts text,
    created_at timestamptz not null,
    constraint topics_number_unique unique (team_id, number)
);

-- The backlog of a channel: its open topics.
create index topics_open_in_channel on topics (channel_id, created_at) where state = 'open';

-- Every call to Slack made after a request was acknowledged. A worker claims due rows with
-- `for update skip locked` and a lease, makes the call, and records the outcome.
create table outbox (
    id bigserial primary key,
    -- Names the intent ("topic-card:42"), so the same intent is never queued twice.
    idempotency_key text not null,
    -- The call: {"method": "chat.postMessage", "args": {...}} (see src/slack/call.rs).
    call jsonb not null,
    -- What to record once Slack accepts the call, e.g. the card's ts on its topic.
    after_send jsonb,
    state text not null default 'pending' check (state in ('pending', 'done', 'dead')),
    -- Attempts started so far; also fences a worker whose lease ran out.
    attempts integer not null default 0,
    -- Not to be tried before this time (backoff and Retry-After).
    next_attempt_at timestamptz not null,
    -- Reserved by a worker until this time; null when nobody holds it.
    lease_until timestamptz,
    last_error text,
    -- What Slack returned on success (channel, ts).
    receipt jsonb,
    created_at timestamptz not null,
    finished_at timestamptz,
    constraint outbox_idempotency_key_unique unique (idempotency_key)
);

create index outbox_due on outbox (next_attempt_at) where state = 'pending';

-- Dead rows stay for inspection; this keeps counting them cheap.
create index outbox_dead on outbox (id) where state = 'dead';
