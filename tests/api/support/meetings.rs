//! A meeting held through Slack as several tests need one: one topic proposed by `UANN` with a
//! vote, discussed for five minutes with a note, a decision and an action item in its thread.

use std::time::Duration;

use super::{CHANNEL, Card, TestApp};

/// What is said about the meeting's one topic, as typed in Slack.
pub struct OneTopic<'a> {
    /// The `/archtopic` text: `[intent] title`.
    pub proposal: &'a str,
    /// The note `UANN` replies.
    pub note: &'a str,
    /// The decision `UBOB` replies (`Decided: …`).
    pub decision: &'a str,
}

/// Holds a meeting on the test clock's day (2026-11-18) on one topic: proposed by `UANN`, voted
/// for by `UV1`, then in its thread `UANN`'s note, `UBOB`'s decision and `UANN`'s "ACTION <@UBOB>
/// compare the costs due 2026-12-01"; ended after five minutes. The topic's card.
pub async fn hold_one_topic_meeting(app: &TestApp, topic: OneTopic<'_>) -> Card {
    let card = app.propose_in(CHANNEL, "UANN", topic.proposal).await;
    app.react("UV1", &card, "+1").await;
    app.start_meeting().await;
    app.reply_in_thread("UANN", &card, topic.note).await;
    app.reply_in_thread("UBOB", &card, topic.decision).await;
    app.reply_in_thread(
        "UANN",
        &card,
        "ACTION <@UBOB> compare the costs due 2026-12-01",
    )
    .await;
    app.advance(Duration::from_secs(5 * 60)).await;
    app.end_meeting().await;
    card
}
