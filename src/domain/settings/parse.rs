//! Parsing `config KEY VALUE`: each value becomes a typed setting or a refusal naming the
//! valid form.

use super::{SettingChange, SettingKey};
use crate::domain::ids::UserId;
use crate::domain::meeting::{Schedule, Span, WeeklyTime};
use crate::domain::mrkdwn;
use crate::domain::votes::normalise_emoji;

/// The most time boxes a topic may have.
const MAX_BOXES: usize = 10;
/// The longest single time box.
const MAX_BOX_SECONDS: u64 = 2 * 3600;

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
    let change = match key {
        SettingKey::Schedule => Schedule::parse(value).map(SettingChange::Schedule),
        SettingKey::Timebox => parse_timebox(value).map(SettingChange::Timebox),
        SettingKey::Warning => Span::parse(value)
            .filter(|span| span.secs() <= 3600)
            .map(SettingChange::Warning),
        SettingKey::VoteWindow => Span::parse(value)
            .filter(|span| (5..=600).contains(&span.secs()))
            .map(SettingChange::VoteWindow),
        SettingKey::VoteEmoji => parse_emoji(value).map(SettingChange::VoteEmoji),
        SettingKey::VotesPerPerson => value
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 1000)
            .map(SettingChange::VotesPerPerson),
        SettingKey::Digest => parse_weekly_or_off(value).map(SettingChange::Digest),
        SettingKey::Reminders => parse_weekly_or_off(value).map(SettingChange::Reminders),
        SettingKey::Facilitators => parse_facilitators(value).map(SettingChange::Facilitators),
    };
    change.ok_or_else(|| SettingError::Invalid {
        key,
        value: mrkdwn::to_plain(value),
    })
}

fn parse_timebox(value: &str) -> Option<Vec<Span>> {
    let boxes: Option<Vec<Span>> = value
        .split(',')
        .map(|part| Span::parse(part).filter(|s| (1..=MAX_BOX_SECONDS).contains(&s.secs())))
        .collect();
    boxes.filter(|boxes| (1..=MAX_BOXES).contains(&boxes.len()))
}

fn parse_emoji(value: &str) -> Option<String> {
    let name = normalise_emoji(value);
    let valid = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '+' | '-' | '\''));
    valid.then(|| name.to_string())
}

fn parse_weekly_or_off(value: &str) -> Option<Option<WeeklyTime>> {
    if value.eq_ignore_ascii_case("off") {
        return Some(None);
    }
    WeeklyTime::parse(value).map(Some)
}

fn parse_facilitators(value: &str) -> Option<Vec<UserId>> {
    if value.eq_ignore_ascii_case("none") {
        return Some(Vec::new());
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    let users: Vec<UserId> = words
        .iter()
        .filter_map(|word| mrkdwn::user_mention(word))
        .collect();
    if users.is_empty() || users.len() != words.len() {
        return None;
    }
    let mut unique = Vec::new();
    for user in users {
        if !unique.contains(&user) {
            unique.push(user);
        }
    }
    Some(unique)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(key: SettingKey, value: &str) -> Result<SettingChange, SettingError> {
        Err(SettingError::Invalid {
            key,
            value: value.into(),
        })
    }

    /// One valid and one invalid value for every key.
    #[test]
    fn every_key_accepts_its_form_and_refuses_others() {
        let valid = [
            ("schedule", "thu 15:30 Europe/Berlin 45m"),
            ("timebox", "20s,10s"),
            ("warning", "1m"),
            ("vote_window", "30s"),
            ("vote_emoji", ":star:"),
            ("votes_per_person", "3"),
            ("digest", "fri 16:00"),
            ("reminders", "off"),
            ("facilitators", "<@U1|ann> <@U2>"),
        ];
        for (key, value) in valid {
            assert!(parse_change(key, value).is_ok(), "{key} {value}");
        }
        let refused = [
            (SettingKey::Schedule, "schedule", "thu 15:30 Berlin 45m"),
            (SettingKey::Timebox, "timebox", "10m,,5m"),
            (SettingKey::Warning, "warning", "soon"),
            (SettingKey::VoteWindow, "vote_window", "2s"),
            (SettingKey::VoteEmoji, "vote_emoji", "two words"),
            (SettingKey::VotesPerPerson, "votes_per_person", "-1"),
            (SettingKey::Digest, "digest", "mon 9am"),
            (SettingKey::Reminders, "reminders", "someday 10:00"),
            (SettingKey::Facilitators, "facilitators", "ann bob"),
        ];
        for (key, name, value) in refused {
            assert_eq!(
                parse_change(name, value),
                invalid(key, value),
                "{name} {value}"
            );
        }
    }

    #[test]
    fn timeboxes_take_any_number_of_boxes_with_seconds_allowed() {
        assert_eq!(
            parse_change("timebox", "10m,5m,5m"),
            Ok(SettingChange::Timebox(vec![
                Span::from_secs(600),
                Span::from_secs(300),
                Span::from_secs(300)
            ]))
        );
        assert_eq!(
            parse_change("timebox", "15m"),
            Ok(SettingChange::Timebox(vec![Span::from_secs(900)]))
        );
        assert_eq!(
            parse_change("timebox", "20s, 10s"),
            Ok(SettingChange::Timebox(vec![
                Span::from_secs(20),
                Span::from_secs(10)
            ]))
        );
        assert!(parse_change("timebox", "0s").is_err());
        assert!(parse_change("timebox", "").is_err());
    }

    #[test]
    fn vote_emoji_drops_colons_and_skin_tones() {
        assert_eq!(
            parse_change("vote_emoji", "+1::skin-tone-2"),
            Ok(SettingChange::VoteEmoji("+1".into()))
        );
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
}
