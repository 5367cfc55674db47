-- Signatures of the commands and interactions already handled. Slack never sends one of these
-- twice, so a second request with a signature seen before is a replay, and is refused. Rows
-- older than the signature window (5 minutes; the timestamp check refuses such requests
-- anyway) are pruned as new ones arrive.
create table seen_requests (
    signature text primary key,
    seen_at timestamptz not null
);

create index seen_requests_by_age on seen_requests (seen_at);
