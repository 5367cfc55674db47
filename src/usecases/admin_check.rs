//! The `ChangeByAdmin` step: a `withdraw N` or `edit N` that waited for Slack to say whether the
//! person is a workspace admin (see [`super::rights`]), decided now from what Slack said, or
//! refused if it said nothing in time, and answered in an ephemeral message through the outbox.
//! The change and its answer commit with the step, so it happens once.

use anyhow::Context;

use super::edit;
use super::rights::{Asker, IfUnknown};
use super::withdraw;
use crate::domain::command::{self, Command};
use crate::domain::job::Job;
use crate::outbox;
use crate::slack::outgoing::Delivery;
use crate::store::jobs::ClaimedJob;
use crate::usecases::AppState;

/// Runs one claimed `ChangeByAdmin` step.
pub async fn run_job(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let Job::ChangeByAdmin {
        team_id,
        channel_id,
        user_id,
        text,
        request,
    } = &claimed.job
    else {
        anyhow::bail!("not a change waiting for an admin check");
    };
    let asker = Asker {
        team_id,
        channel_id,
        user_id,
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let reply = match command::parse(text) {
        Ok(Command::Withdraw(number)) => {
            let decided =
                withdraw::load_and_decide(&mut tx, state, &asker, number, IfUnknown::Refuse)
                    .await?;
            state.write(&mut tx, Some(team_id), decided).await?
        }
        Ok(Command::Edit { number, proposal }) => {
            let decided =
                edit::load_and_decide(&mut tx, state, &asker, number, &proposal, IfUnknown::Refuse)
                    .await?;
            state.write(&mut tx, Some(team_id), decided).await?
        }
        _ => {
            tracing::warn!(key = %claimed.key, "a deferred change is neither withdraw nor edit");
            return state.complete_job(tx, claimed).await;
        }
    };
    let answer = Delivery::ephemeral(
        format!("change-by-admin:{request}"),
        channel_id,
        user_id,
        reply,
    )
    .for_team(team_id);
    outbox::queue(&mut tx, &answer, state.clock.as_ref())
        .await
        .context("queuing the answer")?;
    state.complete_job(tx, claimed).await
}
