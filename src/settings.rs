//! Channel settings (DESIGN §5): their values, defaults, and parsing `config KEY VALUE`.

use std::fmt;

use crate::slack::mrkdwn;
use crate::votes::normalise_emoji;

/// One channel's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSettings {
    /// The reaction that counts as a vote (without colons).
    pub vote_emoji: String,
    /// How many of a person's votes on open topics count; 0 = unlimited.
    pub votes_per_person: u32,
    /// User ids who may facilitate; empty = anyone in the channel.
    pub facilitators: Vec<String>,
}

impl Default for ChannelSettings {
    fn default() -> Self {
        Self {
            vote_emoji: "+1".to_string(),
            votes_per_person: 0,
            facilitators: Vec::new(),
        }
    }
}

impl ChannelSettings {
    /// Whether `user` may run the meeting and change settings.
    pub fn can_facilitate(&self, user: &str) -> bool {
        self.facilitators.is_empty() || self.facilitators.iter().any(|f| f == user)
    }

    pub fn apply(&mut self, change: &SettingChange) {
        match change {
            SettingChange::VoteEmoji(emoji) => self.vote_emoji.clone_from(emoji),
            SettingChange::VotesPerPerson(n) => self.votes_per_person = *n,
            SettingChange::Facilitators(users) => self.facilitators.clone_from(users),
        }
    }
}

/// A setting's name, as typed after `config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    VoteEmoji,
    VotesPerPerson,
    Facilitators,
}

impl SettingKey {
    pub const ALL: [SettingKey; 3] = [
        SettingKey::VoteEmoji,
        SettingKey::VotesPerPerson,
        SettingKey::Facilitators,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SettingKey::VoteEmoji => "vote_emoji",
            SettingKey::VotesPerPerson => "votes_per_person",
            SettingKey::Facilitators => "facilitators",
        }
    }

    /// The accepted form of the value, with an example.
    pub fn expected(self) -> &'static str {
        match self {
            SettingKey::VoteEmoji => {
                "an emoji name, e.g. `config vote_emoji +1` or `config vote_emoji :star:`"
            }
            SettingKey::VotesPerPerson => {
                "a whole number of votes per person, 0 for unlimited, e.g. `config votes_per_person 3`"
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
    VoteEmoji(String),
    VotesPerPerson(u32),
    Facilitators(Vec<String>),
}

impl SettingChange {
    pub fn key(&self) -> SettingKey {
        match self {
            SettingChange::VoteEmoji(_) => SettingKey::VoteEmoji,
            SettingChange::VotesPerPerson(_) => SettingKey::VotesPerPerson,
            SettingChange::Facilitators(_) => SettingKey::Facilitators,
        }
    }
}

/// Why `config KEY VALUE` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingError {
    UnknownKey { key: String },
    Invalid { key: SettingKey, value: String },
}

/// Parses `KEY VALUE` (the text after `config`); the value is Slack-escaped text.
pub fn parse_change(key: &str, value: &str) -> Result<SettingChange, SettingError> {
    let key = SettingKey::parse(key).ok_or_else(|| SettingError::UnknownKey {
        key: key.to_string(),
    })?;
    let value = value.trim();
    let invalid = || SettingError::Invalid {
        key,
        value: mrkdwn::to_plain(value),
    };
    match key {
        SettingKey::VoteEmoji => {
            let name = normalise_emoji(value);
            let valid = !name.is_empty()
                && name.len() <= 100
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '+' | '-' | '\''));
            valid
                .then(|| SettingChange::VoteEmoji(name.to_string()))
                .ok_or_else(invalid)
        }
        SettingKey::VotesPerPerson => value
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 1000)
            .map(SettingChange::VotesPerPerson)
            .ok_or_else(invalid),
        SettingKey::Facilitators => {
            if value.eq_ignore_ascii_case("none") {
                return Ok(SettingChange::Facilitators(Vec::new()));
            }
            let words: Vec<&str> = value.split_whitespace().collect();
            let users: Vec<String> = words
                .iter()
                .filter_map(|word| mrkdwn::user_mention(word))
                .collect();
            if users.is_empty() || users.len() != words.len() {
                return Err(invalid());
            }
            let mut unique = Vec::new();
            for user in users {
                if !unique.contains(&user) {
                    unique.push(user);
                }
            }
            Ok(SettingChange::Facilitators(unique))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vote_emoji_accepts_names_with_or_without_colons_and_drops_skin_tones() {
        assert_eq!(
            parse_change("vote_emoji", ":star:"),
            Ok(SettingChange::VoteEmoji("star".into()))
        );
        assert_eq!(
            parse_change("vote_emoji", "+1::skin-tone-2"),
            Ok(SettingChange::VoteEmoji("+1".into()))
        );
        assert!(parse_change("vote_emoji", "two words").is_err());
        assert!(parse_change("vote_emoji", "").is_err());
    }

    #[test]
    fn votes_per_person_is_a_whole_number() {
        assert_eq!(
            parse_change("votes_per_person", "3"),
            Ok(SettingChange::VotesPerPerson(3))
        );
        assert_eq!(
            parse_change("VOTES_PER_PERSON", "0"),
            Ok(SettingChange::VotesPerPerson(0))
        );
        for bad in ["-1", "three", "2.5", "100000"] {
            assert_eq!(
                parse_change("votes_per_person", bad),
                Err(SettingError::Invalid {
                    key: SettingKey::VotesPerPerson,
                    value: bad.into()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn facilitators_are_mentions_or_none() {
        assert_eq!(
            parse_change("facilitators", "<@U1|ann> <@U2> <@U1|ann>"),
            Ok(SettingChange::Facilitators(vec!["U1".into(), "U2".into()]))
        );
        assert_eq!(
            parse_change("facilitators", "none"),
            Ok(SettingChange::Facilitators(vec![]))
        );
        assert!(parse_change("facilitators", "<@U1|ann> bob").is_err());
        assert!(parse_change("facilitators", "").is_err());
    }

    #[test]
    fn an_unknown_key_is_named() {
        assert_eq!(
            parse_change("colour", "blue"),
            Err(SettingError::UnknownKey {
                key: "colour".into()
            })
        );
    }

    #[test]
    fn anyone_facilitates_until_facilitators_are_set() {
        let mut settings = ChannelSettings::default();
        assert!(settings.can_facilitate("U9"));
        settings.apply(&SettingChange::Facilitators(vec!["U1".into()]));
        assert!(settings.can_facilitate("U1"));
        assert!(!settings.can_facilitate("U9"));
    }
}
