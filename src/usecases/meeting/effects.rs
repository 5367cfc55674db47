//! Carrying out what the rules decided: topic states, the meeting record, and the messages.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgConnection;

use crate::compose;
use crate::domain::job::meeting_subject;
use crate::domain::meeting::Meeting;
use crate::domain::meeting::rules::Effect;
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::{Topic, TopicState};
use crate::outbox;
use crate::slack::blocks::meeting as messages;
use crate::slack::identity::BotIdentity;
use crate::slack::outgoing::{AfterSend, Delivery};
use crate::store;
use crate::usecases::AppState;

/// Applies each effect of a transition to phase `version`.
pub(super) async fn apply(
    tx: &mut PgConnection,
    state: &AppState,
    meeting: &Meeting,
    version: i32,
    settings: &ChannelSettings,
    effects: &[Effect],
) -> anyhow::Result<()> {
    let bot = state.workspaces.bot_in(&meeting.team_id).await;
    for (index, effect) in effects.iter().enumerate() {
        let step = Step {
            state,
            meeting,
            version,
            settings,
            index,
            bot: bot.as_ref(),
        };
        for delivery in step.apply(tx, effect).await? {
            let delivery = delivery.for_team(&meeting.team_id);
            outbox::queue(tx, &delivery, state.clock.as_ref())
                .await
                .context("queuing a meeting message")?;
        }
    }
    Ok(())
}

/// One effect of a transition, and what it needs to know.
struct Step<'a> {
    state: &'a AppState,
    meeting: &'a Meeting,
    version: i32,
    settings: &'a ChannelSettings,
    /// Its place among the transition's effects.
    index: usize,
    /// Who the bot is in the meeting's workspace (for links to its messages), once known.
    bot: Option<&'a BotIdentity>,
}

impl Step<'_> {
    /// The key of a message this effect posts: the same transition never posts it twice.
    fn key(&self, what: &str) -> String {
        let (meeting, version, index) = (self.meeting.id, self.version, self.index);
        format!("meeting:{meeting}:v{version}:{index}:{what}")
    }

    fn post(&self, what: &str, message: crate::slack::blocks::Reply) -> Delivery {
        Delivery::meeting_post(self.key(what), &self.meeting.channel_id, message)
    }

    /// Stores what `effect` changes and returns the messages it sends.
    async fn apply(&self, tx: &mut PgConnection, effect: &Effect) -> anyhow::Result<Vec<Delivery>> {
        let tz = self.settings.schedule.tz;
        Ok(match *effect {
            Effect::StartTopic {
                topic_id,
                ends_at,
                length,
            } => self.start_topic(tx, topic_id, ends_at, length).await?,
            Effect::ContinueTopic {
                topic_id,
                round,
                ends_at,
                length,
                grant,
            } => {
                let topic = topic(tx, topic_id).await?;
                let meeting_id = self.meeting.id;
                store::meetings::grant_box(&mut *tx, meeting_id, topic_id, round, length.secs())
                    .await
                    .context("recording a granted box")?;
                let message = messages::now_discussing(&messages::NowDiscussing {
                    meeting_id,
                    topic: &topic,
                    round,
                    rounds: self.settings.timebox.len().max(round as usize),
                    length,
                    ends_at,
                    tz,
                    grant: Some(grant),
                    bot: self.bot,
                });
                vec![self.post("now", message)]
            }
            Effect::CallVote {
                topic_id,
                closes_at,
                next_box,
                ..
            } => {
                let topic = topic(tx, topic_id).await?;
                let message = messages::times_up(self.meeting.id, &topic, next_box, closes_at, tz);
                vec![Delivery::meeting_post_then(
                    self.key("times-up"),
                    &self.meeting.channel_id,
                    message,
                    AfterSend::RecordVoteMessage {
                        meeting_id: self.meeting.id,
                        version: self.version,
                    },
                )]
            }
            Effect::FinishTopic {
                topic_id,
                follow_up,
                finish,
                ..
            } => self.finish_topic(tx, topic_id, finish, follow_up).await?,
            Effect::AgendaDone => vec![self.post("agenda-done", messages::agenda_done())],
            Effect::EndMeeting => self.end_meeting(tx).await?,
        })
    }

    /// The next topic is being discussed: its first box, its card shows it.
    async fn start_topic(
        &self,
        tx: &mut PgConnection,
        topic_id: i64,
        ends_at: chrono::DateTime<chrono::Utc>,
        length: crate::domain::meeting::Span,
    ) -> anyhow::Result<Vec<Delivery>> {
        let topic = topic(tx, topic_id).await?;
        let votes = compose::votes::shown(tx, &topic, self.settings.votes_per_person).await?;
        store::topics::set_state(&mut *tx, topic_id, TopicState::Discussing, None)
            .await
            .context("marking a topic discussing")?;
        let now = self.state.clock.now();
        let meeting_id = self.meeting.id;
        store::meetings::start_topic(&mut *tx, meeting_id, topic_id, votes, length.secs(), now)
            .await
            .context("recording a topic's start")?;
        let message = messages::now_discussing(&messages::NowDiscussing {
            meeting_id,
            topic: &topic,
            round: 1,
            rounds: self.settings.timebox.len(),
            length,
            ends_at,
            tz: self.settings.schedule.tz,
            grant: None,
            bot: self.bot,
        });
        Ok(vec![
            self.post("now", message),
            Delivery::refresh_card(topic_id, Duration::ZERO),
        ])
    }

    /// A topic is done: discussed in this meeting, how it finished, its card shows it.
    async fn finish_topic(
        &self,
        tx: &mut PgConnection,
        topic_id: i64,
        finish: crate::domain::meeting::rules::Finish,
        follow_up: bool,
    ) -> anyhow::Result<Vec<Delivery>> {
        let topic = topic(tx, topic_id).await?;
        let meeting_id = self.meeting.id;
        store::topics::set_state(&mut *tx, topic_id, TopicState::Discussed, Some(meeting_id))
            .await
            .context("marking a topic discussed")?;
        let now = self.state.clock.now();
        store::meetings::finish_topic(&mut *tx, meeting_id, topic_id, follow_up, now)
            .await
            .context("recording a topic's end")?;
        let message = messages::topic_finished(&topic, finish, follow_up);
        Ok(vec![
            self.post("finished", message),
            Delivery::refresh_card(topic_id, Duration::ZERO),
        ])
    }

    /// The meeting is over: the topics not reached are deferred to the backlog, its pending
    /// steps cancelled, and the channel told how it went.
    async fn end_meeting(&self, tx: &mut PgConnection) -> anyhow::Result<Vec<Delivery>> {
        let meeting = self.meeting;
        let now = self.state.clock.now();
        let deferred =
            store::meetings::defer_open_topics(&mut *tx, &meeting.channel_id, meeting.started_at)
                .await
                .context("deferring the backlog")?;
        let discussed = store::meetings::discussed(&mut *tx, meeting.id)
            .await
            .context("loading the meeting record")?;
        store::jobs::cancel_subject(&mut *tx, &meeting_subject(meeting.id), now)
            .await
            .context("cancelling the meeting's steps")?;
        let minutes = (now - meeting.started_at)
            .num_seconds()
            .div_euclid(60)
            .max(0);
        let message = messages::meeting_ended(discussed.len(), minutes, deferred.len());
        let mut deliveries = vec![self.post("ended", message)];
        deliveries.extend(
            deferred
                .iter()
                .map(|topic_id| Delivery::refresh_card(*topic_id, Duration::ZERO)),
        );
        Ok(deliveries)
    }
}

async fn topic(tx: &mut PgConnection, topic_id: i64) -> anyhow::Result<Topic> {
    store::topics::find(&mut *tx, topic_id)
        .await
        .context("loading a topic")?
        .with_context(|| format!("topic {topic_id} is missing"))
}
