-- The workspaces archhour is installed in through "Add to Slack" (OAuth v2, `GET
-- /slack/install`), one row per workspace; a re-install replaces the row's token and details.
-- Uninstalling (`app_uninstalled`, or `tokens_revoked` for the bot) deletes the row; the
-- workspace's topics, votes and meetings stay.
create table installations (
    team_id text primary key,
    -- The Enterprise Grid organisation, when the workspace belongs to one.
    enterprise_id text,
    -- The bot token (`xoxb-…`), sealed with ChaCha20-Poly1305: never stored in the clear. The
    -- associated data is `team_id`, so a ciphertext copied to another row does not open.
    bot_token_ciphertext bytea not null,
    -- The 12 random bytes the token was sealed with, new for every seal.
    bot_token_nonce bytea not null,
    -- Which key sealed it (8 hex digits derived from the key, never the key): after a rotation,
    -- rows sealed with ARCHHOUR_SECRET_KEY_PREVIOUS are found by it and sealed again.
    key_id text not null,
    bot_user_id text not null,
    app_id text not null,
    -- The bot scopes granted, comma-separated as Slack lists them.
    scopes text not null,
    -- Who clicked "Allow".
    installer_user_id text not null,
    installed_at timestamptz not null,
    -- The last re-install (equal to installed_at until one).
    updated_at timestamptz not null
);

-- The workspace a queued call is for: the worker makes it with that workspace's installation's
-- token, or SLACK_BOT_TOKEN when it has none (single-workspace mode). Null, as every row queued
-- before this and every row queued without a workspace: SLACK_BOT_TOKEN.
alter table outbox add column team_id text;
