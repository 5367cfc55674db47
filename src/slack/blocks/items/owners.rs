//! Open items by owner: the lines the digest and the agenda at a meeting's start list, and an
//! item's owners as a list shows them.

use chrono::NaiveDate;

use super::item_line;
use crate::domain::actions::ActionItem;
use crate::domain::people::Person;
use crate::slack::blocks::shown;

/// Open items listed by owner, for the agenda posted at a meeting's start.
pub fn open_items_by_owner(items: &[ActionItem], today: NaiveDate) -> Vec<String> {
    owner_lines(items, today, usize::MAX)
}

/// `• <@U1>: *A7* … ; *A9* …`: one line for each owner (Slack users, and the names a notes
/// page gave), in the order they first appear in `items`, and last one for the items nobody
/// owns. An item with two owners is on both lines. Each line names up to `per_owner` items,
/// then counts the rest.
pub(in crate::slack::blocks) fn owner_lines(
    items: &[ActionItem],
    today: NaiveDate,
    per_owner: usize,
) -> Vec<String> {
    let mut owners: Vec<(Person, Vec<&ActionItem>)> = Vec::new();
    let mut unowned: Vec<&ActionItem> = Vec::new();
    for item in items {
        let theirs = owners_of(item);
        if theirs.is_empty() {
            unowned.push(item);
        }
        for owner in theirs {
            match owners.iter_mut().find(|(known, _)| *known == owner) {
                Some((_, listed)) => listed.push(item),
                None => owners.push((owner, vec![item])),
            }
        }
    }
    let named = owners.iter().map(|(owner, theirs)| (shown(owner), theirs));
    let nobody = (!unowned.is_empty()).then(|| (NO_OWNER.to_string(), &unowned));
    named
        .chain(nobody)
        .map(|(owner, theirs)| {
            let mut lines: Vec<String> = theirs
                .iter()
                .take(per_owner)
                .map(|item| item_line(item, today, None))
                .collect();
            if theirs.len() > per_owner {
                lines.push(format!("…and {} more", theirs.len() - per_owner));
            }
            format!("• {owner}: {}", lines.join("; "))
        })
        .collect()
}

/// What lists say for an item nobody owns (a notes page's "Unassigned").
const NO_OWNER: &str = "no owner";

/// An item's owners: Slack users, then the names a notes page gave.
fn owners_of(item: &ActionItem) -> Vec<Person> {
    let slack = item.owners.iter().cloned().map(Person::Slack);
    let named = item.owner_names.iter().cloned().map(Person::Name);
    slack.chain(named).collect()
}

/// `<@U1>, Omar K.`: an item's owners as a list shows them, or "no owner".
pub(in crate::slack::blocks) fn item_owners(item: &ActionItem) -> String {
    let owners = owners_of(item);
    if owners.is_empty() {
        return NO_OWNER.to_string();
    }
    owners.iter().map(shown).collect::<Vec<_>>().join(", ")
}
