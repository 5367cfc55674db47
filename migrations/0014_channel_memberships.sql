-- Whether the bot is in a channel, as it last learned: by joining it, from Slack's answers
-- (`not_in_channel`, `channel_not_found`, `is_archived`) and from the member_joined_channel,
-- member_left_channel and channel_left events about the bot. Slack sends a channel's message
-- and reaction events only to apps in it, so votes and notes depend on it.
create table channel_memberships (
    channel_id text primary key,
    is_member boolean not null,
    -- Why the bot is not in it: 'private' (it cannot join by itself), 'removed', 'archived'.
    reason text check (reason in ('private', 'removed', 'archived')),
    updated_at timestamptz not null
);
