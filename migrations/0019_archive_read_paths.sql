-- The web archive's read paths (issue 20), timed on a channel of 100,000 topics in
-- docs/BENCHMARKS.md, "Web archive pages".

-- A topic's action items are found by topic: the topic page, and a meeting's minutes (all its
-- topics' items in one statement) read them so.
create index action_items_by_topic on action_items (topic_id);

-- `/archive` lists a workspace's channels with topics by skipping from one channel id to the
-- next in this index (a loose index scan) instead of grouping every topic of the workspace.
create index topics_by_team_channel on topics (team_id, channel_id);
-- And counts each one's open topics of the workspace from this index alone. Read through
-- `topics_open_in_channel`, each count fetched every open topic's row to check its workspace,
-- and the plan's cost was high enough for PostgreSQL to compile it (JIT): 12 ms a view.
create index topics_open_by_channel_team on topics (channel_id, team_id) where state = 'open';

-- The intent mix per quarter (the channel page's chart), maintained rather than counted: how
-- many of a channel's topics (not withdrawn) proposed in a quarter (UTC) carry an intent. A
-- topic with two intents counts for both. Counting it from `topics` read every topic of the
-- channel on each view.
create table topic_intent_counts (
    channel_id text not null,
    quarter date not null,
    intent text not null,
    topics bigint not null,
    primary key (channel_id, quarter, intent)
);

-- Kept by statement-level triggers over the rows a statement changed: one upsert per
-- (channel, quarter, intent) however many topics a statement writes (an import, a generated
-- benchmark), and none when a change leaves the counts as they were (a topic discussed, edited).
-- Each changed topic's intents count +1 as the topic is now and -1 as it was.
-- Concurrent statements do not lose counts: the upsert adds to the row as last committed (a
-- second writer waits for the first's row lock, then adds to its result), never to a value read
-- earlier; the rows are written in key order, so two statements touching the same counts lock
-- them in the same order and cannot deadlock each other. tests/api/archive_counts.rs checks it.
create function topic_intent_counts_apply() returns trigger language plpgsql as $$
declare
    changes text := case tg_op
        when 'INSERT' then
            'select channel_id, created_at, intents, state, 1 as change from changed_new'
        when 'DELETE' then
            'select channel_id, created_at, intents, state, -1 as change from changed_old'
        else
            'select channel_id, created_at, intents, state, 1 as change from changed_new
             union all
             select channel_id, created_at, intents, state, -1 from changed_old'
    end;
begin
    execute format(
        'insert into topic_intent_counts as c (channel_id, quarter, intent, topics)
         select channel_id, date_trunc(''quarter'', created_at at time zone ''UTC'')::date, intent,
                sum(change)
         from (%s) changed, unnest(changed.intents) as intent
         where state <> ''withdrawn''
         group by 1, 2, 3
         having sum(change) <> 0
         order by 1, 2, 3
         on conflict (channel_id, quarter, intent) do update set topics = c.topics + excluded.topics',
        changes);
    return null;
end $$;

create trigger topics_intent_counts_insert after insert on topics
    referencing new table as changed_new
    for each statement execute function topic_intent_counts_apply();
create trigger topics_intent_counts_update after update on topics
    referencing old table as changed_old new table as changed_new
    for each statement execute function topic_intent_counts_apply();
create trigger topics_intent_counts_delete after delete on topics
    referencing old table as changed_old
    for each statement execute function topic_intent_counts_apply();

insert into topic_intent_counts (channel_id, quarter, intent, topics)
select t.channel_id, date_trunc('quarter', t.created_at at time zone 'UTC')::date, intent, count(*)
from topics t, unnest(t.intents) as intent
where t.state <> 'withdrawn'
group by 1, 2, 3;
