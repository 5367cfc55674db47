//! Button action ids: what each button the bot renders means when Slack sends it back.

use crate::domain::meeting::MeetingControl;

/// Each meeting control's button.
impl MeetingControl {
    pub fn action_id(self) -> &'static str {
        match self {
            MeetingControl::Extend => "meeting_extend",
            MeetingControl::Next => "meeting_next",
            MeetingControl::End => "meeting_end",
            MeetingControl::CloseVote => "meeting_close_vote",
        }
    }

    pub fn from_action_id(action_id: &str) -> Option<MeetingControl> {
        MeetingControl::ALL
            .into_iter()
            .find(|control| control.action_id() == action_id)
    }
}

/// A button on an action item (in a reminder DM or the App Home tab).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemControl {
    Done,
    /// Leave it out of reminders for a week.
    Snooze,
}

impl ItemControl {
    pub const ALL: [ItemControl; 2] = [ItemControl::Done, ItemControl::Snooze];

    pub fn action_id(self) -> &'static str {
        match self {
            ItemControl::Done => "item_done",
            ItemControl::Snooze => "item_snooze",
        }
    }

    pub fn from_action_id(action_id: &str) -> Option<ItemControl> {
        ItemControl::ALL
            .into_iter()
            .find(|control| control.action_id() == action_id)
    }
}

/// The value a meeting button carries: which meeting and which topic it was shown for.
pub fn button_value(meeting_id: i64, topic_id: i64) -> String {
    format!("{meeting_id}:{topic_id}")
}

/// Reads a [`button_value`] back.
pub fn parse_button_value(value: &str) -> Option<(i64, i64)> {
    let (meeting, topic) = value.split_once(':')?;
    Some((meeting.parse().ok()?, topic.parse().ok()?))
}

/// "Discuss at Arch Hour" on a challenges-log issue; its value is the issue's id.
pub const DISCUSS_CHALLENGE: &str = "challenge_discuss";

/// The challenge form (a modal): its callback id, and its input blocks' ids, each the same as
/// its element's action id.
pub mod challenge_form {
    pub const CALLBACK: &str = "challenge_record";
    pub const CATEGORY: &str = "category";
    pub const NEW_CATEGORY: &str = "new_category";
    pub const ISSUE: &str = "issue";
    pub const NEW_ISSUE: &str = "new_issue";
    pub const WHAT: &str = "what_happened";
    pub const TEAM: &str = "team";
    pub const DATE: &str = "date";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_ids_and_values_round_trip() {
        for control in MeetingControl::ALL {
            assert_eq!(
                MeetingControl::from_action_id(control.action_id()),
                Some(control)
            );
        }
        assert_eq!(parse_button_value(&button_value(4, 12)), Some((4, 12)));
        assert_eq!(parse_button_value("4"), None);
        assert_eq!(MeetingControl::from_action_id("other"), None);
        for control in ItemControl::ALL {
            assert_eq!(
                ItemControl::from_action_id(control.action_id()),
                Some(control)
            );
        }
    }
}
