//! Full-text search over topics (titles, notes, decisions), and topics similar to a new one.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::history::{UNKNOWN_TEAM, reachable_from};
use super::topics;
use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::topics::{Found, WordCounts};

/// Topics of a channel that `team_id` may reach ([`reachable_from`]) matching `words` in their
/// title, notes or decisions, best first.
pub async fn search(
    db: &mut PgConnection,
    team_id: &TeamId,
    channel_id: &ChannelId,
    words: &str,
    limit: i64,
) -> sqlx::Result<Vec<Found>> {
    let ids: Vec<i64> = sqlx::query_scalar!(
        "with q as (select websearch_to_tsquery('english', $2) as query),
         hits as (
             select t.id as topic_id, 2 * ts_rank(t.search, q.query) as score
             from topics t, q where t.channel_id = $1 and t.search @@ q.query
             union all
             select n.topic_id, ts_rank(n.search, q.query)
             from notes n, q
             where n.channel_id = $1 and n.search @@ q.query
             union all
             select d.topic_id, ts_rank(d.search, q.query)
             from decisions d, q
             where d.channel_id = $1 and d.topic_id is not null and d.search @@ q.query
         )
         select h.topic_id as \"topic_id!\" from hits h
         join topics t on t.id = h.topic_id and t.team_id = any($4)
         group by h.topic_id
         order by sum(h.score) desc, h.topic_id desc limit $3",
        channel_id.as_str(),
        words,
        limit,
        &reachable_from(team_id)
    )
    .fetch_all(&mut *db)
    .await?;
    details(db, &ids).await
}

/// What comparing a new topic's title with the channel's earlier ones needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sharing {
    /// The new title's words (full-text search lexemes).
    pub words: Vec<String>,
    /// Earlier topics (not withdrawn) sharing at least one of those words, with their words,
    /// newest first.
    pub earlier: Vec<(i64, Vec<String>)>,
    /// The channel's titles (not withdrawn, the new one included), and how many of them contain
    /// each word above.
    pub counts: WordCounts,
}

/// The words of topic `topic_id`'s title, the channel's earlier topics sharing one, and how
/// often each of their words occurs in the channel's titles: those of the topic's workspace and
/// imported ones of none known ([`UNKNOWN_TEAM`]), as in a channel shared between workspaces
/// the others' topics are not its to name. The words are
/// counted in one pass over the channel's title vectors rather than by an index lookup per
/// word: a channel has hundreds of topics, not millions. Every sharing topic is read (no limit), so that one
/// sharing a single rare word is not cut off by others sharing more common ones.
pub async fn sharing_words(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    topic_id: i64,
) -> sqlx::Result<Sharing> {
    let rows: Vec<(i64, Vec<String>, Vec<i32>, i32)> = sqlx::query!(
        "with channel as (
             select id, created_at, tsvector_to_array(search) as words
             from topics
             where channel_id = $1 and state <> 'withdrawn'
               and team_id in ((select team_id from topics where id = $2), $3)
         ),
         sharing as (
             select c.id, c.created_at, c.words
             from channel c
             where c.words && (select words from channel where id = $2)
         ),
         counted as (
             select word, count(*)::int as titles
             from channel, unnest(words) as word
             where word in (select unnest(words) from sharing)
             group by word
         )
         select s.id, s.words as \"words!\",
                array(select c.titles
                      from unnest(s.words) with ordinality as w(word, at)
                      join counted c using (word)
                      order by w.at) as \"titles!\",
                (select count(*) from channel)::int as \"channel_titles!\"
         from sharing s
         order by s.created_at desc, s.id desc",
        channel_id.as_str(),
        topic_id,
        UNKNOWN_TEAM
    )
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|row| (row.id, row.words, row.titles, row.channel_titles))
    .collect();
    let size = |n: i32| usize::try_from(n).unwrap_or(0);
    let mut sharing = Sharing::default();
    for (id, words, titles, channel_titles) in rows {
        sharing.counts.titles = size(channel_titles);
        for (word, titles) in words.iter().zip(&titles) {
            sharing
                .counts
                .containing
                .insert(word.clone(), size(*titles));
        }
        if id == topic_id {
            sharing.words = words;
        } else {
            sharing.earlier.push((id, words));
        }
    }
    Ok(sharing)
}

/// How many of the topics proposed before a topic are compared with it for
/// [`similar_titles`]: the latest, so that a topic's page reads a bounded number of topics
/// however long the channel's history (a year or two of a busy channel). Over the 100,000-topic
/// channel of `examples/querybench`, ranking every earlier topic sharing a word read 17,000 of
/// them (about 100 ms); these 5,000 take a few milliseconds.
pub const SIMILAR_WINDOW: i64 = 5_000;

/// Up to `limit` topics of the channel, of topic `topic_id`'s workspace or [`UNKNOWN_TEAM`] (not
/// withdrawn), among the [`SIMILAR_WINDOW`] proposed last before topic `topic_id`, that share a
/// word of its title, most alike first: ranked by
/// `ts_rank` of their title vectors against its words (more of its words, in a shorter title,
/// rank higher), then newest first.
pub async fn similar_titles(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    topic_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    // The title's words as one tsquery, `'a' | 'b'`, each lexeme quoted (a quote doubled, a
    // backslash escaped) so that no word is read as an operator; computed once (materialized).
    // The earlier topics come newest first from `topics_by_channel_created`, cut at the window.
    sqlx::query_scalar!(
        r#"with target as materialized (
             select id, created_at, team_id,
                    (select string_agg(
                                '''' || replace(replace(word, '\', '\\'), '''', '''''') || '''',
                                ' | ')
                     from unnest(tsvector_to_array(search)) as word)::tsquery as words
             from topics where id = $2
         ),
         earlier as (
             select t.id, t.search, t.created_at, t.state from topics t
             where t.channel_id = $1 and t.created_at <= (select created_at from target)
               and t.team_id in ((select team_id from target), $5)
             order by t.created_at desc
             limit $4
         )
         select e.id as "id!" from earlier e, target
         where e.state <> 'withdrawn' and e.search @@ target.words and e.id <> target.id
           and (e.created_at, e.id) < (target.created_at, target.id)
         order by ts_rank(e.search, target.words) desc, e.created_at desc, e.id desc
         limit $3"#,
        channel_id.as_str(),
        topic_id,
        limit,
        SIMILAR_WINDOW,
        UNKNOWN_TEAM
    )
    .fetch_all(db)
    .await
}

/// What the meeting and decision tables say about one found topic.
struct TopicFacts {
    id: i64,
    held_on: Option<NaiveDate>,
    votes: Option<i32>,
    needs_follow_up: Option<bool>,
    decisions: i64,
}

/// Topics with their meeting day, recorded votes, decisions and follow-up mark, in `ids` order.
pub async fn details(db: &mut PgConnection, ids: &[i64]) -> sqlx::Result<Vec<Found>> {
    let mut topics = topics::find_many(&mut *db, ids).await?;
    let facts: Vec<TopicFacts> = sqlx::query_as!(
        TopicFacts,
        "select t.id as \"id!\", m.held_on, mt.votes, mt.needs_follow_up,
                (select count(*) from decisions d where d.topic_id = t.id) as \"decisions!\"
         from topics t
         left join meetings m on m.id = t.discussed_in
         left join meeting_topics mt on mt.meeting_id = t.discussed_in and mt.topic_id = t.id
         where t.id = any($1)",
        ids
    )
    .fetch_all(&mut *db)
    .await?;
    let mut found = Vec::new();
    for id in ids {
        let Some(at) = topics.iter().position(|t| t.id == *id) else {
            continue;
        };
        let topic = topics.swap_remove(at);
        let fact = facts.iter().find(|fact| fact.id == *id);
        found.push(Found {
            votes: i64::from(fact.and_then(|f| f.votes).unwrap_or(topic.imported_votes)),
            discussed_on: fact.and_then(|f| f.held_on),
            decisions: fact.map_or(0, |f| f.decisions),
            needs_follow_up: fact.and_then(|f| f.needs_follow_up).unwrap_or(false),
            topic,
        });
    }
    Ok(found)
}
