//! Proposing a topic: `/archtopic [intent] title` here, and "Discuss at Arch Hour" (see
//! [`super::challenges`]). Loading takes the topic's number and id (counters, held by the
//! transaction); [`decide`] then stores it, posts its card (drawn here: a new topic has no
//! votes), and makes sure the channel's meeting notices and digest are scheduled.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Change, Decision};
use super::{pre_meeting, search, weekly};
use crate::domain::command::Proposal;
use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::{Intents, Topic, TopicState};
use crate::slack::blocks::{self, CardView, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, topics::NewTopic};
use crate::usecases::AppState;

/// Who proposes, and where.
#[derive(Debug, Clone, Copy)]
pub struct Proposer<'a> {
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub user_id: &'a UserId,
}

/// What proposing needs before it decides: the number and id taken for the topic, and its
/// channel's settings.
#[derive(Debug, Clone)]
pub struct Taken {
    pub id: i64,
    pub number: TopicNumber,
    pub settings: ChannelSettings,
}

/// The challenges-log issue a topic is proposed from: its id and its number (`C7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FromIssue {
    pub id: i64,
    pub number: i32,
}

/// The topic a proposal stores, and everything storing it does. Its reply is the caller's: the
/// command names similar earlier topics, the button answers in an ephemeral message.
#[derive(Debug)]
pub struct Proposed {
    pub topic: Topic,
    pub decision: Decision<StoreTopic>,
}

/// `/archtopic [intent] title`: stores the topic and queues its card in one transaction, then
/// confirms, naming similar earlier topics.
pub async fn command(
    state: &AppState,
    command: &SlashCommand,
    proposal: &Proposal,
) -> anyhow::Result<Reply> {
    let by = Proposer {
        team_id: &command.team_id,
        channel_id: &command.channel_id,
        user_id: &command.user_id,
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let taken = load(&mut tx, &by).await?;
    let title = proposal.title.as_str();
    let now = state.clock.now();
    let Proposed { topic, decision } = decide(&taken, &by, &proposal.intents, title, None, now);
    state
        .write(&mut tx, Some(&command.team_id), Ok(decision))
        .await?;
    // Similar topics compare the stored title's words (as Postgres stems them) with the
    // channel's, so they are read once it is written.
    let similar = search::similar_to(&mut tx, state, &topic).await?;
    state.commit(tx, "a topic").await?;
    tracing::info!(number = topic.number.0, channel = %topic.channel_id, "topic proposed");
    let emoji = &taken.settings.vote_emoji;
    Ok(blocks::proposal_confirmation(&topic, emoji, &similar))
}

/// Takes the workspace's next topic number and a topic id (both held until `tx` ends), and
/// loads the channel's settings.
pub async fn load(tx: &mut PgConnection, by: &Proposer<'_>) -> anyhow::Result<Taken> {
    let number = store::topics::take_next_number(&mut *tx, by.team_id)
        .await
        .context("numbering a topic")?;
    let id = store::proposals::take_next_id(&mut *tx)
        .await
        .context("taking a topic id")?;
    let settings = store::settings::load(&mut *tx, by.channel_id)
        .await
        .context("loading settings")?;
    Ok(Taken {
        id,
        number,
        settings,
    })
}

/// The open topic `by` proposes (from an issue, if `from`), stored under what was `taken`; its
/// card posted in the channel; and, since the channel now has topics, the notices before its
/// next meeting and its next digest scheduled (a step scheduled already stays).
pub fn decide(
    taken: &Taken,
    by: &Proposer<'_>,
    intents: &Intents,
    title: &str,
    from: Option<FromIssue>,
    now: DateTime<Utc>,
) -> Proposed {
    let topic = Topic {
        id: taken.id,
        number: taken.number,
        team_id: by.team_id.clone(),
        channel_id: by.channel_id.clone(),
        author_id: Some(by.user_id.clone()),
        proposers: Vec::new(),
        intents: intents.clone(),
        title: title.to_string(),
        state: TopicState::Open,
        card_ts: None,
        times_deferred: 0,
        discussed_in: None,
        imported_votes: 0,
        created_at: now,
        challenge_id: from.map(|issue| issue.id),
    };
    // As `compose::cards::render` draws it: no card yet, so no votes counted on it.
    let card = blocks::topic_card(&CardView {
        topic: &topic,
        votes: topic.shown_votes(0),
        vote_emoji: &taken.settings.vote_emoji,
        challenge: from.map(|issue| issue.number),
    });
    let channel = by.channel_id;
    let mut decision = Decision::reply(Reply::nothing())
        .change(StoreTopic(topic.clone()))
        .call(Delivery::topic_card(&topic, card));
    decision
        .steps
        .extend(pre_meeting::notices(channel, &taken.settings, now, now));
    decision
        .steps
        .extend(weekly::digest(channel, &taken.settings).next(now));
    Proposed { topic, decision }
}

/// A new open topic, stored under the id and number taken for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreTopic(pub Topic);

impl Change for StoreTopic {
    async fn write(&self, tx: &mut PgConnection, _: DateTime<Utc>) -> anyhow::Result<()> {
        let topic = &self.0;
        let author_id = topic
            .author_id
            .as_ref()
            .context("a proposal has an author")?;
        let new = NewTopic {
            team_id: &topic.team_id,
            channel_id: &topic.channel_id,
            author_id,
            intents: &topic.intents,
            title: &topic.title,
            created_at: topic.created_at,
            challenge_id: topic.challenge_id,
        };
        store::proposals::insert(&mut *tx, topic.id, topic.number, &new)
            .await
            .context("storing a topic")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::job::Job;
    use crate::slack::call::SlackCall;
    use crate::slack::outgoing::{AfterSend, Outgoing};

    /// Monday 30 November 2026, 10:00 UTC; the default meeting is Wednesday 11:00 UTC and the
    /// default digest Monday 09:00 UTC.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
    }

    /// Leaked: the proposer lives as long as the test.
    fn by() -> Proposer<'static> {
        Proposer {
            team_id: Box::leak(Box::new(TeamId::from("T1"))),
            channel_id: Box::leak(Box::new(ChannelId::from("C1"))),
            user_id: Box::leak(Box::new(UserId::from("U42"))),
        }
    }

    fn taken() -> Taken {
        Taken {
            id: 501,
            number: TopicNumber(12),
            settings: ChannelSettings::default(),
        }
    }

    fn propose(taken: &Taken, from: Option<FromIssue>, now: DateTime<Utc>) -> Proposed {
        let intents = Intents::parse("quest").unwrap();
        decide(taken, &by(), &intents, "Pin <tox>?", from, now)
    }

    /// The card's text, and its blocks' texts.
    fn card_texts(delivery: &Delivery) -> (String, String, String) {
        let Outgoing::Call(call) = &delivery.outgoing else {
            panic!("expected a call, got {:?}", delivery.outgoing);
        };
        let SlackCall::PostMessage(request) = &**call else {
            panic!("expected chat.postMessage, got {call:?}");
        };
        assert_eq!(request.channel.to_string(), "C1");
        let blocks = serde_json::to_value(&request.content.blocks).unwrap();
        (
            request.content.text.clone().unwrap_or_default(),
            blocks[0]["text"]["text"].as_str().unwrap().to_string(),
            blocks[1]["elements"][0]["text"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    }

    #[test]
    fn the_topic_is_stored_under_what_was_taken_and_its_card_posted() {
        let Proposed { topic, decision } = propose(&taken(), None, now());
        assert_eq!((topic.id, topic.number), (501, TopicNumber(12)));
        assert_eq!(topic.author_id, Some(UserId::from("U42")));
        assert_eq!(
            (topic.state, topic.card_ts.clone()),
            (TopicState::Open, None)
        );
        assert_eq!(topic.created_at, now());
        assert_eq!(decision.changes, vec![StoreTopic(topic.clone())]);
        assert!(decision.reply.text.is_empty(), "{:?}", decision.reply);
        assert_eq!(decision.calls.len(), 1);
        let card = &decision.calls[0];
        assert_eq!(card.key, "topic-card:501");
        assert_eq!(card.sequence_key.as_deref(), Some("cards:C1"));
        assert_eq!(
            card.after_send,
            Some(AfterSend::RecordTopicCard { topic_id: 501 })
        );
        assert_eq!(
            card_texts(card),
            (
                "#12 [quest] Pin &lt;tox&gt;?".to_string(),
                "*#12* `quest` *Pin &lt;tox&gt;?*".to_string(),
                "Proposed by <@U42> · :+1: 0 votes · React with :+1: to vote".to_string()
            )
        );
    }

    #[test]
    fn a_topic_from_the_log_names_its_issue_on_the_card() {
        let mut taken = taken();
        taken.settings.vote_emoji = "ballot".to_string();
        let from = FromIssue { id: 33, number: 7 };
        let Proposed { topic, decision } = propose(&taken, Some(from), now());
        assert_eq!(topic.challenge_id, Some(33));
        let (_, _, footer) = card_texts(&decision.calls[0]);
        assert_eq!(
            footer,
            "Proposed by <@U42> · :ballot: 0 votes · React with :ballot: to vote \
             · from the challenges log: C7"
        );
    }

    #[test]
    fn the_next_meetings_notices_and_the_next_digest_are_scheduled() {
        let Proposed { decision, .. } = propose(&taken(), None, now());
        let steps: Vec<(&str, DateTime<Utc>)> = decision
            .steps
            .iter()
            .map(|step| (step.key.as_str(), step.due_at))
            .collect();
        let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
        assert_eq!(
            steps,
            vec![
                ("pre-meeting:C1:1796209200:DayBefore", at(1, 11, 0)),
                ("pre-meeting:C1:1796209200:Soon", at(2, 10, 50)),
                ("digest:C1:1796634000", at(7, 9, 0)),
            ]
        );
        assert!(matches!(
            &decision.steps[2].job,
            Job::Digest { channel_id, occurrence } if channel_id == "C1" && *occurrence == at(7, 9, 0)
        ));
    }

    #[test]
    fn notices_already_past_and_a_digest_turned_off_are_not_scheduled() {
        let mut taken = taken();
        taken.settings.digest = None;
        // Tuesday 12:00: the day-before notice for Wednesday 11:00 was due an hour ago.
        let tuesday_noon = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let Proposed { decision, .. } = propose(&taken, None, tuesday_noon);
        let keys: Vec<&str> = decision.steps.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, vec!["pre-meeting:C1:1796209200:Soon"]);
    }
}
