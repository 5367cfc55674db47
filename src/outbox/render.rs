//! Rendering at send time: a row that names a message (a card's current state, a reminder DM,
//! the App Home tab, a proposer's "not posted" DM) becomes its call only when the worker makes
//! it, so a burst of changes sends the latest state once. Opening a DM channel
//! (`conversations.open`) for it is a call the worker makes on the spot.

use super::worker::OutboxWorker;
use crate::compose;
use crate::domain::ids::{TeamId, UserId};
use crate::slack::api::CallError;
use crate::slack::blocks;
use crate::slack::call::SlackCall;
use crate::slack::outgoing::{CARD_REFRESH_DELAY, Outgoing, Render};
use crate::store;

impl OutboxWorker {
    /// The call to make: as stored, or rendered now from the database (an App Home tab shows
    /// the items of `team`, the row's workspace; every workspace's for a row without one).
    pub(super) async fn resolve(
        &self,
        outgoing: &Outgoing,
        team: Option<&TeamId>,
    ) -> Result<SlackCall, CallError> {
        match outgoing {
            Outgoing::Call(call) => Ok(call.as_ref().clone()),
            Outgoing::Render(Render::TopicCard { topic_id }) => self.render_card(*topic_id).await,
            Outgoing::Render(Render::ReminderDm { run_key, user_id }) => {
                self.render_reminder(run_key, user_id, false).await
            }
            Outgoing::Render(Render::ReminderDmEdit { run_key, user_id }) => {
                self.render_reminder(run_key, user_id, true).await
            }
            Outgoing::Render(Render::CardNotPosted { topic_id, error }) => {
                self.render_card_not_posted(*topic_id, error).await
            }
            Outgoing::Render(Render::AppHome { user_id }) => {
                let rendered = async {
                    let mut conn = self.db.acquire().await?;
                    compose::items::home_tab(
                        &mut conn,
                        team,
                        user_id,
                        self.bot.as_ref(),
                        self.clock.now(),
                    )
                    .await
                };
                rendered.await.map_err(|error| CallError::Retryable {
                    reason: format!("rendering the App Home tab: {error:#}"),
                    retry_after: None,
                    maybe_sent: false,
                })
            }
        }
    }

    /// The DM telling a topic's proposer its card could not be posted.
    async fn render_card_not_posted(
        &self,
        topic_id: i64,
        error: &str,
    ) -> Result<SlackCall, CallError> {
        let topic = store::topics::find(&self.db, topic_id)
            .await
            .map_err(|e| CallError::Retryable {
                reason: format!("loading a topic: {e}"),
                retry_after: None,
                maybe_sent: false,
            })?
            .ok_or_else(|| CallError::impossible("the topic no longer exists"))?;
        let Some(author) = &topic.author_id else {
            return Err(CallError::impossible("the topic has no proposer to tell"));
        };
        let dm = self.slack.open_dm(author).await?;
        let reply = blocks::card_not_posted(&topic, error);
        Ok(SlackCall::post_message(&dm, reply.text, reply.blocks))
    }

    /// A reminder DM: posted into the owner's DM channel (opened first if unknown), or, for an
    /// edit, the DM as sent, updated in place.
    async fn render_reminder(
        &self,
        run_key: &str,
        user_id: &UserId,
        edit: bool,
    ) -> Result<SlackCall, CallError> {
        let retry = |error: anyhow::Error| CallError::Retryable {
            reason: format!("rendering a reminder DM: {error:#}"),
            retry_after: None,
            maybe_sent: false,
        };
        let mut conn = self.db.acquire().await.map_err(|e| retry(e.into()))?;
        let Some((dm, reply)) = compose::items::reminder(
            &mut conn,
            run_key,
            user_id,
            self.bot.as_ref(),
            self.clock.now(),
        )
        .await
        .map_err(retry)?
        else {
            return Err(CallError::impossible("the reminder DM no longer exists"));
        };
        if edit {
            let (Some(channel), Some(ts)) = (&dm.dm_channel_id, &dm.message_ts) else {
                return Err(CallError::Retryable {
                    reason: "the reminder DM has not been sent yet".into(),
                    retry_after: Some(CARD_REFRESH_DELAY),
                    maybe_sent: false,
                });
            };
            return Ok(SlackCall::update_message(channel, ts, reply));
        }
        let channel = match store::reminders::dm_channel(&mut *conn, user_id)
            .await
            .map_err(|e| retry(e.into()))?
        {
            Some(channel) => channel,
            None => {
                let channel = self.slack.open_dm(user_id).await?;
                store::reminders::save_dm_channel(&mut *conn, user_id, &channel)
                    .await
                    .map_err(|e| retry(e.into()))?;
                channel
            }
        };
        Ok(SlackCall::post_message(&channel, reply.text, reply.blocks))
    }

    /// The edit that shows a card's current state.
    async fn render_card(&self, topic_id: i64) -> Result<SlackCall, CallError> {
        let rendered = async {
            let mut conn = self.db.acquire().await?;
            compose::cards::update(&mut conn, topic_id).await
        };
        match rendered.await {
            Ok(Some(call)) => Ok(call),
            Ok(None) => Err(CallError::Retryable {
                reason: "the card has not been posted yet".into(),
                retry_after: Some(CARD_REFRESH_DELAY),
                maybe_sent: false,
            }),
            Err(error) => Err(CallError::Retryable {
                reason: format!("rendering the card: {error:#}"),
                retry_after: None,
                maybe_sent: false,
            }),
        }
    }
}
