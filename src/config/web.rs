//! The web's settings (DESIGN §7, "The web"): `ARCHHOUR_PUBLIC_URL` alone, where people reach
//! archhour, which the calendar feed's address is built from; and the web archive's, on only
//! when all four of `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `ARCHHOUR_PUBLIC_URL` and
//! `ARCHHOUR_SECRET_KEY` are set (some of the archive's own three without the others is a
//! mistake, named at start). The same settings turn on the "Add to Slack" install, whose bot
//! tokens are sealed with a key derived from `ARCHHOUR_SECRET_KEY`; during a rotation
//! `ARCHHOUR_SECRET_KEY_PREVIOUS` still opens what the old key sealed.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use url::Url;

use super::{ConfigError, non_empty};

/// Where Slack's authorize pages live when `SLACK_OAUTH_URL` is unset.
pub const DEFAULT_SLACK_OAUTH_URL: &str = "https://slack.com/";

/// The fewest bytes `ARCHHOUR_SECRET_KEY` must decode to: the session cookies' signing key is
/// derived from it, and fewer would make it guessable.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// The four variables that together turn the archive on, in the order a missing one is named.
pub const WEB_VARIABLES: [&str; 4] = [
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "ARCHHOUR_PUBLIC_URL",
    "ARCHHOUR_SECRET_KEY",
];

const TOGETHER: &str = "the web archive needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, \
     ARCHHOUR_PUBLIC_URL and ARCHHOUR_SECRET_KEY together; set it too, or unset the others to \
     leave the archive off";

/// What Sign in with Slack and the archive pages need.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The Slack app's client id (Basic Information → App Credentials).
    pub client_id: String,
    pub client_secret: SecretString,
    /// Where people reach archhour (`https://archhour.example.com/`): the sign-in redirect is
    /// built from it, and the session cookie is `Secure` when it is https.
    pub public_url: Url,
    /// `SLACK_OAUTH_URL`: where Slack's authorize page lives.
    pub oauth_url: Url,
    /// `ARCHHOUR_SECRET_KEY`, decoded: the key the cookies' signing key and the bot tokens'
    /// sealing key are derived from.
    pub secret_key: SecretBox<[u8]>,
    /// `ARCHHOUR_SECRET_KEY_PREVIOUS`, decoded, during a key rotation: bot tokens it sealed
    /// still open, and are sealed again with `secret_key` at start.
    pub previous_secret_key: Option<SecretBox<[u8]>>,
}

impl WebConfig {
    /// The address Slack sends people back to after they sign in: it must be listed among the
    /// Slack app's redirect URLs.
    pub fn redirect_uri(&self) -> Url {
        self.public_url
            .join("auth/slack/callback")
            .unwrap_or_else(|_| self.public_url.clone())
    }

    /// Whether the session cookie must be `Secure` (sent only over https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn secret_key_bytes(&self) -> &[u8] {
        self.secret_key.expose_secret()
    }

    pub fn previous_secret_key_bytes(&self) -> Option<&[u8]> {
        self.previous_secret_key
            .as_ref()
            .map(|key| key.expose_secret())
    }

    /// Where Slack sends an installer back after "Add to Slack": listed among the Slack app's
    /// redirect URLs too.
    pub fn install_redirect_uri(&self) -> Url {
        self.public_url
            .join("slack/oauth_redirect")
            .unwrap_or_else(|_| self.public_url.clone())
    }
}

/// `ARCHHOUR_PUBLIC_URL`, where people reach archhour, when set: the calendar feed needs it
/// alone.
pub fn public_url(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Url>, ConfigError> {
    non_empty(lookup, PUBLIC_URL)
        .map(|text| base_url(PUBLIC_URL, &text))
        .transpose()
}

const PUBLIC_URL: &str = "ARCHHOUR_PUBLIC_URL";
const PREVIOUS_KEY: &str = "ARCHHOUR_SECRET_KEY_PREVIOUS";

/// The web settings when all four variables are set; `None` when none is, or only
/// `ARCHHOUR_PUBLIC_URL` (which serves the calendar feed on its own).
pub fn web_config(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<WebConfig>, ConfigError> {
    let values = WEB_VARIABLES.map(|name| non_empty(lookup, name));
    let previous = non_empty(lookup, PREVIOUS_KEY);
    if WEB_VARIABLES
        .iter()
        .zip(&values)
        .all(|(name, value)| value.is_none() || *name == PUBLIC_URL)
    {
        if previous.is_some() {
            return Err(ConfigError::Missing {
                name: "ARCHHOUR_SECRET_KEY",
                hint: "ARCHHOUR_SECRET_KEY_PREVIOUS is set, which only makes sense beside the current key and the web settings; set them, or unset it",
            });
        }
        return Ok(None);
    }
    if let Some(missing) = WEB_VARIABLES
        .iter()
        .zip(&values)
        .find_map(|(name, value)| value.is_none().then_some(*name))
    {
        return Err(ConfigError::Missing {
            name: missing,
            hint: TOGETHER,
        });
    }
    let [
        Some(client_id),
        Some(client_secret),
        Some(public_url),
        Some(secret_key),
    ] = values
    else {
        unreachable!("every value was checked to be set");
    };
    let oauth_url =
        non_empty(lookup, "SLACK_OAUTH_URL").unwrap_or_else(|| DEFAULT_SLACK_OAUTH_URL.to_string());
    Ok(Some(WebConfig {
        client_id: client_id.trim().to_string(),
        client_secret: client_secret.into(),
        public_url: base_url(PUBLIC_URL, &public_url)?,
        oauth_url: base_url("SLACK_OAUTH_URL", &oauth_url)?,
        secret_key: parse_secret_key("ARCHHOUR_SECRET_KEY", &secret_key)?,
        previous_secret_key: previous
            .map(|text| parse_secret_key(PREVIOUS_KEY, &text))
            .transpose()?,
    }))
}

/// An http(s) URL ending in `/`, so paths join onto it.
fn base_url(name: &'static str, text: &str) -> Result<Url, ConfigError> {
    let text = text.trim();
    let with_slash = if text.ends_with('/') {
        text.to_string()
    } else {
        format!("{text}/")
    };
    let url = Url::parse(&with_slash).map_err(|e| ConfigError::Invalid {
        name,
        reason: format!("`{text}`: {e}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::Invalid {
            name,
            reason: format!("`{text}` must be an http:// or https:// URL"),
        });
    }
    Ok(url)
}

/// `ARCHHOUR_SECRET_KEY` (and `ARCHHOUR_SECRET_KEY_PREVIOUS`) is hex (`openssl rand -hex 32`):
/// one way to write it, so a key is never read two ways. It must decode to at least
/// [`MIN_SECRET_KEY_BYTES`] bytes.
fn parse_secret_key(name: &'static str, text: &str) -> Result<SecretBox<[u8]>, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid { name, reason };
    let bytes = hex::decode(text.trim()).map_err(|_| {
        invalid("expected hex digits (make one with `openssl rand -hex 32`)".to_string())
    })?;
    if bytes.len() < MIN_SECRET_KEY_BYTES {
        return Err(invalid(format!(
            "{} bytes is too short: it needs at least {MIN_SECRET_KEY_BYTES} ({} hex digits; make one with `openssl rand -hex 32`)",
            bytes.len(),
            MIN_SECRET_KEY_BYTES * 2
        )));
    }
    Ok(SecretBox::new(bytes.into_boxed_slice()))
}
