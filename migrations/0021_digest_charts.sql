-- The weekly digest's chart (issue 20): when `ARCHHOUR_PUBLIC_URL` is set, the digest message
-- carries an image Slack fetches from `GET /charts/{chart_token}.png`, drawn on demand from
-- what the digest kept here, so it shows the data as it was when the digest was posted.

-- The secret in the image's address: 32 random bytes as 64 hex digits, new for each digest.
-- No sign-in guards the image (Slack's servers fetch it without cookies), so the token is the
-- capability, as the calendar feed's is. It reveals one picture: counts of the channel's
-- action items per month, without titles, owners, topics or the channel's name. Null for a
-- digest without a chart (no public URL then, or a channel that never had an action item).
alter table digests add column chart_token text unique;

-- What the chart draws: the channel's open and closed action items at the end of each month,
-- `[{"month": "2026-11-01", "open": 2, "closed": 5}, …]`, oldest first, at most a year.
alter table digests add column chart_months jsonb;

alter table digests add constraint digests_chart_whole
    check ((chart_token is null) = (chart_months is null));
