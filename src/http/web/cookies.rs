//! The archive's cookies: a value serialized, base64url-encoded and signed with the `cookie`
//! crate's signed jar (HMAC-SHA256, keyed with a key derived by HKDF from
//! `ARCHHOUR_SECRET_KEY`), sent back `HttpOnly`, `SameSite=Lax`, and `Secure` when the public URL
//! is https. The signed text is the cookie's name and its value (the signed jar itself signs
//! the value only), so one cookie's value never passes for another's; a cookie whose signature
//! does not hold reads as absent.
//!
//! Each value carries its own expiry ([`Session::expires_at`], [`SignInAttempt::expires_at`]),
//! checked against the injected clock on every request: the cookie's `Max-Age` only asks the
//! browser to forget it, while the signed expiry is what archhour trusts.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The signed-in person's session.
pub const SESSION_COOKIE: &str = "archhour_session";
/// The `state`, `nonce` and return address of a sign-in under way.
pub const SIGN_IN_COOKIE: &str = "archhour_sign_in";
/// How long a session lasts before the person signs in again.
pub const SESSION_LENGTH: Duration = Duration::hours(12);
/// How long a person has to finish signing in at Slack.
pub const SIGN_IN_WINDOW: Duration = Duration::minutes(10);
/// The `state` of an "Add to Slack" install under way.
pub const INSTALL_COOKIE: &str = "archhour_install";

/// Who is signed in, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: String,
    pub team_id: String,
    pub name: String,
    pub expires_at: DateTime<Utc>,
}

/// A sign-in sent to Slack and not yet back: what the callback must find again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInAttempt {
    pub state: String,
    pub nonce: String,
    /// The archive page to open once signed in (a path on this site).
    pub return_to: String,
    pub expires_at: DateTime<Utc>,
}

/// An install sent to Slack and not yet back: the `state` the redirect must carry, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallAttempt {
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// An OAuth round trip to Slack and back (a sign-in or an install) kept in a cookie until the
/// redirect returns: the `state` the redirect must carry, and until when.
pub trait Attempt {
    fn state(&self) -> &str;
    fn expires_at(&self) -> DateTime<Utc>;
}

impl Attempt for SignInAttempt {
    fn state(&self) -> &str {
        &self.state
    }
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

impl Attempt for InstallAttempt {
    fn state(&self) -> &str {
        &self.state
    }
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

/// Signs and reads the archive's cookies.
pub struct Cookies {
    key: Key,
    secure: bool,
}

impl std::fmt::Debug for Cookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cookies")
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

impl Cookies {
    /// `secret` is `ARCHHOUR_SECRET_KEY` decoded: at least 32 bytes, which config checks
    /// (`Key::derive_from` requires it).
    pub fn new(secret: &[u8], secure: bool) -> Cookies {
        Cookies {
            key: Key::derive_from(secret),
            secure,
        }
    }

    /// A `Set-Cookie` value holding `value`, signed, for `path` and below, kept by the browser
    /// for `lasting`.
    pub fn seal(
        &self,
        name: &'static str,
        path: &'static str,
        value: &impl Serialize,
        lasting: Duration,
    ) -> HeaderValue {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default());
        let mut jar = CookieJar::new();
        jar.signed_mut(&self.key)
            .add(Cookie::new(name, format!("{name}.{payload}")));
        let signed = jar
            .get(name)
            .map(|cookie| cookie.value().to_string())
            .unwrap_or_default();
        self.header(
            Cookie::build((name, signed))
                .path(path)
                .max_age(cookie::time::Duration::seconds(lasting.num_seconds())),
        )
    }

    /// A `Set-Cookie` value that makes the browser forget cookie `name` at `path`.
    pub fn clear(&self, name: &'static str, path: &'static str) -> HeaderValue {
        self.header(
            Cookie::build((name, ""))
                .path(path)
                .max_age(cookie::time::Duration::ZERO),
        )
    }

    /// The value of the request's cookie `name`, if it is there and its signature holds.
    pub fn open<T: DeserializeOwned>(&self, headers: &HeaderMap, name: &str) -> Option<T> {
        let mut jar = CookieJar::new();
        for line in headers.get_all(header::COOKIE) {
            let Ok(line) = line.to_str() else { continue };
            for cookie in Cookie::split_parse(line).flatten() {
                jar.add_original(cookie.into_owned());
            }
        }
        let verified = jar.signed(&self.key).get(name)?;
        let payload = verified.value().strip_prefix(name)?.strip_prefix('.')?;
        let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
        serde_json::from_slice(&json).ok()
    }

    /// The attempt in cookie `name` that Slack's redirect returns to: signed, not expired at
    /// `now`, and with the `state` the redirect carries. `None` for a forged, missing or expired
    /// one, or one started in another browser.
    pub fn returning<T: Attempt + DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        name: &str,
        state: Option<&str>,
        now: DateTime<Utc>,
    ) -> Option<T> {
        self.open::<T>(headers, name)
            .filter(|attempt| attempt.expires_at() > now)
            .filter(|attempt| state == Some(attempt.state()))
    }

    fn header(&self, cookie: cookie::CookieBuilder<'static>) -> HeaderValue {
        let cookie = cookie
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .build();
        HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie
            .to_str()
            .expect("ascii")
            .split(';')
            .next()
            .expect("name=value")
            .to_string();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).expect("ascii"));
        headers
    }

    fn session() -> Session {
        Session {
            user_id: "U1".into(),
            team_id: "T1".into(),
            name: "Ann".into(),
            expires_at: DateTime::from_timestamp(1_800_000_000, 0).expect("valid"),
        }
    }

    #[test]
    fn a_sealed_cookie_opens_to_its_value_with_the_same_key_only() {
        let cookies = Cookies::new(&[7; 32], true);
        let set = cookies.seal(SESSION_COOKIE, "/", &session(), SESSION_LENGTH);
        let text = set.to_str().expect("ascii");
        for attribute in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(text.contains(attribute), "{attribute} in {text}");
        }
        let headers = request_with(&set);
        assert_eq!(
            cookies.open::<Session>(&headers, SESSION_COOKIE),
            Some(session())
        );
        let other_key = Cookies::new(&[8; 32], true);
        assert_eq!(other_key.open::<Session>(&headers, SESSION_COOKIE), None);
        // Signed for one name, the value does not pass for another.
        let renamed = text.replacen(SESSION_COOKIE, SIGN_IN_COOKIE, 1);
        let headers = request_with(&HeaderValue::from_str(&renamed).expect("ascii"));
        assert_eq!(cookies.open::<Session>(&headers, SIGN_IN_COOKIE), None);
    }

    #[test]
    fn a_cookie_changed_by_one_character_reads_as_absent() {
        let cookies = Cookies::new(&[7; 32], false);
        let set = cookies.seal(SESSION_COOKIE, "/", &session(), SESSION_LENGTH);
        let text = set.to_str().expect("ascii").to_string();
        assert!(!text.contains("Secure"));
        let value_end = text.find(';').expect("attributes");
        let last = text.as_bytes()[value_end - 1];
        let flipped = if last == b'A' { 'B' } else { 'A' };
        let tampered = format!("{}{flipped}{}", &text[..value_end - 1], &text[value_end..]);
        let headers = request_with(&HeaderValue::from_str(&tampered).expect("ascii"));
        assert_eq!(cookies.open::<Session>(&headers, SESSION_COOKIE), None);
    }
}
