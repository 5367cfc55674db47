//! Why a use case did nothing, as data, and how each refusal reads: the one place a refusal
//! becomes a reply. What the refusals are about (a facilitator-only command, a change to
//! someone's topic) is named here too, so the checks that refuse import this module and not
//! the other way round.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::actions::ActionItem;
use crate::domain::challenges::entry::OneLineError;
use crate::domain::ids::{ItemNumber, TopicNumber, UserId};
use crate::domain::topics::Topic;
use crate::slack::blocks::{self, Reply, items};

/// A request the bot turned down; nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Only the channel's facilitators (named) may do this.
    NotFacilitator {
        what: FacilitatorsOnly,
        facilitators: Vec<UserId>,
    },
    /// The channel has no topic with this number.
    NoSuchTopic(TopicNumber),
    /// The topic is not open, so it cannot be withdrawn or edited.
    NotOpen {
        topic: Box<Topic>,
        request: TopicRequest,
    },
    /// Neither the author nor someone who may change another's topic (the facilitators, named;
    /// while there are none, workspace admins).
    NotYours {
        topic: Box<Topic>,
        facilitators: Vec<UserId>,
        request: TopicRequest,
    },
    /// Only a workspace admin could, and Slack did not say whether this person is one.
    AdminCheckFailed {
        topic: Box<Topic>,
        request: TopicRequest,
    },
    /// The edit asked for what the topic already says.
    Unchanged(Box<Topic>),
    /// The channel's challenges log has no issue with this number.
    NoSuchChallenge(i32),
    /// A one-line anecdote (`challenge Category | Issue | what happened …`) that cannot be read.
    ChallengeLine(OneLineError),
    /// An issue's status of `chars` characters, over the `max`.
    StatusTooLong { chars: usize, max: usize },
    /// A new action item names no owner.
    ItemNeedsOwner,
    /// A new action item says nothing to do.
    ItemNeedsText,
    /// Text (`what`: "An action item", …) longer than the limit, by its length in characters.
    TooLong { what: &'static str, chars: usize },
    /// The workspace has no action item with this number.
    NoSuchItem(ItemNumber),
    /// The action item is done or dropped already.
    ItemNotOpen(Box<ActionItem>),
    /// Only the item's owners, its creator and the channel's facilitators may change it.
    NotItemOwner(Box<ActionItem>),
    /// `remind`: today's reminders were sent already (a run happens once per key).
    AlreadyReminded,
    /// `digest`: this period's digest was posted already.
    DigestAlreadyPosted,
    /// `minutes`: the channel has held no meeting at all.
    NoMeetings,
    /// `minutes YYYY-MM-DD`: the channel has held meetings, but none that day.
    NoMeetingOn(NaiveDate),
    /// `start`: the channel's meeting is running already.
    MeetingRunning,
    /// A control with no meeting to act on (none running, or it ended meanwhile).
    NoMeeting,
    /// A button on a message of a topic or vote the meeting has moved past.
    StaleButton,
    /// The meeting is still starting (recounting votes, posting the agenda).
    MeetingStarting,
    /// `extend` while there is no topic to extend.
    NothingToExtend,
    /// `extend` on the topic's last timebox, which ends at `ends_at` (shown in `tz`).
    LastBox { ends_at: DateTime<Utc>, tz: Tz },
}

impl Refusal {
    /// How the refusal reads to the person who asked.
    pub fn reply(&self) -> Reply {
        match self {
            Refusal::NotFacilitator { what, facilitators } => what.refusal(facilitators),
            Refusal::NoSuchTopic(number) => blocks::no_such_topic(*number),
            Refusal::NotOpen { topic, request } => match request {
                TopicRequest::Withdraw => blocks::withdraw_not_open(topic),
                TopicRequest::Edit => blocks::edit_not_open(topic),
            },
            Refusal::NotYours {
                topic,
                facilitators,
                request,
            } => match request {
                TopicRequest::Withdraw => blocks::withdraw_refused(topic, facilitators),
                TopicRequest::Edit => blocks::edit_refused(topic, facilitators),
            },
            Refusal::AdminCheckFailed { topic, request } => {
                blocks::admin_check_failed(topic, request.what())
            }
            Refusal::Unchanged(topic) => blocks::edit_unchanged(topic),
            Refusal::NoSuchChallenge(number) => blocks::challenges::no_such_challenge(*number),
            Refusal::ChallengeLine(error) => blocks::challenges::one_line_error(error),
            Refusal::StatusTooLong { chars, max } => {
                blocks::challenges::status_too_long(*chars, *max)
            }
            Refusal::ItemNeedsOwner => items::item_needs_owner(),
            Refusal::ItemNeedsText => items::item_needs_text(),
            Refusal::TooLong { what, chars } => items::text_too_long(what, *chars),
            Refusal::NoSuchItem(number) => items::no_such_item(*number),
            Refusal::ItemNotOpen(item) => items::item_not_open(item),
            Refusal::NotItemOwner(item) => items::item_close_refused(item),
            Refusal::AlreadyReminded => items::reminders_already_sent(),
            Refusal::DigestAlreadyPosted => blocks::control_done(
                "This period's digest was already posted; it is not posted twice",
            ),
            Refusal::NoMeetings => blocks::minutes::no_meetings(),
            Refusal::NoMeetingOn(date) => blocks::minutes::no_meeting_on(*date),
            Refusal::MeetingRunning => blocks::meeting::already_running(),
            Refusal::NoMeeting => blocks::meeting::no_meeting(),
            Refusal::StaleButton => blocks::meeting::stale_button(),
            Refusal::MeetingStarting => blocks::meeting::still_starting(),
            Refusal::NothingToExtend => blocks::meeting::nothing_to_extend(),
            Refusal::LastBox { ends_at, tz } => blocks::meeting::last_box(*ends_at, *tz),
        }
    }
}

/// A facilitator-only command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacilitatorsOnly {
    /// `start`, `next`, `extend`, `end`.
    RunTheMeeting,
    /// `digest` (posting it now).
    PostTheDigest,
    /// `minutes post`.
    PostMinutes,
    /// `remind`.
    SendReminders,
    /// `recount`.
    RecountVotes,
    /// `config key value`, `config facilitators …`.
    Configure,
    /// `calendar reset`.
    ResetCalendar,
}

impl FacilitatorsOnly {
    /// Why the caller may not, naming who may.
    pub fn refusal(self, facilitators: &[UserId]) -> Reply {
        match self {
            FacilitatorsOnly::RunTheMeeting => blocks::meeting::meeting_refusal(facilitators),
            FacilitatorsOnly::PostTheDigest => blocks::digest::post_refusal(facilitators),
            FacilitatorsOnly::PostMinutes => blocks::minutes::post_refusal(facilitators),
            FacilitatorsOnly::SendReminders => {
                blocks::facilitator_refusal("send reminders", facilitators)
            }
            FacilitatorsOnly::RecountVotes => {
                blocks::facilitator_refusal("recount votes", facilitators)
            }
            FacilitatorsOnly::Configure => blocks::settings_refusal(facilitators),
            FacilitatorsOnly::ResetCalendar => blocks::calendar::reset_refusal(facilitators),
        }
    }
}

/// The two changes to someone's topic these rights govern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicRequest {
    Withdraw,
    Edit,
}

impl TopicRequest {
    /// The change, as a refusal names it: "… can withdraw it".
    pub fn what(self) -> &'static str {
        match self {
            TopicRequest::Withdraw => "withdraw it",
            TopicRequest::Edit => "edit it",
        }
    }
}
