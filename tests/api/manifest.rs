//! `manifest.yml` grants everything the code relies on: the command, each handled event, each
//! Web API method's scopes, interactivity and the App Home tab.

use archhour::slack::call::SlackMethod;
use archhour::slack::{COMMAND, HANDLED_EVENTS};
use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    features: Features,
    oauth_config: OauthConfig,
    settings: Settings,
}

#[derive(Deserialize)]
struct Features {
    app_home: AppHome,
    slash_commands: Vec<SlashCommand>,
}

#[derive(Deserialize)]
struct AppHome {
    home_tab_enabled: bool,
}

#[derive(Deserialize)]
struct SlashCommand {
    command: String,
    url: String,
    should_escape: bool,
}

#[derive(Deserialize)]
struct OauthConfig {
    scopes: Scopes,
}

#[derive(Deserialize)]
struct Scopes {
    bot: Vec<String>,
}

#[derive(Deserialize)]
struct Settings {
    event_subscriptions: EventSubscriptions,
    interactivity: Interactivity,
}

#[derive(Deserialize)]
struct EventSubscriptions {
    request_url: String,
    bot_events: Vec<String>,
}

#[derive(Deserialize)]
struct Interactivity {
    is_enabled: bool,
    request_url: String,
}

fn manifest() -> Manifest {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/manifest.yml");
    let text = std::fs::read_to_string(path).expect("manifest.yml is readable");
    serde_saphyr::from_str(&text).expect("manifest.yml parses")
}

#[test]
fn the_manifest_declares_the_command_with_escaping() {
    let manifest = manifest();
    let command = manifest
        .features
        .slash_commands
        .iter()
        .find(|c| c.command == COMMAND)
        .expect("the /archtopic command is declared");
    assert!(command.should_escape, "mentions must arrive escaped");
    assert!(command.url.ends_with("/slack/commands"), "{}", command.url);
}

#[test]
fn the_manifest_grants_every_scope_the_code_calls_for() {
    let manifest = manifest();
    let granted = &manifest.oauth_config.scopes.bot;
    assert!(granted.iter().any(|s| s == "commands"));
    for method in SlackMethod::ALL {
        for scope in method.scopes() {
            assert!(
                granted.iter().any(|s| s == scope),
                "{} needs the {scope} scope",
                method.name()
            );
        }
    }
}

#[test]
fn the_manifest_subscribes_to_every_handled_event() {
    let manifest = manifest();
    let events = &manifest.settings.event_subscriptions;
    assert!(events.request_url.ends_with("/slack/events"));
    for event in HANDLED_EVENTS {
        assert!(
            events.bot_events.iter().any(|e| e == event),
            "{event} is handled but not subscribed"
        );
    }
}

#[test]
fn the_manifest_enables_interactivity_and_the_home_tab() {
    let manifest = manifest();
    assert!(manifest.settings.interactivity.is_enabled);
    assert!(
        manifest
            .settings
            .interactivity
            .request_url
            .ends_with("/slack/interactions")
    );
    assert!(manifest.features.app_home.home_tab_enabled);
}
