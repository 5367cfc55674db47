//! The challenges log: issues and their anecdotes, recorded from Slack or imported from a page,
//! and the topics proposed from them.
//!
//! `reading` answers what the log holds; `recording` adds to it from Slack; `page` imports a
//! page into it and gives it back in the page's shape; `issues` finds an issue by name or
//! starts it, for both.

mod issues;
mod page;
mod reading;
mod recording;

pub use issues::{Named, NewIssue, look_up, start, take_next_id, take_next_number};
pub use page::{ImportOutcome, import_page, page_of};
pub use reading::{anecdotes, categories, find, find_by_number, in_channel, recorded_since};
pub use recording::{
    IssueChoice, Recording, Told, add_anecdote, lock, lock_in_channel, record, recorded_from,
    set_status,
};
