//! `challenge N status …`: anyone may say where an issue of the channel's log stands.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::challenges::{ChallengeIssue, entry};
use crate::domain::ids::UserId;
use crate::slack::blocks::{Reply, challenges as messages};
use crate::slack::inbound::SlashCommand;
use crate::store;
use crate::usecases::AppState;
use crate::usecases::decision::{Change, Decided, Decision};
use crate::usecases::refusal::Refusal;

/// The longest status, in characters.
const STATUS_MAX_CHARS: usize = 500;

/// Answers `challenge N status …`: set, or why not.
pub async fn set(
    state: &AppState,
    command: &SlashCommand,
    number: i32,
    status: &str,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let issue =
        store::challenges::find_by_number(&mut *tx, &command.team_id, &command.channel_id, number)
            .await
            .context("finding the issue")?;
    let decided = decide(issue, number, status, &command.user_id);
    state
        .carry_out(tx, Some(&command.team_id), decided, "a status")
        .await
}

/// Gives issue `number` (`issue`, if the channel has it) the `status` `by` typed, its
/// whitespace folded, unless that is too long.
pub fn decide(
    issue: Option<ChallengeIssue>,
    number: i32,
    status: &str,
    by: &UserId,
) -> Decided<IssueStatus> {
    let status = entry::fold(status);
    let chars = status.chars().count();
    if chars > STATUS_MAX_CHARS {
        return Err(Refusal::StatusTooLong {
            chars,
            max: STATUS_MAX_CHARS,
        });
    }
    let issue = issue.ok_or(Refusal::NoSuchChallenge(number))?;
    Ok(
        Decision::reply(messages::status_set(&issue, &status)).change(IssueStatus {
            issue_id: issue.id,
            status,
            by: by.clone(),
        }),
    )
}

/// An issue's new status, and who set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueStatus {
    pub issue_id: i64,
    pub status: String,
    pub by: UserId,
}

impl Change for IssueStatus {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        store::challenges::set_status(&mut *tx, self.issue_id, &self.status, &self.by, now)
            .await
            .context("setting the status")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue() -> ChallengeIssue {
        crate::domain::challenges::flaky_ci_issue()
    }

    #[test]
    fn the_status_is_set_with_its_whitespace_folded() {
        let decided = decide(
            Some(issue()),
            7,
            "  ARCH-12\n fixed  ",
            &UserId::from("U42"),
        );
        let decision = decided.expect("set");
        assert_eq!(
            decision.changes,
            vec![IssueStatus {
                issue_id: 40,
                status: "ARCH-12 fixed".to_string(),
                by: UserId::from("U42".to_string()),
            }]
        );
        assert_eq!(
            decision.reply.text,
            "*C7* Builds › Flaky &lt;CI&gt; · status: ARCH-12 fixed"
        );
        assert!(decision.calls.is_empty() && decision.steps.is_empty());
    }

    #[test]
    fn an_unknown_issue_is_refused() {
        let refused = decide(None, 9, "done", &UserId::from("U42")).map(|d| d.changes);
        assert_eq!(refused, Err(Refusal::NoSuchChallenge(9)));
    }

    #[test]
    fn a_status_over_500_characters_is_refused_before_the_issue_is_looked_at() {
        let fits = format!("{} ", "x".repeat(500));
        assert!(decide(Some(issue()), 7, &fits, &UserId::from("U42")).is_ok());
        let long = "x".repeat(501);
        let refused = decide(None, 9, &long, &UserId::from("U42")).map(|d| d.changes);
        assert_eq!(
            refused,
            Err(Refusal::StatusTooLong {
                chars: 501,
                max: 500
            })
        );
    }
}
