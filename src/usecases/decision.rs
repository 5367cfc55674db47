//! What a use case decided, as plain data, and the one function that carries it out.
//!
//! A use case loads what it needs, then a pure `decide(…)` returns a [`Decided`]: either a
//! [`Decision`] (the reply, the rows to change, the Slack calls to queue, the steps to
//! schedule) or a [`Refusal`], which changes nothing. [`AppState::carry_out`] writes a decision
//! in the use case's transaction, commits, and wakes the workers; [`AppState::write`] does the
//! writing alone for a use case that runs inside a larger transaction (a step, a form).

use std::future::Future;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, Transaction};

use super::AppState;
use super::refusal::Refusal;
use crate::domain::ids::TeamId;
use crate::domain::job::ScheduledJob;
use crate::outbox;
use crate::slack::blocks::Reply;
use crate::slack::outgoing::Delivery;
use crate::store;

/// What a use case decided: a decision to carry out, or a refusal to answer with.
pub type Decided<C> = Result<Decision<C>, Refusal>;

/// Everything a use case does, decided before any of it is done.
#[derive(Debug)]
pub struct Decision<C> {
    /// What the person who asked is told.
    pub reply: Reply,
    /// Rows to write, in order.
    pub changes: Vec<C>,
    /// Calls to Slack, queued in the outbox with the changes.
    pub calls: Vec<Delivery>,
    /// Steps to schedule with the changes (a step already scheduled under its key stays).
    pub steps: Vec<ScheduledJob>,
}

impl<C> Decision<C> {
    /// A reply that changes nothing.
    pub fn reply(reply: Reply) -> Self {
        Decision {
            reply,
            changes: Vec::new(),
            calls: Vec::new(),
            steps: Vec::new(),
        }
    }

    pub fn change(mut self, change: C) -> Self {
        self.changes.push(change);
        self
    }

    pub fn call(mut self, call: Delivery) -> Self {
        self.calls.push(call);
        self
    }

    pub fn calls(mut self, calls: impl IntoIterator<Item = Delivery>) -> Self {
        self.calls.extend(calls);
        self
    }

    pub fn step(mut self, step: ScheduledJob) -> Self {
        self.steps.push(step);
        self
    }
}

/// A row change a use case decided on, and how it is written.
pub trait Change {
    /// Writes the change in `tx`. An error rolls back the whole decision.
    fn write(
        &self,
        tx: &mut PgConnection,
        now: DateTime<Utc>,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// The changes of a use case that changes no rows (only queues calls or schedules steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoChange {}

impl Change for NoChange {
    async fn write(&self, _: &mut PgConnection, _: DateTime<Utc>) -> anyhow::Result<()> {
        match *self {}
    }
}

impl AppState {
    /// Writes what was decided in `tx`, queues its calls and schedules its steps for `team`
    /// (the workspace the use case acts in, whose bot makes them; `None` for a step scheduled
    /// before workspaces were recorded: `SLACK_BOT_TOKEN`'s); the caller commits. A refusal
    /// writes nothing. Returns the reply either way.
    pub async fn write<C: Change>(
        &self,
        tx: &mut PgConnection,
        team: Option<&TeamId>,
        decided: Decided<C>,
    ) -> anyhow::Result<Reply> {
        let decision = match decided {
            Ok(decision) => decision,
            Err(refusal) => return Ok(refusal.reply()),
        };
        let now = self.clock.now();
        for change in &decision.changes {
            change.write(tx, now).await?;
        }
        for call in decision.calls {
            outbox::queue(tx, &call.for_team_if(team), self.clock.as_ref())
                .await
                .context("queuing a call to Slack")?;
        }
        for step in &decision.steps {
            store::jobs::schedule(&mut *tx, step, team, now)
                .await
                .context("scheduling a step")?;
        }
        Ok(decision.reply)
    }

    /// Carries out what a use case decided for `team`: writes it in `tx`, commits, and wakes
    /// the workers.
    /// A refusal rolls back whatever `tx` did and becomes the reply.
    pub async fn carry_out<C: Change>(
        &self,
        mut tx: Transaction<'_, Postgres>,
        team: Option<&TeamId>,
        decided: Decided<C>,
        what: &str,
    ) -> anyhow::Result<Reply> {
        if let Err(refusal) = decided {
            return Ok(refusal.reply());
        }
        let reply = self.write(&mut tx, team, decided).await?;
        self.commit(tx, what).await?;
        Ok(reply)
    }
}
