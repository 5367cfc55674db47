-- Each workspace installed through "Add to Slack" acts with its own bot: a scheduled step
-- runs for the workspace it was scheduled for (its Slack calls carry that workspace's token,
-- and uninstalling the app there cancels its pending steps), a voter is looked up in the
-- workspace they voted in, a card's refresh is made with its workspace's token, and the
-- installation remembers the workspace's address, for links to its messages.

-- The workspace a step is for. Null, as every step scheduled before this and those about no
-- workspace (the daily retention run): SLACK_BOT_TOKEN's.
alter table jobs add column team_id text;
create index jobs_pending_by_team on jobs (team_id) where state = 'pending' and team_id is not null;

-- The workspace's address (`https://acme.slack.com/`), as `auth.test` with the installed token
-- answered at install time. Null for installations recorded before this: links to messages
-- use slack.com until the workspace installs again.
alter table installations add column team_url text;

-- The workspace a user was met in: `users.info` is asked with that workspace's token. Null for
-- users met before this (and met outside a workspace's card): SLACK_BOT_TOKEN's.
alter table slack_users add column team_id text;

-- apply_votes (0016) as it was, but the card refreshes it queues name the card's workspace
-- and the new voters it notes the workspace of the card they voted on.
create or replace function apply_votes(
    event_ids text[],
    channel_ids text[],
    message_ts text[],
    user_ids text[],
    reactions text[],
    added boolean[],
    event_ts bigint[],
    applied_at timestamptz,
    default_vote_emoji text,
    refresh_delay interval,
    in_transaction boolean,
    out needs_transaction boolean,
    out budgeted_channels text[],
    out fresh_events integer,
    out changed_channel_ids text[],
    out changed_message_ts text[],
    out changed_user_ids text[],
    out changed_present boolean[],
    out changed_voted_at timestamptz[],
    out queued_refreshes integer,
    out new_voters integer
)
language plpgsql
-- Planned once per connection: planning the statement below anew costs more than running it
-- (about 1 ms against 0.3 ms for one event), and the default would plan it anew for the first
-- calls on each connection and again after each analysis of these busy tables.
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
    -- One batch serves every channel: a lock held elsewhere fails it (and Slack redelivers)
    -- rather than stopping every later vote behind it.
    perform set_config('lock_timeout', '2s', true);

    select coalesce(array_agg(s.channel_id order by s.channel_id), '{}')
    into budgeted_channels
    from channel_settings s
    where s.channel_id = any (apply_votes.channel_ids) and s.votes_per_person > 0;

    needs_transaction := cardinality(budgeted_channels) > 0 and not in_transaction;
    if needs_transaction then
        fresh_events := 0;
        changed_channel_ids := '{}';
        changed_message_ts := '{}';
        changed_user_ids := '{}';
        changed_present := '{}';
        changed_voted_at := '{}';
        queued_refreshes := 0;
        new_voters := 0;
        return;
    end if;

    -- A budget counts a person's earliest votes: writers of a budgeted channel's votes take
    -- turns (in channel order), so what the follow-up reads is what its notices describe. The
    -- statement below takes a new snapshot and sees what they committed.
    perform pg_advisory_xact_lock(hashtextextended('votes:' || c, 0))
    from unnest(budgeted_channels) as c
    order by c;

    with incoming as (
        select *
        from unnest(apply_votes.event_ids, apply_votes.channel_ids, apply_votes.message_ts,
                    apply_votes.user_ids, apply_votes.reactions, apply_votes.added,
                    apply_votes.event_ts)
             with ordinality
             as i(event_id, channel_id, message_ts, user_id, reaction, present, event_ts, position)
    ),
    fresh as (
        insert into slack_events as e (event_id, received_at)
        select distinct i.event_id, applied_at
        from incoming i
        where i.event_id is not null
        order by i.event_id
        on conflict (event_id) do nothing
        returning e.event_id
    ),
    -- The latest change per person and message among the new events with the vote emoji (the
    -- earlier of two with the same event_ts).
    latest as (
        select distinct on (i.channel_id, i.message_ts, i.user_id)
               i.channel_id, i.message_ts, i.user_id, i.present, i.event_ts
        from incoming i
        left join channel_settings s on s.channel_id = i.channel_id
        where (i.event_id is null or i.event_id in (select f.event_id from fresh f))
          and (i.reaction is null or i.reaction = coalesce(s.vote_emoji, default_vote_emoji))
        order by i.channel_id, i.message_ts, i.user_id, i.event_ts desc, i.position
    ),
    -- Newer events win whatever order they arrive in; an older one changes nothing.
    written as (
        insert into votes as v
               (channel_id, message_ts, user_id, present, was_present, voted_at, last_event_ts)
        select l.channel_id, l.message_ts, l.user_id, l.present, false, applied_at, l.event_ts
        from latest l
        order by l.channel_id, l.message_ts, l.user_id
        on conflict on constraint votes_pkey do update
            set was_present = v.present,
                present = excluded.present,
                voted_at = case when excluded.present and not v.present
                                then excluded.voted_at else v.voted_at end,
                last_event_ts = excluded.last_event_ts
            where v.last_event_ts < excluded.last_event_ts
        returning v.channel_id, v.message_ts, v.user_id, v.present, v.was_present, v.voted_at
    ),
    changed as (
        select w.channel_id, w.message_ts, w.user_id, w.present, w.voted_at
        from written w
        where w.present <> w.was_present
    ),
    -- People who are not known bots, on each message.
    tallied as (
        insert into vote_tallies as t (channel_id, message_ts, votes)
        select c.channel_id, c.message_ts, sum(case when c.present then 1 else -1 end)
        from changed c
        where not exists (select 1 from slack_users u where u.user_id = c.user_id and u.is_bot)
        group by c.channel_id, c.message_ts
        order by c.channel_id, c.message_ts
        on conflict on constraint vote_tallies_pkey
        do update set votes = t.votes + excluded.votes
        returning 1
    ),
    -- An edit of each voted open (or being discussed) card, unless one is already waiting to
    -- be sent by then: the same outbox row as `Delivery::refresh_card` queues.
    refreshed as (
        insert into outbox as o
               (idempotency_key, call, next_attempt_at, created_at, coalesce_key, team_id)
        select 'card-refresh:' || t.id || ':' || md5(random()::text),
               jsonb_build_object('render', 'topic_card', 'topic_id', t.id),
               applied_at + refresh_delay, applied_at, 'card:' || t.id, t.team_id
        from topics t
        where (t.channel_id, t.card_ts) in (select c.channel_id, c.message_ts from changed c)
          and t.state in ('open', 'discussing')
          and not exists (select 1 from outbox waiting
                          where waiting.coalesce_key = 'card:' || t.id
                            and waiting.next_attempt_at <= applied_at + refresh_delay)
        order by 'card:' || t.id
        on conflict (coalesce_key) where coalesce_key is not null
        do update set next_attempt_at = excluded.next_attempt_at
            where excluded.next_attempt_at < o.next_attempt_at
        returning 1
    ),
    -- Voters we have not seen, for the directory to look up in the workspace of the card
    -- they voted on.
    noted as (
        insert into slack_users as u (user_id, team_id)
        select distinct on (c.user_id) c.user_id, t.team_id
        from changed c
        left join topics t on t.channel_id = c.channel_id and t.card_ts = c.message_ts
        where not exists (select 1 from slack_users known where known.user_id = c.user_id)
        order by c.user_id, t.team_id
        on conflict (user_id) do nothing
        returning 1
    )
    select (select count(*) from fresh),
           coalesce(array_agg(c.channel_id order by c.channel_id, c.message_ts, c.user_id), '{}'),
           coalesce(array_agg(c.message_ts order by c.channel_id, c.message_ts, c.user_id), '{}'),
           coalesce(array_agg(c.user_id order by c.channel_id, c.message_ts, c.user_id), '{}'),
           coalesce(array_agg(c.present order by c.channel_id, c.message_ts, c.user_id), '{}'),
           coalesce(array_agg(c.voted_at order by c.channel_id, c.message_ts, c.user_id), '{}'),
           (select count(*) from refreshed),
           (select count(*) from noted)
    into fresh_events, changed_channel_ids, changed_message_ts, changed_user_ids,
         changed_present, changed_voted_at, queued_refreshes, new_voters
    from changed c;
end;
$$;
