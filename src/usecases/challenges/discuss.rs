//! "Discuss at Arch Hour": proposes an issue of the challenges log as an `analysis` topic in
//! its channel, unless one from it is on the agenda already, and tells the person who pressed
//! in an ephemeral message. The issue's row lock makes a second press wait for the first and
//! then find its topic.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::challenges::ChallengeIssue;
use crate::domain::topics::{Intents, Title};
use crate::slack::blocks::{Reply, challenges as messages};
use crate::slack::inbound::DiscussPress;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;
use crate::usecases::decision::Decision;
use crate::usecases::propose::{self, FromIssue, Proposed, Proposer, StoreTopic, Taken};

/// Answers a press of "Discuss at Arch Hour".
pub async fn discuss(state: &AppState, press: &DiscussPress) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let Some(issue) = lock_issue(&mut tx, press).await? else {
        return Ok(());
    };
    // A number is taken only for a topic about to be proposed.
    let taken = match issue.topic_number {
        Some(_) => None,
        None => Some(propose::load(&mut tx, &proposer(&issue, press)).await?),
    };
    let decision = decide(&issue, press, taken.as_ref(), state.clock.now())?;
    state
        .carry_out(tx, Some(&press.team_id), Ok(decision), "the topic")
        .await?;
    if let Some(taken) = taken {
        tracing::info!(
            number = taken.number.0,
            challenge = issue.number,
            "topic proposed from the challenges log"
        );
    }
    Ok(())
}

/// The pressed issue, locked until `tx` ends; `None` (and nothing proposed) when it is gone or
/// belongs to another workspace, or to another channel than the one the button was pressed in.
async fn lock_issue(
    tx: &mut PgConnection,
    press: &DiscussPress,
) -> anyhow::Result<Option<ChallengeIssue>> {
    if !store::challenges::lock(&mut *tx, &press.team_id, press.issue_id)
        .await
        .context("locking the issue")?
    {
        tracing::info!(
            issue = press.issue_id,
            "Discuss pressed on an issue that is gone (or another workspace's)"
        );
        return Ok(None);
    }
    let issue = store::challenges::find(&mut *tx, press.issue_id)
        .await
        .context("loading the issue")?
        .context("the issue was just locked")?;
    // The button is only shown in the issue's own channel: a press from anywhere else carries
    // an id it should not, and proposes nothing.
    if issue.channel_id != press.channel_id {
        tracing::warn!(
            issue = press.issue_id,
            channel = %press.channel_id,
            "Discuss pressed for another channel's issue; ignored"
        );
        return Ok(None);
    }
    Ok(Some(issue))
}

/// Who proposes the issue's topic, and where: the person who pressed, in the issue's channel.
fn proposer<'a>(issue: &'a ChallengeIssue, press: &'a DiscussPress) -> Proposer<'a> {
    Proposer {
        team_id: &press.team_id,
        channel_id: &issue.channel_id,
        user_id: &press.user_id,
    }
}

/// Proposes `issue` as an `analysis` topic under what was `taken` for it, unless one from it is
/// on the agenda already; either way the person who pressed is told which.
pub fn decide(
    issue: &ChallengeIssue,
    press: &DiscussPress,
    taken: Option<&Taken>,
    now: DateTime<Utc>,
) -> anyhow::Result<Decision<StoreTopic>> {
    let answer = |reply: Reply| {
        Delivery::ephemeral(
            format!("discuss:{}", press.trigger_id),
            &issue.channel_id,
            &press.user_id,
            reply,
        )
    };
    if let Some(number) = issue.topic_number {
        let already = messages::discuss_already(number, issue);
        return Ok(Decision::reply(Reply::nothing()).call(answer(already)));
    }
    let taken = taken.context("a topic number is taken for an issue without a topic")?;
    let intents = Intents::parse("analysis").context("analysis is an intent")?;
    // Issue titles are one line of at most 200 characters, so always a title.
    let title = Title::parse(&issue.title)
        .with_context(|| format!("issue C{} as a topic title", issue.number))?;
    let from = FromIssue {
        id: issue.id,
        number: issue.number,
    };
    let by = proposer(issue, press);
    let Proposed { topic, decision } =
        propose::decide(taken, &by, &intents, title.as_str(), Some(from), now);
    Ok(decision.call(answer(messages::discuss_proposed(&topic, issue))))
}

#[cfg(test)]
mod tests {
    use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
    use chrono::TimeZone;

    use super::*;
    use crate::domain::settings::ChannelSettings;

    fn issue(topic_number: Option<i32>) -> ChallengeIssue {
        ChallengeIssue {
            topic_number: topic_number.map(TopicNumber),
            ..crate::domain::challenges::flaky_ci_issue()
        }
    }

    fn press() -> DiscussPress {
        DiscussPress {
            team_id: TeamId::from("T1".to_string()),
            channel_id: ChannelId::from("C1".to_string()),
            user_id: UserId::from("U42".to_string()),
            trigger_id: "TR1".to_string(),
            issue_id: 40,
        }
    }

    fn taken() -> Taken {
        Taken {
            id: 501,
            number: TopicNumber(12),
            settings: ChannelSettings::default(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
    }

    #[test]
    fn an_issue_on_the_agenda_already_is_not_proposed_again() {
        let decision = decide(&issue(Some(12)), &press(), None, now()).unwrap();
        assert!(decision.changes.is_empty() && decision.steps.is_empty());
        assert_eq!(decision.calls.len(), 1);
        assert_eq!(
            decision.calls[0].ephemeral_parts(),
            (
                "discuss:TR1",
                "C1".to_string(),
                "U42".to_string(),
                "*C7* Builds › Flaky &lt;CI&gt; is on the agenda already, as #12.".to_string()
            )
        );
    }

    #[test]
    fn an_issue_becomes_an_analysis_topic_from_the_log() {
        let decision = decide(&issue(None), &press(), Some(&taken()), now()).unwrap();
        let [StoreTopic(topic)] = decision.changes.as_slice() else {
            panic!("expected one topic, got {:?}", decision.changes);
        };
        assert_eq!((topic.id, topic.number), (501, TopicNumber(12)));
        assert_eq!(topic.intents, Intents::parse("analysis").unwrap());
        assert_eq!(topic.title, "Flaky <CI>");
        assert_eq!(topic.challenge_id, Some(40));
        assert_eq!(topic.author_id, Some(UserId::from("U42")));
        let keys: Vec<&str> = decision.calls.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, vec!["topic-card:501", "discuss:TR1"]);
        assert_eq!(
            decision.calls[1].ephemeral_parts().3,
            "#12 [analysis] Flaky &lt;CI&gt; is on the agenda, from *C7* Builds › Flaky &lt;CI&gt;. \
             Its card is being posted in the channel."
        );
        assert_eq!(
            decision.steps.len(),
            3,
            "notices and digest: {:?}",
            decision.steps
        );
    }

    #[test]
    fn proposing_without_a_number_taken_is_a_bug() {
        assert!(decide(&issue(None), &press(), None, now()).is_err());
    }
}
