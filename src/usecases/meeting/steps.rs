//! The meeting's scheduled steps: kickoff, warnings, time's up, closing a vote, the automatic
//! end. Each runs in one transaction with its job's completion, so it happens exactly once;
//! a step whose phase version has moved on completes without doing anything.

use anyhow::Context;
use sqlx::PgConnection;

use super::advance;
use crate::compose;
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::job::Job;
use crate::domain::meeting::Span;
use crate::domain::meeting::rules::{Input, Phase};
use crate::domain::votes::normalise_emoji;
use crate::outbox;
use crate::slack::blocks::{self, meeting as messages};
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;
use crate::usecases::recount;

/// Runs one claimed meeting step.
pub async fn run(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    match claimed.job {
        Job::MeetingKickoff { meeting_id } => kickoff(state, claimed, meeting_id).await,
        Job::BoxWarning {
            meeting_id,
            version,
        } => warning(state, claimed, meeting_id, version).await,
        Job::BoxEnd {
            meeting_id,
            version,
        } => move_on(state, claimed, meeting_id, Some(version), Input::BoxEnded).await,
        Job::VoteClose {
            meeting_id,
            version,
        } => close_vote(state, claimed, meeting_id, version).await,
        Job::MeetingAutoEnd { meeting_id } => {
            move_on(state, claimed, meeting_id, None, Input::End).await
        }
        Job::PreMeeting { .. }
        | Job::ReminderRun { .. }
        | Job::DueMorning { .. }
        | Job::Digest { .. }
        | Job::RecountFinish { .. }
        | Job::ChangeByAdmin { .. }
        | Job::Retention { .. } => {
            anyhow::bail!("not a meeting step")
        }
    }
}

/// Asks for the recount (its reads go through the outbox); the agenda and the top topic follow
/// when it finishes ([`post_agenda`]), or when [`recount::KICKOFF_PATIENCE`] runs out.
async fn kickoff(state: &AppState, claimed: &ClaimedJob, meeting_id: i64) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let meeting = store::meetings::lock(&mut *tx, meeting_id).await?;
    if let Some(meeting) = meeting.filter(|m| m.phase == Phase::Starting) {
        let requester = recount::Requester::Meeting(meeting_id);
        let (team, channel) = (&meeting.team_id, &meeting.channel_id);
        recount::request(&mut tx, state, team, channel, requester).await?;
    }
    state.complete_job(tx, claimed).await
}

/// After the kickoff's recount (`recounted`: every card was read): posts the ranked agenda and
/// starts the top topic, if the meeting is still starting.
pub async fn post_agenda(
    tx: &mut PgConnection,
    state: &AppState,
    meeting_id: i64,
    recounted: bool,
) -> anyhow::Result<()> {
    let Some(meeting) = store::meetings::lock(&mut *tx, meeting_id)
        .await?
        .filter(|m| m.phase == Phase::Starting)
    else {
        return Ok(());
    };
    let now = state.clock.now();
    let ranked = compose::agenda::ranked(tx, &meeting.channel_id).await?;
    let agenda = blocks::agenda(&ranked, now);
    let earlier_items: Vec<_> = store::items::open_in_channel(&mut *tx, &meeting.channel_id)
        .await
        .context("loading open action items")?
        .into_iter()
        .filter(|item| item.created_at < meeting.started_at)
        .collect();
    let today = compose::items::today_in(tx, &meeting.channel_id, now).await?;
    let open_items = blocks::items::open_items_by_owner(&earlier_items, today);
    let message = messages::meeting_started(&agenda, &meeting.started_by, recounted, &open_items);
    outbox::queue(
        tx,
        &Delivery::meeting_post(
            format!("meeting:{meeting_id}:agenda"),
            &meeting.channel_id,
            message,
        )
        .for_team(&meeting.team_id),
        state.clock.as_ref(),
    )
    .await
    .context("queuing the agenda")?;
    let _ = advance(tx, state, &meeting, Input::Kickoff).await?;
    Ok(())
}

/// Posts "N minutes left" if the box this warning was made for is still running (a warning
/// that comes due only after its box ended, say after downtime, has nothing left to say).
async fn warning(
    state: &AppState,
    claimed: &ClaimedJob,
    meeting_id: i64,
    version: i32,
) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let meeting = store::meetings::lock(&mut *tx, meeting_id).await?;
    let now = state.clock.now();
    if let Some(meeting) = meeting.filter(|m| m.version == version)
        && let Phase::Discussing {
            topic_id, ends_at, ..
        } = meeting.phase
        && ends_at > now
    {
        let settings = store::settings::load(&mut *tx, &meeting.channel_id).await?;
        let topic = store::topics::find(&mut *tx, topic_id)
            .await?
            .context("the topic vanished")?;
        let left = Span::rounded((ends_at - now).to_std().unwrap_or_default());
        let message = messages::box_warning(&topic, left, ends_at, settings.schedule.tz);
        outbox::queue(
            &mut tx,
            &Delivery::meeting_post(
                format!("warning:meeting:{meeting_id}:v{version}"),
                &meeting.channel_id,
                message,
            )
            .for_team(&meeting.team_id),
            state.clock.as_ref(),
        )
        .await
        .context("queuing a warning")?;
    }
    state.complete_job(tx, claimed).await
}

/// Applies `input` if the meeting is still at `version` (or at any version when `None`).
async fn move_on(
    state: &AppState,
    claimed: &ClaimedJob,
    meeting_id: i64,
    version: Option<i32>,
    input: Input,
) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let meeting = store::meetings::lock(&mut *tx, meeting_id).await?;
    if let Some(meeting) = meeting.filter(|m| version.is_none_or(|v| m.version == v)) {
        let _ = advance(&mut tx, state, &meeting, input).await?;
    }
    state.complete_job(tx, claimed).await
}

/// Counts 👍 and 👎 on the "Time's up" message (a `reactions.get` made here, outside the
/// transaction and the outbox: the vote closes now, and a failed read retries the whole step)
/// and lets the majority decide.
async fn close_vote(
    state: &AppState,
    claimed: &ClaimedJob,
    meeting_id: i64,
    version: i32,
) -> anyhow::Result<()> {
    let Some(meeting) = store::meetings::find(&state.db, meeting_id)
        .await
        .context("loading the meeting")?
        .filter(|m| m.version == version)
    else {
        return complete_alone(state, claimed).await;
    };
    let (up, down) = match &meeting.vote_message_ts {
        Some(ts) => count_thumbs(state, &meeting.team_id, &meeting.channel_id, ts).await?,
        // The message never reached Slack: nobody could vote.
        None => (0, 0),
    };
    move_on(
        state,
        claimed,
        meeting_id,
        Some(version),
        Input::VoteClosed { up, down },
    )
    .await
}

/// People (not bots) with 👍 and with 👎 on a message, in any skin tone.
async fn count_thumbs(
    state: &AppState,
    team: &TeamId,
    channel: &ChannelId,
    ts: &str,
) -> anyhow::Result<(u32, u32)> {
    let reactions = state
        .workspaces
        .slack_in(team)
        .await?
        .reactions_on(channel, ts)
        .await
        .context("reading the vote's reactions")?;
    let bot = state.workspaces.bot_in(team).await.map(|b| b.user_id);
    let people = |emoji: &str| -> Vec<UserId> {
        let mut users: Vec<UserId> = reactions
            .iter()
            .filter(|reaction| normalise_emoji(&reaction.name) == emoji)
            .flat_map(|reaction| reaction.users.iter().cloned())
            .filter(|user| Some(user) != bot.as_ref())
            .collect();
        users.sort();
        users.dedup();
        users
    };
    let (up, down) = (people("+1"), people("-1"));
    let everyone: Vec<UserId> = up.iter().chain(&down).cloned().collect();
    let bots = store::users::bots_among(&state.db, &everyone)
        .await
        .context("checking for bots")?;
    let count = |users: &[UserId]| {
        u32::try_from(users.iter().filter(|u| !bots.contains(u)).count()).unwrap_or(u32::MAX)
    };
    Ok((count(&up), count(&down)))
}

/// Completes a job that had nothing to do.
async fn complete_alone(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let tx = state.db.begin().await.context("starting a transaction")?;
    state.complete_job(tx, claimed).await
}
