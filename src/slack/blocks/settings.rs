//! Replies to `config`.

use super::{Reply, code_safe, mentions};
use crate::domain::ids::UserId;
use crate::domain::settings::{
    ChannelSettings, SettingChange, SettingError, SettingKey, timebox_text,
};

/// Every setting of the channel and how to change it.
pub fn show_settings(settings: &ChannelSettings) -> Reply {
    let lines: Vec<String> = SettingKey::ALL
        .iter()
        .map(|key| format!("• `{key}`: {}", value_of(settings, *key)))
        .collect();
    Reply::markdown(format!(
        "*Settings for this channel*\n{}\nChange one with `/archtopic config KEY VALUE`, e.g. `/archtopic config timebox 10m,5m,5m`.",
        lines.join("\n")
    ))
}

fn value_of(settings: &ChannelSettings, key: SettingKey) -> String {
    let weekly = |at: Option<crate::domain::meeting::WeeklyTime>| {
        at.map_or_else(|| "off".to_string(), |at| format!("`{at}`"))
    };
    match key {
        SettingKey::Schedule => format!("`{}`", settings.schedule),
        SettingKey::Timebox => format!("`{}`", timebox_text(&settings.timebox)),
        SettingKey::Warning => format!("`{}`", settings.warning),
        SettingKey::VoteWindow => format!("`{}`", settings.vote_window),
        SettingKey::VoteEmoji => format!(":{}:", settings.vote_emoji),
        SettingKey::VotesPerPerson => match settings.votes_per_person {
            0 => "unlimited".to_string(),
            n => n.to_string(),
        },
        SettingKey::Digest => weekly(settings.digest),
        SettingKey::Reminders => weekly(settings.reminders),
        SettingKey::Facilitators if settings.facilitators.is_empty() => {
            "anyone in the channel".to_string()
        }
        SettingKey::Facilitators => mentions(&settings.facilitators),
    }
}

/// Confirms a change.
/// Posted in the channel when it gets its first facilitators.
pub fn facilitators_announced(by: &UserId, facilitators: &[UserId]) -> Reply {
    Reply::markdown(format!(
        "<@{by}> made {} the facilitators of Arch Hour in this channel: from now on only they start and run meetings and change its settings (`/archtopic config facilitators none` hands it back to everyone).",
        super::mentions(facilitators)
    ))
}

pub fn setting_changed(change: &SettingChange) -> Reply {
    let mut settings = ChannelSettings::default();
    settings.apply(change);
    let mut text = format!(
        "Set `{}` to {}.",
        change.key(),
        value_of(&settings, change.key())
    );
    if let SettingChange::VoteEmoji(_) = change {
        text.push_str(" Votes cast with the old emoji are counted again by `/archtopic recount`.");
    }
    Reply::markdown(text)
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
                code_safe(key)
            ))
        }
        SettingError::Invalid { key, value } if value.is_empty() => Reply::markdown(format!(
            "`{key}` needs a value: {}. Nothing was changed.",
            key.expected()
        )),
        SettingError::Invalid { key, value } => Reply::markdown(format!(
            "`{}` is not a valid `{key}`: it takes {}. Nothing was changed.",
            code_safe(value),
            key.expected()
        )),
    }
}

/// A non-facilitator tried to change settings.
pub fn settings_refusal(facilitators: &[UserId]) -> Reply {
    Reply::markdown(format!(
        "Only this channel's facilitators ({}) can change its settings. Nothing was changed.",
        mentions(facilitators)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::meeting::Span;

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

    #[test]
    fn a_change_is_confirmed_in_the_form_it_is_typed() {
        let reply = setting_changed(&SettingChange::Timebox(vec![
            Span::from_secs(20),
            Span::from_secs(10),
        ]));
        assert_eq!(reply.text, "Set `timebox` to `20s,10s`.");
    }
}
