-- People on the web archive's pages by name (issue 20): the name `users.info` gives (the
-- profile's display name, else the full name), kept by the background user directory beside
-- what it already stores. Null: not asked yet (every user known before this migration is asked
-- once); '': Slack gave none. A page never asks Slack: it shows the names stored here, and
-- notes the users it could only show by id for the directory to look up.
alter table slack_users add column display_name text;

-- Users whose kind is known but not their name, for the directory to ask after the new ones.
create index slack_users_to_name on slack_users (user_id)
    where display_name is null and fetched_at is not null;
