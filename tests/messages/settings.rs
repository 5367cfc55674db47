//! Replies to `config`.

use archhour::domain::meeting::{Schedule, Span, WeeklyTime};
use archhour::domain::settings::{ChannelSettings, SettingChange, SettingError, SettingKey};
use archhour::slack::blocks::{
    facilitators_announced, setting_changed, setting_error, settings_refusal, show_settings,
};
use insta::assert_json_snapshot;

use super::fixtures::{ANA, facilitators};
use super::message;
use archhour::domain::ids::UserId;

fn schedule(text: &str) -> Schedule {
    Schedule::parse(text).expect("a valid schedule")
}

#[test]
fn a_new_channel_shows_the_defaults() {
    let reply = show_settings(&ChannelSettings::default());
    assert_json_snapshot!("show_settings_default", message(&reply));
}

/// Facilitators, a vote budget, a custom emoji, seconds-long boxes, and the digest off.
#[test]
fn a_configured_channel_shows_its_settings() {
    let settings = ChannelSettings {
        schedule: schedule("thu 14:30 Europe/Berlin 45m"),
        timebox: vec![Span::from_secs(20), Span::from_secs(10)],
        warning: Span::from_secs(0),
        vote_window: Span::from_secs(90),
        vote_emoji: "star".into(),
        votes_per_person: 3,
        digest: None,
        reminders: WeeklyTime::parse("wed 08:15"),
        facilitators: facilitators(),
    };
    assert_json_snapshot!(
        "show_settings_configured",
        message(&show_settings(&settings))
    );
}

#[test]
fn first_facilitators_are_announced_in_the_channel() {
    let reply = facilitators_announced(&UserId::from(ANA), &facilitators());
    assert_json_snapshot!("facilitators_announced", message(&reply));
}

/// Each setting confirmed in the form it is typed.
#[test]
fn each_change_is_confirmed() {
    let changes = [
        (
            "setting_changed_schedule",
            SettingChange::Schedule(schedule("wed 11:00 America/New_York 60m")),
        ),
        (
            "setting_changed_timebox",
            SettingChange::Timebox(vec![
                Span::from_secs(900),
                Span::from_secs(300),
                Span::from_secs(90),
            ]),
        ),
        (
            "setting_changed_warning",
            SettingChange::Warning(Span::from_secs(120)),
        ),
        (
            "setting_changed_vote_window",
            SettingChange::VoteWindow(Span::from_secs(45)),
        ),
        (
            "setting_changed_vote_emoji",
            SettingChange::VoteEmoji("heavy_plus_sign".into()),
        ),
        (
            "setting_changed_votes_per_person",
            SettingChange::VotesPerPerson(3),
        ),
        (
            "setting_changed_votes_per_person_unlimited",
            SettingChange::VotesPerPerson(0),
        ),
        (
            "setting_changed_digest",
            SettingChange::Digest(WeeklyTime::parse("fri 16:00")),
        ),
        ("setting_changed_digest_off", SettingChange::Digest(None)),
        (
            "setting_changed_reminders",
            SettingChange::Reminders(WeeklyTime::parse("tue 10:00")),
        ),
        (
            "setting_changed_facilitators",
            SettingChange::Facilitators(facilitators()),
        ),
        (
            "setting_changed_facilitators_none",
            SettingChange::Facilitators(Vec::new()),
        ),
    ];
    for (name, change) in changes {
        assert_json_snapshot!(name, message(&setting_changed(&change)));
    }
}

#[test]
fn a_refused_change_names_the_valid_form() {
    let errors = [
        (
            "setting_error_unknown_key",
            SettingError::UnknownKey {
                key: "vote`s<>".into(),
            },
        ),
        (
            "setting_error_missing_value",
            SettingError::Invalid {
                key: SettingKey::Schedule,
                value: String::new(),
            },
        ),
        (
            "setting_error_invalid_value",
            SettingError::Invalid {
                key: SettingKey::VotesPerPerson,
                value: "three & <more>".into(),
            },
        ),
    ];
    for (name, error) in errors {
        assert_json_snapshot!(name, message(&setting_error(&error)));
    }
}

#[test]
fn a_change_by_someone_else_names_the_facilitators() {
    let reply = settings_refusal(&facilitators());
    assert_json_snapshot!("settings_refusal", message(&reply));
}
