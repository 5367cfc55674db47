-- The architecture challenges log: issues in categories, each with dated anecdotes, an
-- occurrence count and a status; numbered per workspace like topics (`challenge 7` is C7).

alter table workspaces add column last_challenge_number integer not null default 0;

create table challenge_issues (
    id bigserial primary key,
    team_id text not null references workspaces (team_id),
    number integer not null,
    channel_id text not null,
    category text not null check (category <> ''),
    title text not null check (title <> ''),
    -- How many times it happened. Null when an imported page left the count blank and
    -- nothing has been recorded since; each anecdote recorded in Slack adds one.
    occurrences integer check (occurrences >= 0),
    -- Free text, often a ticket and how far it got. Empty for none.
    status text not null default '',
    status_set_by text,
    status_set_at timestamptz,
    imported boolean not null default false,
    created_by text,
    created_at timestamptz not null,
    unique (team_id, number)
);

-- One issue of a name per category per channel, whatever the case.
create unique index challenge_issues_by_name
    on challenge_issues (channel_id, lower(category), lower(title));

create table challenge_anecdotes (
    id bigserial primary key,
    issue_id bigint not null references challenge_issues (id) on delete cascade,
    channel_id text not null,
    text text not null check (text <> ''),
    team text,
    -- The date as written ("April 6, 2020", "~Aug, 2021") and the day it means; both null
    -- for the undated descriptions some page rows hold.
    when_written text,
    happened_on date,
    imported boolean not null default false,
    recorded_by text,
    recorded_at timestamptz not null,
    -- What recorded it, so a form submitted twice records once ("view:V123").
    source text unique,
    position integer not null
);

create index challenge_anecdotes_by_issue on challenge_anecdotes (issue_id, position);
create index challenge_anecdotes_recorded
    on challenge_anecdotes (channel_id, recorded_at) where not imported;
-- Importing a page again adds none of its anecdotes twice.
create unique index challenge_anecdotes_imported_once
    on challenge_anecdotes (issue_id, md5(coalesce(when_written, '') || '|' || text))
    where imported;

-- A topic proposed from an issue with "Discuss at Arch Hour"; one on the agenda at a time.
alter table topics add column challenge_id bigint references challenge_issues (id);
create unique index topics_one_active_per_challenge on topics (challenge_id)
    where challenge_id is not null and state in ('open', 'discussing');
