//! Verifying that a request came from Slack: `v0` HMAC-SHA256 over `v0:{timestamp}:{body}`.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from our clock, either way.
pub const MAX_SKEW_SECONDS: i64 = 5 * 60;

/// Why a request was refused. Every case answers 401 and writes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the X-Slack-Request-Timestamp or X-Slack-Signature header is missing")]
    MissingHeaders,
    #[error("the timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("the timestamp is more than five minutes from now")]
    OutsideWindow,
    #[error("the signature is not a v0 signature")]
    WrongVersion,
    #[error("the signature does not match")]
    Mismatch,
    #[error("no signing secret is configured to check it with")]
    NoSecret,
    #[error("this signed request was handled before: a replay")]
    Replayed,
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    mac: Vec<u8>,
}

impl Verified {
    /// What identifies the request for replay checks: the MAC's bytes as lower-case hex, the
    /// same however the header spelled them (upper or lower case).
    pub fn replay_key(&self) -> String {
        hex::encode(&self.mac)
    }
}

/// Checks Slack's signature headers against the raw body, in constant time.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, Rejection> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(Rejection::MissingHeaders);
    };
    let seconds: i64 = timestamp.parse().map_err(|_| Rejection::BadTimestamp)?;
    if (now.timestamp() - seconds).abs() > MAX_SKEW_SECONDS {
        return Err(Rejection::OutsideWindow);
    }
    let hex_digest = signature
        .strip_prefix("v0=")
        .ok_or(Rejection::WrongVersion)?;
    let expected = hex::decode(hex_digest).map_err(|_| Rejection::Mismatch)?;
    signing_mac(secret, timestamp, body)
        .verify_slice(&expected)
        .map_err(|_| Rejection::Mismatch)?;
    Ok(Verified { mac: expected })
}

/// The `X-Slack-Signature` value Slack would send for this body. Used by our own tests and
/// load generators to sign requests.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let digest = signing_mac(secret, timestamp, body).finalize().into_bytes();
    format!("v0={}", hex::encode(digest))
}

fn signing_mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    // Slack's published example, from "Verifying requests from Slack".
    const SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: &str = "1531420618";
    const BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("valid timestamp")
    }

    const THEN: i64 = 1_531_420_618;

    #[test]
    fn slacks_published_example_verifies_at_its_time() {
        let verified = verify(SECRET, Some(TIMESTAMP), Some(SIGNATURE), BODY, at(THEN))
            .expect("Slack's example verifies");
        assert_eq!(format!("v0={}", verified.replay_key()), SIGNATURE);
        assert_eq!(sign(SECRET, TIMESTAMP, BODY), SIGNATURE);
    }

    #[test]
    fn the_replay_key_is_the_same_whatever_the_hex_case() {
        let upper = format!("v0={}", SIGNATURE["v0=".len()..].to_uppercase());
        let verified = verify(SECRET, Some(TIMESTAMP), Some(&upper), BODY, at(THEN))
            .expect("upper-case hex verifies too");
        let lower =
            verify(SECRET, Some(TIMESTAMP), Some(SIGNATURE), BODY, at(THEN)).expect("verifies");
        assert_eq!(verified.replay_key(), lower.replay_key());
    }

    #[test]
    fn the_window_is_five_minutes_either_way() {
        let ok = |now| verify(SECRET, Some(TIMESTAMP), Some(SIGNATURE), BODY, at(now)).map(|_| ());
        assert_eq!(ok(THEN + 300), Ok(()));
        assert_eq!(ok(THEN - 300), Ok(()));
        assert_eq!(ok(THEN + 301), Err(Rejection::OutsideWindow));
        assert_eq!(ok(THEN - 301), Err(Rejection::OutsideWindow));
    }

    #[test]
    fn a_changed_body_or_secret_does_not_verify() {
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        assert_eq!(
            verify(
                SECRET,
                Some(TIMESTAMP),
                Some(SIGNATURE),
                &tampered,
                at(THEN)
            ),
            Err(Rejection::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(TIMESTAMP), Some(SIGNATURE), BODY, at(THEN)),
            Err(Rejection::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let v1 = SIGNATURE.replace("v0=", "v1=");
        let cases = [
            (None, Some(SIGNATURE), Rejection::MissingHeaders),
            (Some(TIMESTAMP), None, Rejection::MissingHeaders),
            (Some("soon"), Some(SIGNATURE), Rejection::BadTimestamp),
            (Some(TIMESTAMP), Some(v1.as_str()), Rejection::WrongVersion),
            (Some(TIMESTAMP), Some("v0=zz"), Rejection::Mismatch),
        ];
        for (timestamp, signature, expected) in cases {
            assert_eq!(
                verify(SECRET, timestamp, signature, BODY, at(THEN)),
                Err(expected)
            );
        }
    }
}
