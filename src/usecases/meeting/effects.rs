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
    let now = state.clock.now();
    let tz = settings.schedule.tz;
    let channel = meeting.channel_id.as_str();
    for (index, effect) in effects.iter().enumerate() {
        let key = |what: &str| format!("meeting:{}:v{version}:{index}:{what}", meeting.id);
        let mut deliveries = Vec::new();
        match *effect {
            Effect::StartTopic {
                topic_id,
                ends_at,
                length,
            } => {
                let topic = topic(tx, topic_id).await?;
                let votes = compose::votes::shown(tx, &topic, settings.votes_per_person).await?;
                store::topics::set_state(&mut *tx, topic_id, TopicState::Discussing, None)
                    .await
                    .context("marking a topic discussing")?;
                store::meetings::start_topic(
                    &mut *tx,
                    meeting.id,
                    topic_id,
                    votes,
                    length.secs(),
                    now,
                )
                .await
                .context("recording a topic's start")?;
                let message = messages::now_discussing(&messages::NowDiscussing {
                    meeting_id: meeting.id,
                    topic: &topic,
                    round: 1,
                    rounds: settings.timebox.len(),
                    length,
                    ends_at,
                    tz,
                    grant: None,
                    bot: state.bot.get(),
                });
                deliveries.push(Delivery::meeting_post(key("now"), channel, message));
                deliveries.push(Delivery::refresh_card(topic_id, Duration::ZERO));
            }
            Effect::ContinueTopic {
                topic_id,
                round,
                ends_at,
                length,
                grant,
            } => {
                let topic = topic(tx, topic_id).await?;
                store::meetings::grant_box(&mut *tx, meeting.id, topic_id, round, length.secs())
                    .await
                    .context("recording a granted box")?;
                let message = messages::now_discussing(&messages::NowDiscussing {
                    meeting_id: meeting.id,
                    topic: &topic,
                    round,
                    rounds: settings.timebox.len().max(round as usize),
                    length,
                    ends_at,
                    tz,
                    grant: Some(grant),
                    bot: state.bot.get(),
                });
                deliveries.push(Delivery::meeting_post(key("now"), channel, message));
            }
            Effect::CallVote {
                topic_id,
                closes_at,
                next_box,
                ..
            } => {
                let topic = topic(tx, topic_id).await?;
                let message = messages::times_up(meeting.id, &topic, next_box, closes_at, tz);
                deliveries.push(Delivery::meeting_post_then(
                    key("times-up"),
                    channel,
                    message,
                    AfterSend::RecordVoteMessage {
                        meeting_id: meeting.id,
                        version,
                    },
                ));
            }
            Effect::FinishTopic {
                topic_id,
                follow_up,
                finish,
                ..
            } => {
                let topic = topic(tx, topic_id).await?;
                store::topics::set_state(
                    &mut *tx,
                    topic_id,
                    TopicState::Discussed,
                    Some(meeting.id),
                )
                .await
                .context("marking a topic discussed")?;
                store::meetings::finish_topic(&mut *tx, meeting.id, topic_id, follow_up, now)
                    .await
                    .context("recording a topic's end")?;
                let message = messages::topic_finished(&topic, finish, follow_up);
                deliveries.push(Delivery::meeting_post(key("finished"), channel, message));
                deliveries.push(Delivery::refresh_card(topic_id, Duration::ZERO));
            }
            Effect::AgendaDone => {
                deliveries.push(Delivery::meeting_post(
                    key("agenda-done"),
                    channel,
                    messages::agenda_done(),
                ));
            }
            Effect::EndMeeting => {
                let deferred =
                    store::meetings::defer_open_topics(&mut *tx, channel, meeting.started_at)
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
                deliveries.push(Delivery::meeting_post(key("ended"), channel, message));
                deliveries.extend(
                    deferred
                        .iter()
                        .map(|topic_id| Delivery::refresh_card(*topic_id, Duration::ZERO)),
                );
            }
        }
        for delivery in &deliveries {
            outbox::queue(tx, delivery, state.clock.as_ref())
                .await
                .context("queuing a meeting message")?;
        }
    }
    Ok(())
}

async fn topic(tx: &mut PgConnection, topic_id: i64) -> anyhow::Result<Topic> {
    store::topics::find(&mut *tx, topic_id)
        .await
        .context("loading a topic")?
        .with_context(|| format!("topic {topic_id} is missing"))
}
