-- Recounts: re-reading the vote reactions of a channel's open cards from Slack and repairing the
-- stored votes from what was read. A recount is recorded in the transaction that asks for it
-- (the `recount` command, a meeting's kickoff) with one outbox `reactions.get` row per card, so
-- a restart loses none of it and the reads keep to Slack's rate limits. The outbox stores what
-- each read found; the `recount_finish` job repairs the votes and reports once every card is
-- read or given up (or its patience runs out).
create table recounts (
    id bigserial primary key,
    channel_id text not null,
    -- Who typed `recount`, and is told what changed; null for a meeting's recount.
    requested_by text,
    -- The meeting whose agenda waits for this recount; null for a person's recount.
    meeting_id bigint references meetings (id),
    created_at timestamptz not null,
    -- When the votes were repaired from the reads (and the report queued); null until then.
    finished_at timestamptz,
    -- A recount is for a person or for a meeting, never both.
    constraint recounts_one_requester check ((requested_by is null) <> (meeting_id is null)),
    -- A meeting's kickoff asks once.
    constraint recounts_meeting_unique unique (meeting_id)
);

-- One card a recount reads: what Slack said, or why it could not be read.
create table recount_cards (
    recount_id bigint not null references recounts (id) on delete cascade,
    topic_id bigint not null references topics (id),
    -- The card, as it was when the recount was asked for.
    channel_id text not null,
    message_ts text not null,
    -- What reactions.get answered: [["+1", ["U1", "U2"]], …]; null until it answered.
    reactions jsonb,
    -- When the call was made: Slack's answer shows the reactions at least as new as this, and
    -- the repair counts as an event of this moment (a reaction event newer than it still wins).
    read_at timestamptz,
    -- Why the outbox gave up on the read (Slack's error); null while it may still answer.
    failure text,
    primary key (recount_id, topic_id),
    constraint recount_cards_read_or_failed check (reactions is null or failure is null)
);
