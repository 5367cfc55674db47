-- Whether the last attempt at a call may have taken effect without our knowing: set when a
-- worker claims the row, cleared when Slack's answer shows the call was refused (a 429, an
-- error before sending). A row claimed again while it is set may already be in Slack (the
-- worker died, or the answer was lost), so a message is first looked for in the channel's
-- history by the marker it carries in its metadata, and not posted twice.
alter table outbox add column unconfirmed boolean not null default false;
