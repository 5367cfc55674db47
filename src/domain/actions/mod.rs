//! Action items, decisions and notes (DESIGN §4): how they are captured from text, who may
//! close an item, and who is reminded of what.

mod capture;
mod reminders;

pub use capture::{Capture, ItemText, LineKind, classify_reply, line_kind, parse_item_text};
pub use reminders::{DmItem, Recipient, ReminderKind, recipients};

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::ids::{ChannelId, ItemNumber, TeamId, UserId};

/// The longest action item or decision, in characters. Items are shown one per section in DMs
/// and App Home (3,000 characters at most each, with the item's topic and dates): longer text
/// would make every message that lists it fail for good.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// Why captured text is refused: its length in characters, when over [`MAX_TEXT_CHARS`].
pub fn too_long(text: &str) -> Option<usize> {
    let chars = text.chars().count();
    (chars > MAX_TEXT_CHARS).then_some(chars)
}

/// An action item's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    Open,
    Done,
    Dropped,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Done => "done",
            ItemState::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> Option<ItemState> {
        [ItemState::Open, ItemState::Done, ItemState::Dropped]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A stored action item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    /// Per-workspace number, shown as `A7`.
    pub number: ItemNumber,
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    /// Slack markup: mentions stay `<@U…>` so they show as names.
    pub text: String,
    /// Slack users who own it.
    pub owners: Vec<UserId>,
    /// Owners an imported page names without a Slack account.
    pub owner_names: Vec<String>,
    pub due_on: Option<NaiveDate>,
    pub topic_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub state: ItemState,
    pub snoozed_until: Option<DateTime<Utc>>,
}

impl ActionItem {
    /// Owners and the creator may close an item; so may the channel's facilitators, when it
    /// has named some (with none named, "anyone may facilitate" would let anyone close anyone's
    /// item).
    pub fn may_be_closed_by(&self, user: &UserId, facilitators: &[UserId]) -> bool {
        self.created_by == *user || self.owners.contains(user) || facilitators.contains(user)
    }

    /// Due before `today` and still open.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.state == ItemState::Open && self.due_on.is_some_and(|due| due < today)
    }
}

/// `A7` or `7` → 7.
pub fn parse_item_number(text: &str) -> Option<ItemNumber> {
    let text = text.trim();
    let digits = text
        .strip_prefix('A')
        .or_else(|| text.strip_prefix('a'))
        .unwrap_or(text);
    digits
        .trim_start_matches('#')
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .map(ItemNumber)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item() -> ActionItem {
        ActionItem {
            id: 1,
            number: ItemNumber(7),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            text: "see what we can do".into(),
            owners: vec!["UADAM".into(), "UNIM".into()],
            owner_names: vec![],
            due_on: NaiveDate::from_ymd_opt(2026, 11, 20),
            topic_id: None,
            meeting_id: None,
            created_by: "UCREATOR".into(),
            created_at: Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap(),
            state: ItemState::Open,
            snoozed_until: None,
        }
    }

    #[test]
    fn owners_the_creator_and_named_facilitators_may_close_an_item() {
        let item = item();
        for user in ["UADAM", "UNIM", "UCREATOR"] {
            assert!(item.may_be_closed_by(&UserId::from(user), &[]), "{user}");
        }
        assert!(!item.may_be_closed_by(&UserId::from("UOTHER"), &[]));
        assert!(item.may_be_closed_by(&UserId::from("UFAC"), &["UFAC".into()]));
    }

    #[test]
    fn an_item_is_overdue_the_day_after_it_was_due() {
        let item = item();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
        assert!(!item.is_overdue(day(20)));
        assert!(item.is_overdue(day(21)));
    }

    #[test]
    fn item_numbers_read_with_or_without_the_a() {
        assert_eq!(parse_item_number("A7"), Some(ItemNumber(7)));
        assert_eq!(parse_item_number("7"), Some(ItemNumber(7)));
        assert_eq!(parse_item_number("a12"), Some(ItemNumber(12)));
        assert_eq!(parse_item_number("seven"), None);
        assert_eq!(parse_item_number("0"), None);
    }
}
