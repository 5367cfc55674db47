//! The `/archtopic` text parser: one pure function from what a person typed to a [`Command`].
//!
//! This module owns what a command is (and why text is not one); [`parse`] reads the
//! subcommands, `proposal` reads `[intent] title`, and `usage` holds the usage lines replies
//! show.

mod parse;
mod proposal;
mod usage;

pub use parse::parse;
pub use usage::*;

use chrono::NaiveDate;

use crate::domain::actions::{ItemState, ItemText};
use crate::domain::ids::{ItemNumber, TopicNumber, UserId};
use crate::domain::meeting::MeetingControl;
use crate::domain::settings::{SettingChange, SettingError};
use crate::domain::topics::{Intent, IntentError, Intents, Title, TitleError};

/// What a person asked `/archtopic` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `[intent] title`: propose a topic.
    Propose(Proposal),
    /// `list`: the ranked agenda for the next meeting.
    List,
    /// `withdraw N`: take topic N off the agenda.
    Withdraw(TopicNumber),
    /// `edit N [intent] title`: fix topic N's intents or title.
    Edit {
        number: TopicNumber,
        proposal: Proposal,
    },
    /// `recount`: re-read the vote reactions of open cards from Slack.
    Recount,
    /// `start`: start the meeting.
    Start,
    /// `next`, `extend`, `end`: run the meeting.
    Meeting(MeetingControl),
    /// `action …`: record an action item, or reassign one.
    Action(ActionCommand),
    /// `done N`, `drop N`: close an action item.
    CloseItem {
        number: ItemNumber,
        state: ItemState,
    },
    /// `mine`: my open action items.
    Mine,
    /// `remind`: send the reminder DMs now.
    Remind,
    /// `search words…`: past and open topics matching the words.
    Search(String),
    /// `digest` (post now) or `digest preview` (show me).
    Digest { preview: bool },
    /// `minutes [post] [last | YYYY-MM-DD]`: a meeting's minutes, to me or posted in the
    /// channel; the last meeting's without a date.
    Minutes { post: bool, date: Option<NaiveDate> },
    /// `calendar`: the channel's calendar feed address; `calendar reset`: a new one.
    Calendar { reset: bool },
    /// `challenge …`, `challenges [category]`: the architecture challenges log.
    Challenge(ChallengeCommand),
    /// `config`: show the channel's settings.
    ShowConfig,
    /// `config KEY VALUE`: change one.
    ChangeConfig(Result<SettingChange, SettingError>),
    /// `help`, or no text at all.
    Help,
    /// A single word that is no command we know.
    Unknown(String),
}

/// What `action` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionCommand {
    /// `action @owner [@owner…] text [due YYYY-MM-DD]`: the leading mentions own it.
    New { owners: Vec<UserId>, item: ItemText },
    /// `action N owner @x [@y…]`.
    Reassign {
        number: ItemNumber,
        owners: Vec<UserId>,
    },
}

/// What `challenge` and `challenges` ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeCommand {
    /// `challenge`: open the form.
    Form,
    /// `challenge Category | Issue | what happened [| team [| YYYY-MM-DD]]`, as plain text;
    /// its fields are checked against the channel's today.
    Record(String),
    /// `challenge N`: one issue with all its anecdotes.
    Show(i32),
    /// `challenge N status text…`.
    SetStatus { number: i32, status: String },
    /// `challenges [category]`: the log, most occurrences first.
    List(Option<String>),
}

/// A topic as proposed: its intents and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub intents: Intents,
    pub title: Title,
}

/// A subcommand given the wrong arguments: what was typed, and the usage to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub usage: &'static str,
}

/// Why text that looked like a proposal is not one. Each case carries what the reply needs
/// to show a corrected example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalError {
    /// No `[intent]` tag in front. `guess` is the intent the text seems to want.
    MissingIntent { title: String, guess: Intent },
    /// `[quest What is…`: the tag is never closed.
    UnclosedTag { title: String, guess: Intent },
    /// The tag names something that is not an intent, or is empty.
    BadIntent { error: IntentError, title: String },
    /// The tag is fine but the title is empty or too long.
    BadTitle { error: TitleError, intents: Intents },
}

/// Why the text is not a command we can carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    Proposal(ProposalError),
    /// `edit N` followed by what would be a bad proposal.
    Edit {
        number: TopicNumber,
        error: ProposalError,
    },
    Usage(UsageError),
}

#[cfg(test)]
mod tests;
