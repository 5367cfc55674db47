-- Counted votes per message, kept in step with `votes` by the statement that changes them,
-- so the agenda is a lookup per open topic rather than a count over every vote.

create table vote_tallies (
    channel_id text not null,
    message_ts text not null,
    -- People (not known bots) who have the vote reaction on the message now.
    votes integer not null default 0,
    primary key (channel_id, message_ts)
);

insert into vote_tallies (channel_id, message_ts, votes)
select v.channel_id, v.message_ts, count(*)
from votes v
where v.present
  and not exists (select 1 from slack_users u where u.user_id = v.user_id and u.is_bot)
group by v.channel_id, v.message_ts;

-- Topics proposed since a day (the digest), in any state.
create index topics_by_channel_created on topics (channel_id, created_at);
