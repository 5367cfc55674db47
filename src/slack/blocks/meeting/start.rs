//! Before and at the start: the reminders with the top of the agenda, and the agenda posted
//! when the meeting starts.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::ids::UserId;
use crate::domain::votes::RankedTopic;
use crate::slack::blocks::{Moment, Reply, agenda_row, headed, local_time, sections};

/// The agenda posted when the meeting starts, with the open action items from earlier
/// meetings by owner.
pub fn meeting_started(
    agenda: &Reply,
    facilitator: &UserId,
    recounted: bool,
    open_items_by_owner: &[String],
) -> Reply {
    let recount = if recounted {
        "Votes were recounted from Slack just now."
    } else {
        "Votes could not be recounted from Slack; the agenda uses the votes as recorded."
    };
    let mut blocks = sections(&[&format!(
        "*Arch Hour is starting*, facilitated by <@{facilitator}>. {recount}"
    )]);
    blocks.extend(agenda.blocks.iter().cloned());
    if !open_items_by_owner.is_empty() {
        blocks.extend(headed(
            "*Open action items from earlier meetings*",
            open_items_by_owner,
        ));
    }
    Reply {
        text: "Arch Hour is starting".to_string(),
        blocks,
    }
}
/// The day-before nudge and the ten-minutes-before reminder, with the top of the agenda.
pub fn pre_meeting(soon: bool, starts_at: DateTime<Utc>, tz: Tz, ranked: &[RankedTopic]) -> Reply {
    let top: Vec<String> = ranked.iter().take(5).map(agenda_row).collect();
    let when = local_time(starts_at, tz, Moment::LongDate);
    let lead = if soon {
        format!("*Arch Hour starts in 10 minutes* ({when}).")
    } else {
        format!(
            "*Arch Hour is tomorrow*, {when}. Add topics with `/archtopic [intent] title` and vote with reactions on their cards."
        )
    };
    let agenda = if top.is_empty() {
        "No topics yet.".to_string()
    } else {
        format!("Top of the agenda so far:\n{}", top.join("\n"))
    };
    Reply::markdown(format!("{lead}\n{agenda}"))
}
