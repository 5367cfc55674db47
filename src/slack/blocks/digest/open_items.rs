//! The digest's open action items: each owner on one line, their items overdue first.

use super::Digest;
use super::{ROWS, capped, section};
use crate::domain::actions::ActionItem;
use crate::slack::blocks::items::item_line;

/// How many of one owner's items the digest names before "…and N more".
const ITEMS_PER_OWNER: usize = 5;

/// Open items by owner, each owner on one line.
pub(super) fn open_items_part(digest: &Digest) -> Vec<String> {
    let owners = owners_of(&digest.open_items);
    let owner_count = owners.len();
    let lines: Vec<String> = owners
        .into_iter()
        .take(ROWS)
        .map(|owner| {
            let theirs: Vec<&ActionItem> = digest
                .open_items
                .iter()
                .filter(|item| item_owned_by(item, &owner))
                .collect();
            let mut named: Vec<String> = theirs
                .iter()
                .take(ITEMS_PER_OWNER)
                .map(|item| item_line(item, digest.today, None))
                .collect();
            if theirs.len() > ITEMS_PER_OWNER {
                named.push(format!("…and {} more", theirs.len() - ITEMS_PER_OWNER));
            }
            format!("• {owner}: {}", named.join("; "))
        })
        .collect();
    section(
        "Open action items",
        capped(lines, owner_count, ("owner", "owners")),
        "No open action items.",
    )
}

/// Everyone who owns an open item (Slack users as mentions, imported names as written).
fn owners_of(items: &[ActionItem]) -> Vec<String> {
    let mut owners: Vec<String> = Vec::new();
    for item in items {
        let all = item
            .owners
            .iter()
            .map(|o| format!("<@{o}>"))
            .chain(item.owner_names.iter().cloned());
        for owner in all {
            if !owners.contains(&owner) {
                owners.push(owner);
            }
        }
    }
    owners
}

fn item_owned_by(item: &ActionItem, owner: &str) -> bool {
    item.owners.iter().any(|o| format!("<@{o}>") == owner)
        || item.owner_names.iter().any(|n| n == owner)
}
