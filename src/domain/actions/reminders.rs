//! Who gets a reminder DM in a run, listing what.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{ActionItem, ItemState};
use crate::domain::ids::UserId;

/// Why a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// The weekly `reminders` schedule, or `remind` on demand: everyone with open items.
    Everyone,
    /// The morning items fall due: their owners (each DM still lists all their open items).
    DueOn(NaiveDate),
}

/// One line of a DM: the item and whether it is overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmItem {
    pub item_id: i64,
    pub overdue: bool,
}

/// One owner to DM, with the items their DM lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub owner: UserId,
    pub items: Vec<DmItem>,
}

/// Each owner to DM, with their open, unsnoozed items, oldest first. Owners with nothing open
/// are not listed.
pub fn recipients(
    items: &[ActionItem],
    kind: ReminderKind,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Vec<Recipient> {
    let mut open: Vec<&ActionItem> = items
        .iter()
        .filter(|item| item.state == ItemState::Open)
        .filter(|item| item.snoozed_until.is_none_or(|until| until <= now))
        .collect();
    open.sort_by_key(|item| (item.created_at, item.number));
    let mut by_owner: BTreeMap<&UserId, Vec<&ActionItem>> = BTreeMap::new();
    for item in &open {
        for owner in &item.owners {
            by_owner.entry(owner).or_default().push(item);
        }
    }
    by_owner
        .into_iter()
        .filter(|(_, items)| match kind {
            ReminderKind::Everyone => true,
            ReminderKind::DueOn(date) => items.iter().any(|item| item.due_on == Some(date)),
        })
        .map(|(owner, items)| {
            let lines = items
                .iter()
                .map(|item| DmItem {
                    item_id: item.id,
                    overdue: item.is_overdue(today),
                })
                .collect();
            Recipient {
                owner: owner.clone(),
                items: lines,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ItemNumber;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 10, 0, 0).unwrap()
    }

    fn item(id: i64, owners: &[&str], age_days: i64, due: Option<u32>) -> ActionItem {
        ActionItem {
            id,
            number: ItemNumber(i32::try_from(id).expect("small")),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            text: format!("item {id}"),
            owners: owners.iter().map(|o| UserId::from(*o)).collect(),
            owner_names: vec![],
            due_on: due.and_then(|d| NaiveDate::from_ymd_opt(2026, 11, d)),
            topic_id: None,
            meeting_id: None,
            created_by: "U0".into(),
            created_at: now() - Duration::days(age_days),
            state: ItemState::Open,
            snoozed_until: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 18).expect("date")
    }

    #[test]
    fn each_owner_gets_their_open_items_oldest_first_with_overdue_marked() {
        let mut done = item(4, &["UB"], 9, None);
        done.state = ItemState::Done;
        let items = [
            item(1, &["UA"], 1, None),
            item(2, &["UB", "UA"], 5, Some(10)),
            item(3, &["UB"], 2, Some(30)),
            done,
        ];
        let runs = recipients(&items, ReminderKind::Everyone, now(), today());
        let line = |id, overdue| DmItem {
            item_id: id,
            overdue,
        };
        assert_eq!(
            runs,
            [
                Recipient {
                    owner: "UA".into(),
                    items: vec![line(2, true), line(1, false)]
                },
                Recipient {
                    owner: "UB".into(),
                    items: vec![line(2, true), line(3, false)]
                },
            ]
        );
    }

    #[test]
    fn snoozed_items_wait_and_owners_with_nothing_open_get_nothing() {
        let mut snoozed = item(1, &["UA"], 1, None);
        snoozed.snoozed_until = Some(now() + Duration::days(7));
        let runs = recipients(&[snoozed.clone()], ReminderKind::Everyone, now(), today());
        assert!(runs.is_empty());
        let later = now() + Duration::days(7);
        let runs = recipients(&[snoozed], ReminderKind::Everyone, later, today());
        assert_eq!(runs.len(), 1);
    }

    #[test]
    fn the_due_morning_run_reminds_only_owners_with_an_item_due_that_day() {
        let items = [
            item(1, &["UA"], 3, Some(18)),
            item(2, &["UA"], 1, None),
            item(3, &["UB"], 1, Some(25)),
        ];
        let runs = recipients(&items, ReminderKind::DueOn(today()), now(), today());
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].owner, "UA");
        assert_eq!(
            runs[0].items.len(),
            2,
            "the DM lists all of UA's open items"
        );
    }
}
