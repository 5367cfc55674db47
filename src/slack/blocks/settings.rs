//! Replies to `config`.

use super::{Reply, mentions};
use crate::settings::{ChannelSettings, SettingChange, SettingError, SettingKey};

/// Every setting of the channel and how to change it.
pub fn show_settings(settings: &ChannelSettings) -> Reply {
    let facilitators = if settings.facilitators.is_empty() {
        "anyone in the channel".to_string()
    } else {
        mentions(&settings.facilitators)
    };
    let budget = match settings.votes_per_person {
        0 => "unlimited".to_string(),
        n => n.to_string(),
    };
    Reply::markdown(format!(
        "*Settings for this channel*\n\
         • `vote_emoji`: :{}:\n\
         • `votes_per_person`: {budget}\n\
         • `facilitators`: {facilitators}\n\
         Change one with `/archtopic config KEY VALUE`, e.g. `/archtopic config votes_per_person 3`.",
        settings.vote_emoji
    ))
}

/// Confirms a change.
pub fn setting_changed(change: &SettingChange) -> Reply {
    let value = match change {
        SettingChange::VoteEmoji(emoji) => format!(
            ":{emoji}:. Votes cast with the old emoji are counted again by `/archtopic recount`"
        ),
        SettingChange::VotesPerPerson(0) => "unlimited".to_string(),
        SettingChange::VotesPerPerson(n) => n.to_string(),
        SettingChange::Facilitators(users) if users.is_empty() => {
            "anyone in the channel".to_string()
        }
        SettingChange::Facilitators(users) => mentions(users),
    };
    Reply::markdown(format!("Set `{}` to {value}.", change.key()))
}

/// Why a change was refused, with the valid form.
pub fn setting_error(error: &SettingError) -> Reply {
    match error {
        SettingError::UnknownKey { key } => {
            let keys = SettingKey::ALL
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Reply::markdown(format!(
                "`{}` is not a setting. The settings are {keys}.",
                super::code_safe(key)
            ))
        }
        SettingError::Invalid { key, value } if value.is_empty() => Reply::markdown(format!(
            "`{key}` needs a value: {}. Nothing was changed.",
            key.expected()
        )),
        SettingError::Invalid { key, value } => Reply::markdown(format!(
            "`{}` is not a valid `{key}`: it takes {}. Nothing was changed.",
            super::code_safe(value),
            key.expected()
        )),
    }
}

/// A non-facilitator tried to change settings.
pub fn settings_refusal(facilitators: &[String]) -> Reply {
    Reply::markdown(format!(
        "Only this channel's facilitators ({}) can change its settings. Nothing was changed.",
        mentions(facilitators)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_value_names_the_valid_form() {
        let reply = setting_error(&SettingError::Invalid {
            key: SettingKey::VotesPerPerson,
            value: "three".into(),
        });
        assert_eq!(
            reply.text,
            "`three` is not a valid `votes_per_person`: it takes a whole number of votes per person, 0 for unlimited, e.g. `config votes_per_person 3`. Nothing was changed."
        );
    }
}
