//! The one-time codes of the fake Slack's OAuth pages (Sign in with Slack and "Add to Slack"):
//! the authorize page hands out a code for what the person approved and sends the browser back
//! to `redirect_uri` with it and the `state`; the exchange refuses what Slack refuses: another
//! app's id (`invalid_client_id`), a wrong secret (`bad_client_secret`), an unknown or already
//! used code (`invalid_code`), and a `redirect_uri` other than the authorize request's
//! (`bad_redirect_uri`). A code is good for one exchange, whatever its outcome.

use std::collections::HashMap;

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::oidc::{CLIENT_ID, CLIENT_SECRET};

/// A code handed out, what for and where it was sent.
#[derive(Debug)]
struct Issued<T> {
    grant: T,
    redirect_uri: String,
    used: bool,
}

/// The codes one authorize page handed out.
#[derive(Debug)]
pub struct Codes<T> {
    issued: HashMap<String, Issued<T>>,
}

impl<T> Default for Codes<T> {
    fn default() -> Codes<T> {
        Codes {
            issued: HashMap::new(),
        }
    }
}

impl<T: Clone> Codes<T> {
    /// Hands out a code (`{prefix}-{n}`) for `grant` and sends the browser back to
    /// `redirect_uri` with it and `state`.
    pub fn hand_out(
        &mut self,
        prefix: &str,
        grant: T,
        redirect_uri: &str,
        state: &str,
    ) -> Response {
        let code = format!("{prefix}-{}", self.issued.len() + 1);
        self.issued.insert(
            code.clone(),
            Issued {
                grant,
                redirect_uri: redirect_uri.to_string(),
                used: false,
            },
        );
        let back = format!(
            "{redirect_uri}?{}",
            serde_urlencoded::to_string([("code", code.as_str()), ("state", state)])
                .expect("encodes")
        );
        Redirect::to(&back).into_response()
    }

    /// What the exchange's `args` (client id and secret, code, redirect_uri) redeem, or Slack's
    /// refusal as its JSON answer.
    pub fn redeem(&mut self, args: &Value) -> Result<T, Value> {
        let arg = |name: &str| args[name].as_str().unwrap_or_default().to_string();
        let refusal = |error: &str| json!({"ok": false, "error": error});
        if arg("client_id") != CLIENT_ID {
            return Err(refusal("invalid_client_id"));
        }
        if arg("client_secret") != CLIENT_SECRET {
            return Err(refusal("bad_client_secret"));
        }
        let Some(issued) = self
            .issued
            .get_mut(&arg("code"))
            .filter(|issued| !issued.used)
        else {
            return Err(refusal("invalid_code"));
        };
        issued.used = true;
        if issued.redirect_uri != arg("redirect_uri") {
            return Err(refusal("bad_redirect_uri"));
        }
        Ok(issued.grant.clone())
    }
}
