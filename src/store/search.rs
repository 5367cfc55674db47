//! Full-text search over topics (titles, notes, decisions), and topics similar to a new one.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::topics;
use crate::topics::Topic;

/// A topic found, with what a reader needs to judge it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub topic: Topic,
    /// The day of the meeting that discussed it.
    pub discussed_on: Option<NaiveDate>,
    /// Votes when discussed (or imported), or counted votes so far for open topics is left to
    /// the caller; this is the recorded figure.
    pub votes: i64,
    pub decisions: i64,
    pub needs_follow_up: bool,
}

/// Topics of a channel matching `words` in their title, notes or decisions, best first.
pub async fn search(
    db: &mut PgConnection,
    channel_id: &str,
    words: &str,
    limit: i64,
) -> sqlx::Result<Vec<Found>> {
    let ids: Vec<i64> = sqlx::query_scalar(
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
         select topic_id from hits group by topic_id
         order by sum(score) desc, topic_id desc limit $3",
    )
    .bind(channel_id)
    .bind(words)
    .bind(limit)
    .fetch_all(&mut *db)
    .await?;
    details(db, &ids).await
}

/// Earlier topics of the channel sharing words with `title`: (topic id, words shared, words in
/// that topic's title), most shared first. `title_words` counts the new title's words.
pub async fn sharing_words(
    db: &mut PgConnection,
    channel_id: &str,
    except_topic: i64,
    title: &str,
) -> sqlx::Result<(usize, Vec<(i64, usize, usize)>)> {
    let words: Vec<String> =
        sqlx::query_scalar("select unnest(tsvector_to_array(to_tsvector('english', $1)))")
            .bind(title)
            .fetch_all(&mut *db)
            .await?;
    if words.is_empty() {
        return Ok((0, Vec::new()));
    }
    let rows: Vec<(i64, i32, i32)> = sqlx::query_as(
        "select t.id,
                cardinality(array(select unnest(tsvector_to_array(t.search))
                                  intersect select unnest($3::text[])))::int,
                cardinality(tsvector_to_array(t.search))::int
         from topics t
         where t.channel_id = $1 and t.id <> $2 and t.state <> 'withdrawn'
           and t.search @@ (select string_agg(quote_literal(w), ' | ')
                            from unnest($3::text[]) as w)::tsquery
         order by 2 desc, t.created_at desc
         limit 20",
    )
    .bind(channel_id)
    .bind(except_topic)
    .bind(&words)
    .fetch_all(&mut *db)
    .await?;
    let size = |n: i32| usize::try_from(n).unwrap_or(0);
    Ok((
        words.len(),
        rows.into_iter()
            .map(|(id, shared, own)| (id, size(shared), size(own)))
            .collect(),
    ))
}

/// What the meeting and decision tables say about one found topic.
#[derive(sqlx::FromRow)]
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
    let facts: Vec<TopicFacts> = sqlx::query_as(
        "select t.id, m.held_on, mt.votes, mt.needs_follow_up,
                (select count(*) from decisions d where d.topic_id = t.id) as decisions
         from topics t
         left join meetings m on m.id = t.discussed_in
         left join meeting_topics mt on mt.meeting_id = t.discussed_in and mt.topic_id = t.id
         where t.id = any($1)",
    )
    .bind(ids)
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
