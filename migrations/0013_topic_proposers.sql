-- Everyone a notes page names as proposing a topic, in the page's order: `<@U…>` for a Slack
-- user, otherwise the name as written. Empty for topics proposed in Slack, whose author_id is
-- the proposer. Replaces proposer_name, which held one name only.
alter table topics add column proposers text[] not null default '{}';

update topics set proposers = array[proposer_name] where proposer_name is not null;
update topics set proposers = array['<@' || author_id || '>']
where imported and author_id is not null and proposers = '{}';

alter table topics drop column proposer_name;
