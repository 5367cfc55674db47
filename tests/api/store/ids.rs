//! `store::ids`: typed ids bind and read back as the text and integers the tables hold.

use archhour::domain::ids::{ChannelId, ItemNumber, TeamId, TopicNumber, UserId};
use archhour::store::topics;

use super::{CHANNEL, Db, TEAM, at, propose};

#[tokio::test]
async fn typed_ids_bind_as_text_and_numbers_as_integers_and_read_back() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U1", "Typed ids", at(0)).await;
    let (team, channel, author, number): (TeamId, ChannelId, UserId, TopicNumber) =
        sqlx::query_as("select team_id, channel_id, author_id, number from topics where id = $1")
            .bind(topic.id)
            .fetch_one(&db.pool)
            .await
            .expect("reading typed ids");
    assert_eq!(team, TEAM);
    assert_eq!(channel, CHANNEL);
    assert_eq!(author, "U1");
    assert_eq!(number, topic.number);

    let found: Option<i64> = sqlx::query_scalar(
        "select id from topics where channel_id = $1 and author_id = $2 and number = $3",
    )
    .bind(ChannelId::from(CHANNEL.to_string()))
    .bind(UserId::from("U1".to_string()))
    .bind(topic.number)
    .fetch_optional(&db.pool)
    .await
    .expect("binding typed ids");
    assert_eq!(found, Some(topic.id));

    let channels: Vec<ChannelId> = sqlx::query_scalar("select unnest($1::text[])")
        .bind(vec![
            ChannelId::from("C1".to_string()),
            ChannelId::from("C2".to_string()),
        ])
        .fetch_all(&db.pool)
        .await
        .expect("binding an array of ids");
    assert_eq!(channels, ["C1", "C2"]);
    let items: Vec<ItemNumber> = sqlx::query_scalar("select unnest($1::int[]) + 1")
        .bind(vec![ItemNumber(3)])
        .fetch_all(&db.pool)
        .await
        .expect("binding an array of numbers");
    assert_eq!(items, [ItemNumber(4)]);
    assert!(topics::find(&db.pool, topic.id).await.unwrap().is_some());
}
