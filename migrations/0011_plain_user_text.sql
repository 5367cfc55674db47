-- Action items, decisions and notes typed in Slack were stored as Slack markup and shown as
-- they were, so `<!channel>`, `<!subteam^…>` or a disguised link typed into an item went live
-- in the bot's own messages. They are now stored as plain text with user mentions kept as
-- `<@U…>` and escaped where shown (src/slack/mrkdwn.rs); this turns the rows stored before into
-- that form. Rows of imported meetings were plain text already and are left as they are.

create function pg_temp.plain_keeping_mentions(markup text) returns text
language sql immutable as $$
    select replace(replace(replace(
        -- bare links, then labelled links: the label, then the address
        regexp_replace(regexp_replace(
        -- specials (<!here>, <!subteam^S1|@devs>): the label, or @name
        regexp_replace(regexp_replace(
        -- channels: #name, or #C123
        regexp_replace(regexp_replace(
        -- users: <@U1|ann> -> <@U1>
        regexp_replace(markup, '<@([A-Za-z0-9]+)\|[^>]*>', '<@\1>', 'g'),
        '<#([A-Za-z0-9]+)\|([^>]*)>', '#\2', 'g'),
        '<#([A-Za-z0-9]+)>', '#\1', 'g'),
        '<!([^|>]+)\|([^>]*)>', '\2', 'g'),
        '<!([^>]+)>', '@\1', 'g'),
        '<([a-z][a-z0-9+.-]*:[^|>]*)\|([^>]*)>', '\2 (\1)', 'gi'),
        '<([a-z][a-z0-9+.-]*:[^|>]*)>', '\1', 'gi'),
    '&lt;', '<'), '&gt;', '>'), '&amp;', '&')
$$;

update action_items set text = pg_temp.plain_keeping_mentions(text)
where meeting_id is null or meeting_id not in (select id from meetings where imported);

update decisions set text = pg_temp.plain_keeping_mentions(text)
where meeting_id is null or meeting_id not in (select id from meetings where imported);

update notes set text = pg_temp.plain_keeping_mentions(text)
where meeting_id is null or meeting_id not in (select id from meetings where imported);
