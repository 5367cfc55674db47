//! `manifest.yml` (HTTP) and `manifest.socket-mode.yml` grant everything the code relies on:
//! the command, each handled event, each Web API method's scopes, interactivity and the App
//! Home tab; the first with request URLs, the second with Socket Mode instead.

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
    url: Option<String>,
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
    socket_mode_enabled: bool,
}

#[derive(Deserialize)]
struct EventSubscriptions {
    request_url: Option<String>,
    bot_events: Vec<String>,
}

#[derive(Deserialize)]
struct Interactivity {
    is_enabled: bool,
    request_url: Option<String>,
}

const HTTP: &str = "manifest.yml";
const SOCKET_MODE: &str = "manifest.socket-mode.yml";

fn text(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name} is readable: {e}"))
}

fn manifest_named(name: &str) -> Manifest {
    serde_saphyr::from_str(&text(name)).unwrap_or_else(|e| panic!("{name} parses: {e}"))
}

fn manifest() -> Manifest {
    manifest_named(HTTP)
}

/// Both manifests, each with whether it is the Socket Mode one.
fn manifests() -> [(Manifest, bool); 2] {
    [
        (manifest_named(HTTP), false),
        (manifest_named(SOCKET_MODE), true),
    ]
}

#[test]
fn the_manifest_declares_the_command_with_escaping() {
    for (manifest, socket_mode) in manifests() {
        let command = manifest
            .features
            .slash_commands
            .iter()
            .find(|c| c.command == COMMAND)
            .expect("the /archtopic command is declared");
        assert!(command.should_escape, "mentions must arrive escaped");
        match (&command.url, socket_mode) {
            (Some(url), false) => assert!(url.ends_with("/slack/commands"), "{url}"),
            (None, true) => {}
            (url, _) => panic!("socket mode {socket_mode} with command URL {url:?}"),
        }
    }
}

#[test]
fn the_socket_mode_manifest_is_the_same_app_without_request_urls() {
    let strip = |name: &str| {
        let mut value: serde_json::Value =
            serde_saphyr::from_str(&text(name)).expect("parses as a value");
        value["features"]["slash_commands"][0]
            .as_object_mut()
            .expect("a command")
            .remove("url");
        for setting in ["event_subscriptions", "interactivity"] {
            value["settings"][setting]
                .as_object_mut()
                .expect("a setting")
                .remove("request_url");
        }
        value["settings"]
            .as_object_mut()
            .expect("settings")
            .remove("socket_mode_enabled");
        value
    };
    assert_eq!(strip(SOCKET_MODE), strip(HTTP));
    let socket = manifest_named(SOCKET_MODE);
    assert!(socket.settings.socket_mode_enabled);
    assert!(socket.settings.event_subscriptions.request_url.is_none());
    assert!(socket.settings.interactivity.request_url.is_none());
    assert!(!manifest().settings.socket_mode_enabled);
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
    assert!(
        events
            .request_url
            .as_deref()
            .is_some_and(|url| url.ends_with("/slack/events"))
    );
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
            .as_deref()
            .is_some_and(|url| url.ends_with("/slack/interactions"))
    );
    assert!(manifest.features.app_home.home_tab_enabled);
}

#[test]
fn the_manifests_let_people_sign_in_to_the_web_archive() {
    for name in [HTTP, SOCKET_MODE] {
        let value: serde_json::Value = serde_saphyr::from_str(&text(name)).expect("parses");
        let oauth = &value["oauth_config"];
        let user_scopes: Vec<&str> = oauth["scopes"]["user"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} lists user scopes"))
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        for scope in archhour::slack::oidc::SCOPES.split(' ') {
            assert!(user_scopes.contains(&scope), "{name} grants {scope}");
        }
        let redirects = oauth["redirect_urls"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} lists redirect URLs"));
        assert!(
            redirects.iter().any(|url| url
                .as_str()
                .is_some_and(|url| url.ends_with("/auth/slack/callback"))),
            "{name}: {redirects:?}"
        );
    }
}
