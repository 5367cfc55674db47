-- Each channel's calendar feed (`/archtopic calendar`, `GET /calendar/{token}.ics`), made the
-- first time someone in the channel asks for it.
create table channel_calendars (
    channel_id text primary key,
    -- The workspace the channel is in: the feed links to the channel through it.
    team_id text not null,
    -- The secret in the feed's address: 32 random bytes as 64 hex digits. Kept as it is, not
    -- hashed, because `calendar` shows the address again whenever someone in the channel asks;
    -- it reads only the channel's schedule and agenda, which everyone there sees anyway, and
    -- `calendar reset` replaces it (the old address then finds nothing).
    token text not null unique,
    created_at timestamptz not null,
    -- When a facilitator last replaced the token, and who.
    reset_at timestamptz,
    reset_by text,
    -- The meeting series the feed shows: the schedule it follows, as `config` prints it
    -- (`wed 11:00 America/New_York 1h`); its first meeting; and its RFC 5545 SEQUENCE, bumped
    -- each time the schedule changes and the series starts again at the new schedule.
    series_schedule text not null,
    series_start timestamptz not null,
    series_sequence integer not null default 0
);
