//! `recount` (and a meeting's kickoff): re-read the vote reactions of a channel's open cards
//! from Slack and repair the stored votes (events missed while the bot was down).
//!
//! Durable and within Slack's rate limits: asking for a recount records it in the caller's
//! transaction, with one outbox `reactions.get` per card and a `RecountFinish` job. The outbox
//! makes the reads (retries, `Retry-After`, timeouts, giving up) and stores what each found; the
//! last one brings the job forward, which repairs every card as of the moment it was read and
//! reports to whoever asked, or lets the meeting post its agenda ([`finish`]). A restart loses
//! nothing, and a card is repaired once, in the job's transaction.
//!
//! What a recount reads and when it finishes is decided purely ([`decide_start`], [`Plan`]);
//! its id, known once it is recorded, only names the reads and the step.

mod finish;
#[cfg(test)]
mod tests;

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Change, Decided, Decision};
use super::facilitators::{FacilitatorsOnly::RecountVotes, allowed};
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::job::{Job, ScheduledJob, recount_subject};
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

pub use finish::finish;

/// How long a person's recount waits for Slack before it reports what it could read: a safety
/// net, since the outbox gives up on a card long before (its attempts and their backoff).
const REPORT_PATIENCE: Duration = Duration::from_secs(60 * 60);

/// How long a meeting's kickoff waits for its recount before the agenda goes out on the stored
/// votes: the room is waiting.
pub const KICKOFF_PATIENCE: Duration = Duration::from_secs(30);

/// Who a recount is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester<'a> {
    /// Someone typed `recount`: they hear what changed.
    Person(&'a UserId),
    /// A meeting's kickoff: its agenda follows the recount.
    Meeting(i64),
}

/// A card a recount reads: its topic and the card's `ts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub topic_id: i64,
    pub ts: String,
}

/// A recount to record: what it reads, for whom, and when its step finishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The workspace of the channel: its bot reads the cards.
    pub team: TeamId,
    pub channel_id: ChannelId,
    /// Who typed `recount`, if a person did.
    pub person: Option<UserId>,
    /// The meeting whose kickoff asked, if one did.
    pub meeting: Option<i64>,
    pub cards: Vec<Card>,
    /// When the finishing step is due if the reads have not brought it forward.
    pub finish_at: DateTime<Utc>,
}

/// Checks the caller may facilitate and records the recount; answers at once, and the report
/// arrives as an ephemeral message once the outbox has read every card.
pub async fn start(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, &command.channel_id)
        .await
        .context("loading settings")?;
    let cards = cards_to_check(&mut tx, &command.channel_id).await?;
    let decided = decide_start(settings, command, cards, state.clock.now());
    state
        .carry_out(tx, Some(&command.team_id), decided, "a recount")
        .await
}

/// A person's `recount` of the channel's `cards`: refused to someone who may not facilitate;
/// with no cards, answered and not recorded (no report would follow); else recorded.
pub fn decide_start(
    settings: ChannelSettings,
    command: &SlashCommand,
    cards: Vec<Card>,
    now: DateTime<Utc>,
) -> Decided<Plan> {
    allowed(settings, &command.user_id, RecountVotes)?;
    let answer = Decision::reply(blocks::recount_started(cards.len()));
    if cards.is_empty() {
        return Ok(answer);
    }
    let requester = Requester::Person(&command.user_id);
    let (team, channel) = (&command.team_id, &command.channel_id);
    Ok(answer.change(Plan::new(team, channel, requester, cards, now)))
}

/// Records a recount of `channel_id`'s open cards in `tx`: one `reactions.get` per card through
/// the outbox, and the step that finishes it (due at once when there is nothing to read).
/// Returns how many cards it reads. A meeting asks once; asking again reads nothing more.
pub async fn request(
    tx: &mut PgConnection,
    state: &AppState,
    team: &TeamId,
    channel_id: &ChannelId,
    requester: Requester<'_>,
) -> anyhow::Result<usize> {
    let cards = cards_to_check(tx, channel_id).await?;
    let now = state.clock.now();
    Plan::new(team, channel_id, requester, cards, now)
        .record(tx, now)
        .await
}

/// The open topics of a channel whose cards are posted, with their cards' `ts`.
async fn cards_to_check(
    tx: &mut PgConnection,
    channel_id: &ChannelId,
) -> anyhow::Result<Vec<Card>> {
    let topics = store::topics::open_in_channel(&mut *tx, channel_id)
        .await
        .context("loading open topics")?;
    Ok(topics
        .into_iter()
        .filter_map(|topic| {
            let ts = topic.card_ts?;
            Some(Card {
                topic_id: topic.id,
                ts,
            })
        })
        .collect())
}

impl Plan {
    /// A recount of `cards` for `requester`, asked at `now`: a person's waits up to an hour for
    /// Slack, a meeting's half a minute, and one with nothing to read finishes at once.
    pub fn new(
        team: &TeamId,
        channel_id: &ChannelId,
        requester: Requester<'_>,
        cards: Vec<Card>,
        now: DateTime<Utc>,
    ) -> Plan {
        let (person, meeting, patience) = match requester {
            Requester::Person(user) => (Some(user.clone()), None, REPORT_PATIENCE),
            Requester::Meeting(id) => (None, Some(id), KICKOFF_PATIENCE),
        };
        let wait = if cards.is_empty() {
            Duration::ZERO
        } else {
            patience
        };
        Plan {
            team: team.clone(),
            channel_id: channel_id.clone(),
            person,
            meeting,
            cards,
            finish_at: now + wait,
        }
    }

    /// The reads of recount `recount_id`, one per card.
    pub fn reads(&self, recount_id: i64) -> Vec<Delivery> {
        self.cards
            .iter()
            .map(|card| {
                Delivery::read_reactions(recount_id, card.topic_id, &self.channel_id, &card.ts)
                    .for_team(&self.team)
            })
            .collect()
    }

    /// The step that finishes recount `recount_id`.
    pub fn finish_step(&self, recount_id: i64) -> ScheduledJob {
        let job = Job::RecountFinish { recount_id };
        ScheduledJob {
            key: format!("{}:recount:{recount_id}", job.kind()),
            subject: recount_subject(recount_id),
            job,
            due_at: self.finish_at,
        }
    }

    /// Records the recount, its cards, their reads and its step in `tx`. Returns how many cards
    /// it reads: none when its meeting has asked for one already.
    async fn record(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let (person, meeting) = (self.person.as_ref(), self.meeting);
        let Some(recount_id) =
            store::recounts::insert(&mut *tx, &self.channel_id, person, meeting, now)
                .await
                .context("recording a recount")?
        else {
            return Ok(0);
        };
        for card in &self.cards {
            let (channel, ts) = (&self.channel_id, &card.ts);
            store::recounts::add_card(&mut *tx, recount_id, card.topic_id, channel, ts)
                .await
                .context("recording a card to read")?;
        }
        for read in self.reads(recount_id) {
            store::outbox::enqueue(&mut *tx, &read, now)
                .await
                .context("queuing a card's read")?;
        }
        let finish = self.finish_step(recount_id);
        store::jobs::schedule(&mut *tx, &finish, Some(&self.team), now)
            .await
            .context("scheduling the recount's end")?;
        Ok(self.cards.len())
    }
}

impl Change for Plan {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.record(tx, now).await.map(|_| ())
    }
}
