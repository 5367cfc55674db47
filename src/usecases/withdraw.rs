//! `withdraw N`: the author (or a facilitator, or a workspace admin while the channel has no
//! facilitators) takes a topic off the agenda. Whether someone is an admin is never asked of
//! Slack while the command waits for its answer (see [`super::rights`]).

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Change, Decided, Decision};
use super::rights::{self, Asker, IfUnknown, Subject, TopicRequest};
use crate::domain::ids::{TopicNumber, UserId};
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// Answers `withdraw N`: done, refused, or (someone who may be an admin) decided shortly.
pub async fn withdraw(
    state: &AppState,
    command: &SlashCommand,
    number: TopicNumber,
) -> anyhow::Result<Reply> {
    let (asker, if_unknown) = (Asker::of(command), IfUnknown::answering(command));
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let decided = load_and_decide(&mut tx, state, &asker, number, if_unknown).await?;
    state
        .carry_out(tx, Some(&command.team_id), decided, "a withdrawal")
        .await
}

/// Loads topic `number` (locked) and what its withdrawal touches, and decides.
pub async fn load_and_decide(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    number: TopicNumber,
    if_unknown: IfUnknown<'_>,
) -> anyhow::Result<Decided<Withdrawal>> {
    let now = state.clock.now();
    let subject = match rights::load(tx, asker, number, now).await? {
        Ok(subject) => subject,
        Err(no_such_topic) => return Ok(Err(no_such_topic)),
    };
    // Its votes stop counting toward budgets, so its voters' other votes may start counting.
    let mut voters_topics = Vec::new();
    if let (Some(ts), true) = (
        &subject.topic.card_ts,
        subject.settings.votes_per_person > 0,
    ) {
        let channel = &subject.topic.channel_id;
        let voters = store::votes::voters(&mut *tx, channel, ts)
            .await
            .context("loading voters")?;
        voters_topics = store::votes::open_topics_voted_by(&mut *tx, channel, &voters)
            .await
            .context("loading voters' topics")?;
    }
    Ok(decide(&subject, &voters_topics, asker, if_unknown, now))
}

/// Withdraws `subject` if `asker` may, refreshing its card and those of `voters_topics` (the
/// open topics its voters also voted on, whose votes may count now).
pub fn decide(
    subject: &Subject,
    voters_topics: &[i64],
    asker: &Asker<'_>,
    if_unknown: IfUnknown<'_>,
    now: DateTime<Utc>,
) -> Decided<Withdrawal> {
    if let Some(other) = rights::check(subject, asker, TopicRequest::Withdraw, if_unknown, now) {
        return other;
    }
    let topic = &subject.topic;
    let refreshes = std::iter::once(topic.id)
        .chain(voters_topics.iter().copied())
        .map(|id| Delivery::refresh_card(id, Duration::ZERO));
    Ok(Decision::reply(blocks::withdrawn(topic))
        .change(Withdrawal {
            topic_id: topic.id,
            by: asker.user_id.clone(),
        })
        .calls(refreshes))
}

/// An open topic (locked while deciding) marked withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub topic_id: i64,
    pub by: UserId,
}

impl Change for Withdrawal {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        let withdrawn = store::topics::withdraw(&mut *tx, self.topic_id, &self.by, now)
            .await
            .context("withdrawing a topic")?;
        anyhow::ensure!(
            withdrawn,
            "topic {} left the agenda while locked",
            self.topic_id
        );
        Ok(())
    }
}
