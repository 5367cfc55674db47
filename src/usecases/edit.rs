//! `edit N [intent] title`: the author (or a facilitator, or a workspace admin while the channel
//! has no facilitators) fixes an open topic's intents or title; its card is edited in place and
//! keeps its votes. Whether someone is an admin is never asked of Slack while the command waits
//! for its answer (see [`super::rights`]).

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Change, Decided, Decision};
use super::refusal::Refusal;
use super::rights::{self, Asker, IfUnknown, Subject, TopicRequest};
use crate::compose;
use crate::domain::command::Proposal;
use crate::domain::ids::TopicNumber;
use crate::domain::topics::{Intents, Topic, TopicState};
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// Answers `edit N …`: done, refused, or (someone who may be an admin) decided shortly.
pub async fn edit(
    state: &AppState,
    command: &SlashCommand,
    number: TopicNumber,
    proposal: &Proposal,
) -> anyhow::Result<Reply> {
    let (asker, if_unknown) = (Asker::of(command), IfUnknown::answering(command));
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let decided = load_and_decide(&mut tx, state, &asker, number, proposal, if_unknown).await?;
    state
        .carry_out(tx, Some(&command.team_id), decided, "an edit")
        .await
}

/// Loads topic `number` (locked) and the votes it shows, and decides.
pub async fn load_and_decide(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    number: TopicNumber,
    proposal: &Proposal,
    if_unknown: IfUnknown<'_>,
) -> anyhow::Result<Decided<Edit>> {
    let now = state.clock.now();
    let subject = match rights::load(tx, asker, number, now).await? {
        Ok(subject) => subject,
        Err(no_such_topic) => return Ok(Err(no_such_topic)),
    };
    let votes = if subject.topic.state == TopicState::Open {
        compose::votes::shown(tx, &subject.topic, subject.settings.votes_per_person).await?
    } else {
        0
    };
    Ok(decide(&subject, votes, asker, proposal, if_unknown, now))
}

/// Gives `subject` the proposal's intents and title if `asker` may and they differ; its card
/// (showing `votes`) is edited to match.
pub fn decide(
    subject: &Subject,
    votes: i64,
    asker: &Asker<'_>,
    proposal: &Proposal,
    if_unknown: IfUnknown<'_>,
    now: DateTime<Utc>,
) -> Decided<Edit> {
    if let Some(other) = rights::check(subject, asker, TopicRequest::Edit, if_unknown, now) {
        return other;
    }
    let topic = &subject.topic;
    if topic.intents == proposal.intents && topic.title == proposal.title.as_str() {
        return Err(Refusal::Unchanged(Box::new(topic.clone())));
    }
    let edited = Topic {
        intents: proposal.intents.clone(),
        title: proposal.title.as_str().to_string(),
        ..topic.clone()
    };
    Ok(Decision::reply(blocks::edited(&edited, votes))
        .change(Edit {
            topic_id: topic.id,
            intents: edited.intents.clone(),
            title: edited.title.clone(),
        })
        .call(Delivery::refresh_card(topic.id, Duration::ZERO)))
}

/// An open topic (locked while deciding) given new intents and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub topic_id: i64,
    pub intents: Intents,
    pub title: String,
}

impl Change for Edit {
    async fn write(&self, tx: &mut PgConnection, _: DateTime<Utc>) -> anyhow::Result<()> {
        let edited = store::topics::edit(&mut *tx, self.topic_id, &self.intents, &self.title)
            .await
            .context("editing a topic")?;
        anyhow::ensure!(
            edited.is_some(),
            "topic {} left the agenda while locked",
            self.topic_id
        );
        tracing::info!(topic = self.topic_id, "topic edited");
        Ok(())
    }
}
