//! Reading the configuration: defaults, the variables each problem names, and secrets kept
//! out of `Debug`.

use std::collections::HashMap;
use std::time::Duration;

use super::*;

fn lookup_from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

const REQUIRED: [(&str, &str); 2] = [
    ("SLACK_SIGNING_SECRET", "s3cr3t-signing"),
    ("SLACK_BOT_TOKEN", "xoxb-sensitive-token"),
];

#[test]
fn defaults_apply_when_only_secrets_are_set() {
    let config = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
    assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
    assert_eq!(config.database.data_dir, PathBuf::from("./.archhour"));
    assert!(config.database.url.is_none());
    assert_eq!(config.slack_api_url.as_str(), "https://slack.com/api/");
}

#[test]
fn a_missing_signing_secret_is_named() {
    let err = Config::from_lookup(&lookup_from(&[("SLACK_BOT_TOKEN", "xoxb-1")]))
        .expect_err("missing secret");
    assert!(
        err.to_string()
            .starts_with("SLACK_SIGNING_SECRET is not set")
    );
}

#[test]
fn an_app_token_chooses_socket_mode_and_needs_no_signing_secret() {
    let config = Config::from_lookup(&lookup_from(&[
        ("SLACK_BOT_TOKEN", "xoxb-1"),
        ("SLACK_APP_TOKEN", "xapp-1-secret"),
    ]))
    .expect("valid");
    assert!(matches!(
        config.transport,
        SlackTransport::SocketMode { .. }
    ));
    let both = Config::from_lookup(&lookup_from(&[
        ("SLACK_BOT_TOKEN", "xoxb-1"),
        ("SLACK_SIGNING_SECRET", "s"),
        ("SLACK_APP_TOKEN", "xapp-1-secret"),
    ]))
    .expect("valid");
    assert_eq!(both.transport.name(), "Socket Mode");
    assert!(!format!("{both:?}").contains("xapp-1-secret"));
    let plain = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
    assert_eq!(plain.transport.name(), "HTTP");
}

#[test]
fn a_missing_bot_token_is_named() {
    let err = Config::from_lookup(&lookup_from(&[("SLACK_SIGNING_SECRET", "x")]))
        .expect_err("missing token");
    assert!(err.to_string().starts_with("SLACK_BOT_TOKEN is not set"));
}

#[test]
fn invalid_values_name_their_variable() {
    for (name, value) in [
        ("ARCHHOUR_ADDR", "localhost"),
        ("DATABASE_URL", "mysql://db"),
        ("SLACK_API_URL", "ftp://example.com"),
        ("SLACK_API_URL", "http://slack.example.com/api/"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxb-not-an-app-token"),
        ("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "0"),
        ("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "301"),
        ("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "ten"),
    ] {
        let mut pairs = REQUIRED.to_vec();
        pairs.retain(|(k, _)| *k != name);
        pairs.push((name, value));
        let err = Config::from_lookup(&lookup_from(&pairs)).expect_err(name);
        assert!(
            err.to_string().starts_with(&format!("{name} is invalid")),
            "{err}"
        );
    }
}

#[test]
fn an_invalid_log_filter_is_named() {
    let err =
        check_log_filter(&lookup_from(&[("RUST_LOG", "archhour=loud")])).expect_err("bad filter");
    assert!(err.to_string().starts_with("RUST_LOG is invalid"));
}

#[test]
fn the_slack_timeout_can_be_set_and_the_lease_stays_past_twice_it() {
    let plain = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
    assert_eq!(plain.outbox.call_timeout, Duration::from_secs(10));
    assert_eq!(plain.outbox.lease, Duration::from_secs(60));
    let mut pairs = REQUIRED.to_vec();
    pairs.push(("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "45"));
    let slow = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
    assert_eq!(slow.outbox.call_timeout, Duration::from_secs(45));
    assert_eq!(slow.outbox.lease, Duration::from_secs(100));
}

#[test]
fn the_api_url_gets_a_trailing_slash() {
    let mut pairs = REQUIRED.to_vec();
    pairs.push(("SLACK_API_URL", "http://127.0.0.1:9/api"));
    let config = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
    assert_eq!(config.slack_api_url.as_str(), "http://127.0.0.1:9/api/");
    for local in [
        "http://localhost:9/api/",
        "http://[::1]:9/api/",
        "http://127.0.0.2/api/",
    ] {
        let mut pairs = REQUIRED.to_vec();
        pairs.push(("SLACK_API_URL", local));
        Config::from_lookup(&lookup_from(&pairs)).expect(local);
    }
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let mut pairs = REQUIRED.to_vec();
    pairs.push(("DATABASE_URL", "postgres://app:hunter2@db/archhour"));
    let config = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
    let printed = format!("{config:?}");
    for secret in ["s3cr3t-signing", "xoxb-sensitive-token", "hunter2"] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
}

#[test]
fn logs_are_text_unless_json_is_asked_for_and_anything_else_is_named() {
    let read = |pairs: &[(&str, &str)]| LogSettings::from_lookup(&lookup_from(pairs), false);
    assert_eq!(read(&[]).expect("default").format, LogFormat::Text);
    for (value, format) in [
        ("text", LogFormat::Text),
        ("json", LogFormat::Json),
        (" JSON ", LogFormat::Json),
        ("", LogFormat::Text),
    ] {
        let settings = read(&[("ARCHHOUR_LOG_FORMAT", value)]).expect(value);
        assert_eq!(settings.format, format, "{value:?}");
    }
    let err = read(&[("ARCHHOUR_LOG_FORMAT", "logfmt")]).expect_err("not a format");
    assert_eq!(
        err.to_string(),
        "ARCHHOUR_LOG_FORMAT is invalid: `logfmt` is neither `text` nor `json`"
    );
    let err = read(&[("RUST_LOG", "archhour=loud")]).expect_err("bad filter");
    assert!(err.to_string().starts_with("RUST_LOG is invalid"), "{err}");
}

#[test]
fn text_logs_are_coloured_only_on_a_terminal_and_never_with_no_color() {
    let colour = |terminal: bool, pairs: &[(&str, &str)]| {
        LogSettings::from_lookup(&lookup_from(pairs), terminal)
            .expect("valid")
            .colour
    };
    assert!(colour(true, &[]));
    assert!(!colour(false, &[]));
    assert!(!colour(true, &[("NO_COLOR", "1")]));
    assert!(!colour(false, &[("NO_COLOR", "1")]));
    // no-color.org: an empty NO_COLOR is as good as unset.
    assert!(colour(true, &[("NO_COLOR", "")]));
}

#[test]
fn a_metrics_address_is_optional_parsed_and_not_the_main_one() {
    let plain = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
    assert_eq!(plain.metrics_addr, None);
    let mut pairs = REQUIRED.to_vec();
    pairs.push(("ARCHHOUR_METRICS_ADDR", "127.0.0.1:9100"));
    let separate = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
    assert_eq!(
        separate
            .metrics_addr
            .map(|addr| addr.to_string())
            .as_deref(),
        Some("127.0.0.1:9100")
    );
    for (value, reason) in [
        ("metrics", "`metrics` is not an address like 127.0.0.1:3000"),
        (
            "127.0.0.1:3000",
            "`127.0.0.1:3000` is ARCHHOUR_ADDR too; give the metrics another port",
        ),
    ] {
        let mut pairs = REQUIRED.to_vec();
        pairs.push(("ARCHHOUR_METRICS_ADDR", value));
        let err = Config::from_lookup(&lookup_from(&pairs)).expect_err(value);
        assert_eq!(
            err.to_string(),
            format!("ARCHHOUR_METRICS_ADDR is invalid: {reason}")
        );
    }
}

/// The four web variables, valid, with the required ones.
fn with_web(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut pairs = REQUIRED.to_vec();
    pairs.extend([
        ("SLACK_CLIENT_ID", "1111.2222"),
        ("SLACK_CLIENT_SECRET", "client-secret-value"),
        ("ARCHHOUR_PUBLIC_URL", "https://archhour.example.com"),
        (
            "ARCHHOUR_SECRET_KEY",
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        ),
    ]);
    pairs.extend_from_slice(extra);
    pairs
}

#[test]
fn the_web_archive_is_off_without_its_variables_and_on_with_all_four() {
    let off = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
    assert!(off.web.is_none());
    let on = Config::from_lookup(&lookup_from(&with_web(&[]))).expect("valid");
    let web = on.web.expect("on");
    assert_eq!(
        web.redirect_uri().as_str(),
        "https://archhour.example.com/auth/slack/callback"
    );
    assert!(web.secure_cookies());
    assert_eq!(web.oauth_url.as_str(), "https://slack.com/");
    assert_eq!(web.secret_key_bytes().len(), 32);
    let debug = format!("{web:?}");
    assert!(!debug.contains("client-secret-value"), "{debug}");
    assert!(!debug.contains("0a0b0c"), "{debug}");
}

/// With "Add to Slack" set up, each installed workspace brings its own token:
/// `SLACK_BOT_TOKEN` may be left out (and is still checked when set).
#[test]
fn the_bot_token_is_optional_only_with_add_to_slack() {
    let without_token: Vec<_> = with_web(&[])
        .into_iter()
        .filter(|(name, _)| *name != "SLACK_BOT_TOKEN")
        .collect();
    let config = Config::from_lookup(&lookup_from(&without_token)).expect("valid");
    assert!(config.bot_token.is_none());
    assert!(config.web.is_some());
    let error = Config::from_lookup(&lookup_from(&[REQUIRED[0]])).expect_err("no token");
    let line = error.to_string();
    assert!(line.starts_with("SLACK_BOT_TOKEN is not set"), "{line}");
    assert!(line.contains("Add to Slack"), "{line}");
    let mut wrong = without_token.clone();
    wrong.push(("SLACK_BOT_TOKEN", "xoxp-a-user-token"));
    let error = Config::from_lookup(&lookup_from(&wrong)).expect_err("not a bot token");
    assert!(error.to_string().starts_with("SLACK_BOT_TOKEN is invalid"));
}

#[test]
fn some_web_variables_without_the_others_name_the_first_missing_one() {
    let partial = lookup_from(&[
        REQUIRED[0],
        REQUIRED[1],
        ("SLACK_CLIENT_ID", "1111.2222"),
        ("ARCHHOUR_PUBLIC_URL", "https://archhour.example.com/"),
    ]);
    let error = Config::from_lookup(&partial).expect_err("partial");
    let line = error.to_string();
    assert!(
        line.starts_with("SLACK_CLIENT_SECRET is not set: the web archive needs"),
        "{line}"
    );
    assert!(!line.contains('\n'));
}

#[test]
fn the_secret_key_must_be_hex_of_at_least_32_bytes() {
    let short = with_web(&[("ARCHHOUR_SECRET_KEY", "00010203")]);
    let error = Config::from_lookup(&lookup_from(&short)).expect_err("short");
    assert!(
        error
            .to_string()
            .starts_with("ARCHHOUR_SECRET_KEY is invalid: 4 bytes is too short"),
        "{error}"
    );
    let not_hex = with_web(&[(
        "ARCHHOUR_SECRET_KEY",
        "this is not hex but it is long enough to be 32 bytes or more",
    )]);
    let error = Config::from_lookup(&lookup_from(&not_hex)).expect_err("not hex");
    assert!(
        error
            .to_string()
            .starts_with("ARCHHOUR_SECRET_KEY is invalid: expected hex digits"),
        "{error}"
    );
}

#[test]
fn the_public_url_alone_serves_the_calendar_without_turning_the_archive_on() {
    let off = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
    assert_eq!(off.public_url, None);
    let mut pairs = REQUIRED.to_vec();
    pairs.push(("ARCHHOUR_PUBLIC_URL", " https://archhour.example.com/bot "));
    let alone = Config::from_lookup(&lookup_from(&pairs)).expect("valid alone");
    assert!(alone.web.is_none());
    // A trailing slash is added, so paths join onto the URL rather than replacing its last part.
    assert_eq!(
        alone.public_url.map(|url| url.to_string()).as_deref(),
        Some("https://archhour.example.com/bot/")
    );
    let with_all = Config::from_lookup(&lookup_from(&with_web(&[]))).expect("valid");
    assert_eq!(
        with_all.public_url.map(|url| url.to_string()).as_deref(),
        Some("https://archhour.example.com/")
    );
    for (bad, reason) in [
        (
            "ftp://archhour.example.com/",
            "must be an http:// or https:// URL",
        ),
        ("archhour.example.com", "relative URL without a base"),
    ] {
        let mut pairs = REQUIRED.to_vec();
        pairs.push(("ARCHHOUR_PUBLIC_URL", bad));
        let error = Config::from_lookup(&lookup_from(&pairs)).expect_err(bad);
        let line = error.to_string();
        assert!(
            line.starts_with("ARCHHOUR_PUBLIC_URL is invalid:") && line.contains(reason),
            "{line}"
        );
    }
}

#[test]
fn a_previous_secret_key_is_read_beside_the_current_one_and_refused_without_it() {
    let previous = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";
    let rotating = with_web(&[("ARCHHOUR_SECRET_KEY_PREVIOUS", previous)]);
    let web = Config::from_lookup(&lookup_from(&rotating))
        .expect("valid")
        .web
        .expect("on");
    assert_eq!(
        web.previous_secret_key_bytes().map(|key| key[0]),
        Some(0x1f)
    );
    assert_eq!(
        web.install_redirect_uri().as_str(),
        "https://archhour.example.com/slack/oauth_redirect"
    );
    assert!(!format!("{web:?}").contains("1f1e1d"));
    let unrotated = Config::from_lookup(&lookup_from(&with_web(&[]))).expect("valid");
    assert!(
        unrotated
            .web
            .expect("on")
            .previous_secret_key_bytes()
            .is_none()
    );
    let mut alone = REQUIRED.to_vec();
    alone.push(("ARCHHOUR_SECRET_KEY_PREVIOUS", previous));
    let line = Config::from_lookup(&lookup_from(&alone))
        .expect_err("previous alone")
        .to_string();
    assert!(
        line.starts_with("ARCHHOUR_SECRET_KEY is not set:"),
        "{line}"
    );
    let short = with_web(&[("ARCHHOUR_SECRET_KEY_PREVIOUS", "0001")]);
    let line = Config::from_lookup(&lookup_from(&short))
        .expect_err("short previous")
        .to_string();
    assert!(
        line.starts_with("ARCHHOUR_SECRET_KEY_PREVIOUS is invalid: 2 bytes is too short"),
        "{line}"
    );
}
