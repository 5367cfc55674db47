//! Channel settings (DESIGN §5): their values and defaults, and parsing `config KEY VALUE`.

mod parse;

pub use parse::{SettingError, parse_change};

use std::fmt;

use crate::domain::ids::UserId;
use crate::domain::meeting::{Schedule, Span, WeeklyTime};

/// One channel's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSettings {
    /// When the meeting is, in which time zone, for how long.
    pub schedule: Schedule,
    /// The time boxes: the first, then each extension the room may vote for.
    pub timebox: Vec<Span>,
    /// How long before a box ends the warning is posted (zero: no warning).
    pub warning: Span,
    /// How long the room has to vote 👍/👎 when a box ends.
    pub vote_window: Span,
    /// The reaction that counts as a vote (without colons).
    pub vote_emoji: String,
    /// How many of a person's votes on open topics count; 0 = unlimited.
    pub votes_per_person: u32,
    /// When the weekly digest is posted (channel time); `None` = off.
    pub digest: Option<WeeklyTime>,
    /// When reminder DMs about open action items go out (channel time); `None` = off.
    pub reminders: Option<WeeklyTime>,
    /// User ids who may facilitate; empty = anyone in the channel.
    pub facilitators: Vec<UserId>,
}

impl Default for ChannelSettings {
    fn default() -> Self {
        Self {
            schedule: Schedule::default(),
            timebox: vec![
                Span::from_secs(600),
                Span::from_secs(300),
                Span::from_secs(300),
            ],
            warning: Span::from_secs(120),
            vote_window: Span::from_secs(60),
            vote_emoji: "+1".to_string(),
            votes_per_person: 0,
            digest: WeeklyTime::parse("mon 09:00"),
            reminders: WeeklyTime::parse("tue 10:00"),
            facilitators: Vec::new(),
        }
    }
}

impl ChannelSettings {
    /// Whether `user` may run the meeting and change settings.
    pub fn can_facilitate(&self, user: &UserId) -> bool {
        self.facilitators.is_empty() || self.facilitators.contains(user)
    }

    pub fn apply(&mut self, change: &SettingChange) {
        match change {
            SettingChange::Schedule(schedule) => self.schedule = *schedule,
            SettingChange::Timebox(boxes) => self.timebox.clone_from(boxes),
            SettingChange::Warning(span) => self.warning = *span,
            SettingChange::VoteWindow(span) => self.vote_window = *span,
            SettingChange::VoteEmoji(emoji) => self.vote_emoji.clone_from(emoji),
            SettingChange::VotesPerPerson(n) => self.votes_per_person = *n,
            SettingChange::Digest(at) => self.digest = *at,
            SettingChange::Reminders(at) => self.reminders = *at,
            SettingChange::Facilitators(users) => self.facilitators.clone_from(users),
        }
    }
}

/// A setting's name, as typed after `config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    Schedule,
    Timebox,
    Warning,
    VoteWindow,
    VoteEmoji,
    VotesPerPerson,
    Digest,
    Reminders,
    Facilitators,
}

impl SettingKey {
    /// In the order `config` lists them.
    pub const ALL: [SettingKey; 9] = [
        SettingKey::Schedule,
        SettingKey::Timebox,
        SettingKey::Warning,
        SettingKey::VoteWindow,
        SettingKey::VoteEmoji,
        SettingKey::VotesPerPerson,
        SettingKey::Digest,
        SettingKey::Reminders,
        SettingKey::Facilitators,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SettingKey::Schedule => "schedule",
            SettingKey::Timebox => "timebox",
            SettingKey::Warning => "warning",
            SettingKey::VoteWindow => "vote_window",
            SettingKey::VoteEmoji => "vote_emoji",
            SettingKey::VotesPerPerson => "votes_per_person",
            SettingKey::Digest => "digest",
            SettingKey::Reminders => "reminders",
            SettingKey::Facilitators => "facilitators",
        }
    }

    /// The accepted form of the value, with an example.
    pub fn expected(self) -> &'static str {
        match self {
            SettingKey::Schedule => {
                "weekday, 24-hour time, IANA time zone and length, e.g. `config schedule wed 11:00 America/New_York 60m`"
            }
            SettingKey::Timebox => {
                "one or more durations separated by commas: the first box, then each extension, e.g. `config timebox 10m,5m,5m` or `config timebox 20s,10s`"
            }
            SettingKey::Warning => {
                "a duration before the end of a box, or 0s for no warning, e.g. `config warning 2m`"
            }
            SettingKey::VoteWindow => "a duration from 5s to 10m, e.g. `config vote_window 60s`",
            SettingKey::VoteEmoji => {
                "an emoji name, e.g. `config vote_emoji +1` or `config vote_emoji :star:`"
            }
            SettingKey::VotesPerPerson => {
                "a whole number of votes per person, 0 for unlimited, e.g. `config votes_per_person 3`"
            }
            SettingKey::Digest => {
                "a weekday and 24-hour time in the meeting's time zone, or `off`, e.g. `config digest mon 09:00`"
            }
            SettingKey::Reminders => {
                "a weekday and 24-hour time in the meeting's time zone, or `off`, e.g. `config reminders tue 10:00`"
            }
            SettingKey::Facilitators => {
                "@mentions, e.g. `config facilitators @ann @bob`, or `none` to let anyone facilitate"
            }
        }
    }

    fn parse(word: &str) -> Option<SettingKey> {
        let word = word.trim().to_lowercase().replace('-', "_");
        SettingKey::ALL.into_iter().find(|key| key.name() == word)
    }
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A valid new value for one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingChange {
    Schedule(Schedule),
    Timebox(Vec<Span>),
    Warning(Span),
    VoteWindow(Span),
    VoteEmoji(String),
    VotesPerPerson(u32),
    Digest(Option<WeeklyTime>),
    Reminders(Option<WeeklyTime>),
    Facilitators(Vec<UserId>),
}

impl SettingChange {
    pub fn key(&self) -> SettingKey {
        match self {
            SettingChange::Schedule(_) => SettingKey::Schedule,
            SettingChange::Timebox(_) => SettingKey::Timebox,
            SettingChange::Warning(_) => SettingKey::Warning,
            SettingChange::VoteWindow(_) => SettingKey::VoteWindow,
            SettingChange::VoteEmoji(_) => SettingKey::VoteEmoji,
            SettingChange::VotesPerPerson(_) => SettingKey::VotesPerPerson,
            SettingChange::Digest(_) => SettingKey::Digest,
            SettingChange::Reminders(_) => SettingKey::Reminders,
            SettingChange::Facilitators(_) => SettingKey::Facilitators,
        }
    }
}

/// A time box list as typed: `10m,5m,5m`.
pub fn timebox_text(boxes: &[Span]) -> String {
    boxes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anyone_facilitates_until_facilitators_are_set() {
        let mut settings = ChannelSettings::default();
        assert!(settings.can_facilitate(&UserId::from("U9")));
        settings.apply(&SettingChange::Facilitators(vec!["U1".into()]));
        assert!(settings.can_facilitate(&UserId::from("U1")));
        assert!(!settings.can_facilitate(&UserId::from("U9")));
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let settings = ChannelSettings::default();
        assert_eq!(settings.schedule.to_string(), "wed 11:00 UTC 1h");
        assert_eq!(timebox_text(&settings.timebox), "10m,5m,5m");
        assert_eq!(settings.warning.to_string(), "2m");
        assert_eq!(settings.vote_window.to_string(), "1m");
        assert_eq!(
            settings.digest.map(|d| d.to_string()).as_deref(),
            Some("mon 09:00")
        );
        assert_eq!(
            settings.reminders.map(|d| d.to_string()).as_deref(),
            Some("tue 10:00")
        );
    }
}
