//! A local fake of the Slack Web API that records every call (method, token, arguments) and
//! answers as Slack would, or as a test scripts it: 429 with `Retry-After`, 500, or a hang.
//!
//! It refuses what Slack refuses: an unknown token (`invalid_auth`), and calls in channels the
//! bot is not in. A channel it was not told about is public, and the bot is not in it until it
//! joins (`conversations.join`): it may post there (`chat:write.public`) but not read its
//! history or post ephemerals. A private channel is invisible to the bot (`channel_not_found`)
//! until someone invites it. An archived channel refuses everything (`is_archived`). A DM (`D…`)
//! always has the bot in it. `reactions.get` on a message that is not there (never posted, or
//! deleted) is `message_not_found`. A message whose image block breaks Block Kit's rules (no
//! `alt_text`, or one over 2,000 characters; an `image_url` that is missing, not http(s), or
//! over 3,000 characters; a title that is not plain text within 2,000) is `invalid_blocks`.
//! A bot token sees only its own workspace's channels and people (`fake_workspaces.rs`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

use install::Installs;
use oidc::Oidc;
use workspaces::Homes;

#[path = "fake_oauth_codes.rs"]
mod codes;
#[path = "fake_install.rs"]
pub mod install;
#[path = "fake_oidc.rs"]
pub mod oidc;
#[path = "fake_workspaces.rs"]
pub mod workspaces;

/// One call the bot made.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    pub method: String,
    pub token: Option<String>,
    pub args: Value,
    /// Whether the fake answered it as Slack would a successful call.
    pub succeeded: bool,
}

/// A scripted answer, used once, before the default answers resume.
#[derive(Debug, Clone)]
pub enum Scripted {
    RateLimited {
        retry_after_seconds: u64,
    },
    ServerError,
    /// Never answers; the bot's own timeout must end the call.
    Hang,
    /// Does what the call asks (a message is posted and shows in the history), then never
    /// answers: the bot cannot know it succeeded.
    AcceptThenHang,
    /// Starts a success answer and drops the connection mid-body.
    ResetConnection,
    /// `{"ok": false, "error": code}`.
    SlackError(&'static str),
    /// Answers as usual, with what Slack held when the call arrived, but only once the test
    /// releases it: for work that happens between Slack reading its state and the answer.
    HeldUntil(Arc<tokio::sync::Notify>),
}

/// Reactions on one message: emoji name and the users who added it.
type Reactions = Vec<(String, Vec<String>)>;

/// A channel as Slack knows it.
#[derive(Debug, Clone, Copy, Default)]
struct Channel {
    private: bool,
    archived: bool,
    bot_member: bool,
}

/// Tokens Slack accepts: the bot tokens the test apps and binaries are given, and the app-level
/// token Socket Mode connects with.
const ACCEPTED_TOKENS: [&str; 3] = ["xoxb-test-token", "xoxb-e2e", "xapp-1-test"];

#[derive(Default)]
struct Recorder {
    /// Channels other than the default (public, the bot not in it).
    channels: HashMap<String, Channel>,
    /// The scopes `auth.test` says the token has (`x-oauth-scopes`); by default every scope the
    /// code needs, as an app installed from the manifest has.
    granted_scopes: Option<Vec<String>>,
    calls: Vec<RecordedCall>,
    scripts: HashMap<String, VecDeque<Scripted>>,
    messages_posted: u64,
    /// What reactions.get answers, per (channel, ts): emoji name → users.
    reactions: HashMap<(String, String), Reactions>,
    /// What users.info answers for users other than plain people: (is_bot, is_admin).
    users: HashMap<String, (bool, bool)>,
    /// The display names users.info gives (none for other users).
    user_names: HashMap<String, String>,
    /// The WebSocket address `apps.connections.open` hands out (Socket Mode).
    socket_url: Option<String>,
    /// Messages posted, newest last: (channel, ts, the call's arguments).
    posted: Vec<(String, String, Value)>,
    /// Channel names `conversations.info` gives other than `arch-hour`.
    names: HashMap<String, String>,
    /// Who is in each channel, for `conversations.members`.
    members: HashMap<String, Vec<String>>,
    /// Sign in with Slack's codes and tokens.
    oidc: Oidc,
    /// "Add to Slack"'s codes and the bot tokens it handed out.
    installs: Installs,
    /// Which workspace each channel and person belongs to.
    homes: Homes,
    /// Rate limits per method: calls allowed per one-second window.
    limits: HashMap<String, usize>,
    /// The current window per limited method: when it started and the calls it has taken.
    windows: HashMap<String, (std::time::Instant, usize)>,
}

impl Recorder {
    fn channel(&self, id: &str) -> Channel {
        if id.starts_with('D') {
            return Channel {
                private: true,
                archived: false,
                bot_member: true,
            };
        }
        self.channels.get(id).copied().unwrap_or_default()
    }

    fn channel_mut(&mut self, id: &str) -> &mut Channel {
        self.channels.entry(id.to_string()).or_default()
    }

    /// Slack's refusal of a call for want of a valid token, if any.
    fn refuse_token(&self, token: Option<&str>) -> Option<&'static str> {
        match token {
            None => Some("not_authed"),
            Some(token) if ACCEPTED_TOKENS.contains(&token) => None,
            Some(token) if self.installs.team_of(token).is_some() => None,
            Some(token) if self.installs.revoked.contains(token) => Some("token_revoked"),
            Some(_) => Some("invalid_auth"),
        }
    }

    /// The workspace a bot token acts in: the test apps' tokens T1's, an installed one its
    /// workspace's.
    fn team_of_token(&self, token: Option<&str>) -> Option<String> {
        match token? {
            token if ACCEPTED_TOKENS.contains(&token) => Some(workspaces::DEFAULT_TEAM.into()),
            token => self.installs.team_of(token).map(str::to_string),
        }
    }

    /// Whether `channel` holds a message at `ts`: one posted (and not deleted), or one a test
    /// gave reactions (someone else's message).
    fn has_message(&self, channel: &str, ts: &str) -> bool {
        self.posted
            .iter()
            .any(|(posted_in, posted_ts, _)| posted_in == channel && posted_ts == ts)
            || self
                .reactions
                .contains_key(&(channel.to_string(), ts.to_string()))
    }

    /// Slack's refusal of a call about a channel the bot may not act in, if any; joining a
    /// public channel takes effect here.
    fn refuse_in_channel(&mut self, method: &str, args: &Value) -> Option<&'static str> {
        let id = args.get("channel").and_then(Value::as_str)?.to_string();
        let channel = self.channel(&id);
        let hidden = channel.private && !channel.bot_member;
        match method {
            "conversations.join" if channel.archived => Some("is_archived"),
            "conversations.join" if id.starts_with('D') => {
                Some("method_not_supported_for_channel_type")
            }
            "conversations.join" if hidden => Some("channel_not_found"),
            "conversations.join" if channel.private => {
                Some("method_not_supported_for_channel_type")
            }
            "conversations.join" => {
                self.channel_mut(&id).bot_member = true;
                None
            }
            "conversations.info" if hidden => Some("channel_not_found"),
            "conversations.info" => None,
            _ if hidden => Some("channel_not_found"),
            "chat.postMessage" | "chat.postEphemeral" | "chat.update" | "reactions.add"
                if channel.archived =>
            {
                Some("is_archived")
            }
            // Both the bot and the person must be in the channel for an ephemeral.
            "chat.postEphemeral" if !channel.bot_member => Some("channel_not_found"),
            "conversations.history" | "reactions.add" if !channel.bot_member => {
                Some("not_in_channel")
            }
            "reactions.get" => {
                let ts = args.get("timestamp").and_then(Value::as_str).unwrap_or("");
                (!self.has_message(&id, ts)).then_some("message_not_found")
            }
            _ => None,
        }
    }

    /// Whether a call to `method` now is over its limit; if so, the seconds until the window
    /// resets (Slack's `Retry-After`, whole seconds, at least 1).
    fn over_limit(&mut self, method: &str) -> Option<u64> {
        let limit = *self.limits.get(method)?;
        let now = std::time::Instant::now();
        let window = self.windows.entry(method.to_string()).or_insert((now, 0));
        if now.duration_since(window.0) >= std::time::Duration::from_secs(1) {
            *window = (now, 0);
        }
        if window.1 < limit {
            window.1 += 1;
            return None;
        }
        let left = std::time::Duration::from_secs(1).saturating_sub(now.duration_since(window.0));
        Some(left.as_secs_f64().ceil().max(1.0) as u64)
    }
}

/// A running fake; clones share it.
#[derive(Clone)]
pub struct FakeSlack {
    recorder: Arc<Mutex<Recorder>>,
    /// What `SLACK_API_URL` should be set to.
    pub api_url: String,
    /// What `SLACK_OAUTH_URL` should be set to: where the authorize page is.
    pub oauth_url: String,
}

impl FakeSlack {
    /// Makes `apps.connections.open` answer with this WebSocket address.
    pub fn serve_socket_url(&self, url: &str) {
        self.lock().socket_url = Some(url.to_string());
    }

    /// Makes `channel` a private channel, the bot not in it.
    pub fn add_private_channel(&self, channel: &str) {
        *self.lock().channel_mut(channel) = Channel {
            private: true,
            archived: false,
            bot_member: false,
        };
    }

    /// Someone invites the bot into `channel` (the test then sends member_joined_channel).
    pub fn invite_bot(&self, channel: &str) {
        self.lock().channel_mut(channel).bot_member = true;
    }

    /// Someone removes the bot from `channel` (the test then sends channel_left).
    pub fn remove_bot(&self, channel: &str) {
        self.lock().channel_mut(channel).bot_member = false;
    }

    /// Someone archives `channel`.
    pub fn archive(&self, channel: &str) {
        self.lock().channel_mut(channel).archived = true;
    }

    /// Puts `users` in `channel`, as `conversations.members` reports them.
    pub fn set_members(&self, channel: &str, users: &[&str]) {
        self.lock().members.insert(
            channel.to_string(),
            users.iter().map(|u| u.to_string()).collect(),
        );
    }

    /// Names `channel` (`arch-hour` unless told).
    pub fn name_channel(&self, channel: &str, name: &str) {
        self.lock()
            .names
            .insert(channel.to_string(), name.to_string());
    }

    /// The person who signs in at the authorize page from now on.
    pub fn sign_in_as(&self, person: oidc::SlackPerson) {
        self.lock().oidc.signing_in = Some(person);
    }

    /// No one approves at the authorize page from now on: it stays there, as Slack's page does
    /// for a browser signed out of Slack.
    pub fn sign_in_nobody(&self) {
        self.lock().oidc.signing_in = None;
    }

    /// The workspace (and person) that approves at the "Add to Slack" authorize page from now
    /// on.
    pub fn install_as(&self, installer: install::Installer) {
        self.lock().installs.installing = Some(installer);
    }

    /// The app is removed from `team`, as Slack does before it sends `app_uninstalled`: every
    /// bot token it handed out there answers `token_revoked` from now on.
    pub fn uninstall_from(&self, team: &str) {
        let mut recorder = self.lock();
        let tokens: Vec<String> = recorder
            .installs
            .tokens
            .iter()
            .filter(|(_, of)| of.as_str() == team)
            .map(|(token, _)| token.clone())
            .collect();
        recorder.installs.revoked.extend(tokens);
    }

    /// Makes `channel` one of `team`'s: only that workspace's bot can see it.
    pub fn place_channel(&self, channel: &str, team: &str) {
        self.lock().homes.place_channel(channel, team);
    }

    /// Shares `channel` with `team` (Slack Connect): its bot sees it too.
    pub fn share_channel(&self, channel: &str, team: &str) {
        self.lock().homes.share_channel(channel, team);
    }

    /// Makes `user` a person of `team`: only that workspace's bot can see them.
    pub fn place_person(&self, user: &str, team: &str) {
        self.lock().homes.place_person(user, team);
    }

    /// The workspace of each bot token the install handed out.
    pub fn installed_tokens(&self) -> HashMap<String, String> {
        self.lock().installs.tokens.clone()
    }

    /// Makes the token's granted scopes (what `auth.test` reports) exactly `scopes`.
    pub fn grant_scopes(&self, scopes: &[&str]) {
        self.lock().granted_scopes = Some(scopes.iter().map(|s| s.to_string()).collect());
    }

    /// Whether the bot is in `channel`: Slack sends its events only then.
    pub fn bot_is_in(&self, channel: &str) -> bool {
        self.lock().channel(channel).bot_member
    }

    /// Starts on a random local port.
    pub async fn start() -> FakeSlack {
        Self::start_on("127.0.0.1:0")
            .await
            .expect("starting the fake Slack")
    }

    /// Starts on `addr` (`host:port`).
    pub async fn start_on(addr: &str) -> std::io::Result<FakeSlack> {
        let recorder = Arc::new(Mutex::new(Recorder::default()));
        let app = Router::new()
            .route("/api/{method}", any(answer))
            .route(
                "/openid/connect/authorize",
                axum::routing::get(oidc::authorize),
            )
            .route(
                "/oauth/v2/authorize",
                axum::routing::get(install::authorize),
            )
            .route("/api/oauth.v2.access", any(install::access))
            .route("/api/openid.connect.token", any(oidc::token))
            .route("/api/openid.connect.userInfo", any(oidc::user_info))
            .with_state(recorder.clone());
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(FakeSlack {
            recorder,
            api_url: format!("http://{addr}/api/"),
            oauth_url: format!("http://{addr}/"),
        })
    }

    /// Enforces a rate limit on `method`, as Slack does: at most `per_second` calls in each
    /// one-second window; the rest are answered 429 with `Retry-After`.
    #[allow(
        dead_code,
        reason = "used by the fan-out benchmark, examples/fanout.rs"
    )]
    pub fn rate_limit(&self, method: &str, per_second: usize) {
        self.lock().limits.insert(method.to_string(), per_second);
    }

    /// Answers the next calls to `method` with `answers`, in order.
    pub fn script(&self, method: &str, answers: impl IntoIterator<Item = Scripted>) {
        self.lock()
            .scripts
            .entry(method.to_string())
            .or_default()
            .extend(answers);
    }

    /// Sets the reactions Slack reports on a message (for `reactions.get`).
    pub fn set_reactions(&self, channel: &str, ts: &str, reactions: &[(&str, &[&str])]) {
        self.lock().reactions.insert(
            (channel.to_string(), ts.to_string()),
            reactions
                .iter()
                .map(|(name, users)| {
                    (
                        name.to_string(),
                        users.iter().map(|u| u.to_string()).collect(),
                    )
                })
                .collect(),
        );
    }

    /// Someone deletes the message at `ts` in `channel`, with its reactions.
    pub fn delete_message(&self, channel: &str, ts: &str) {
        let mut recorder = self.lock();
        recorder
            .posted
            .retain(|(posted_in, posted_ts, _)| !(posted_in == channel && posted_ts == ts));
        recorder
            .reactions
            .remove(&(channel.to_string(), ts.to_string()));
    }

    /// Records that `user` added (or removed) reaction `name` on a message, as Slack would when
    /// the matching event is sent.
    pub fn toggle_reaction(&self, channel: &str, ts: &str, name: &str, user: &str, added: bool) {
        let mut recorder = self.lock();
        let reactions = recorder
            .reactions
            .entry((channel.to_string(), ts.to_string()))
            .or_default();
        let index = match reactions.iter().position(|(n, _)| n == name) {
            Some(index) => index,
            None => {
                reactions.push((name.to_string(), Vec::new()));
                reactions.len() - 1
            }
        };
        let users = &mut reactions[index].1;
        users.retain(|u| u != user);
        if added {
            users.push(user.to_string());
        }
        reactions.retain(|(_, users)| !users.is_empty());
    }

    /// Makes `users.info` describe `user` as a bot and/or a workspace admin.
    pub fn set_user(&self, user: &str, is_bot: bool, is_admin: bool) {
        self.lock()
            .users
            .insert(user.to_string(), (is_bot, is_admin));
    }

    /// Makes `users.info` give `user` the display name `name` (and a full name, which the bot
    /// uses only without a display name).
    pub fn name_user(&self, user: &str, name: &str) {
        self.lock()
            .user_names
            .insert(user.to_string(), name.to_string());
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.lock().calls.clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<RecordedCall> {
        self.calls()
            .into_iter()
            .filter(|call| call.method == method)
            .collect()
    }

    /// Calls other than the `auth.test` the bot makes at start.
    pub fn calls_besides_auth(&self) -> Vec<RecordedCall> {
        self.calls()
            .into_iter()
            .filter(|call| call.method != "auth.test")
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorder> {
        self.recorder.lock().expect("fake Slack lock")
    }
}

async fn answer(
    State(recorder): State<Arc<Mutex<Recorder>>>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_string);
    let args = arguments(&headers, query.as_deref(), &body);
    let (scripted, answer) = {
        let mut recorder = recorder.lock().expect("fake Slack lock");
        let scripted = recorder
            .scripts
            .get_mut(&method)
            .and_then(VecDeque::pop_front)
            .or_else(|| {
                recorder
                    .over_limit(&method)
                    .map(|retry_after_seconds| Scripted::RateLimited {
                        retry_after_seconds,
                    })
            });
        // What Slack refuses before doing anything: a bad token, a channel out of reach.
        let refused = match &scripted {
            None | Some(Scripted::AcceptThenHang | Scripted::HeldUntil(_)) => recorder
                .refuse_token(token.as_deref())
                .or_else(|| {
                    let team = recorder.team_of_token(token.as_deref())?;
                    recorder.homes.refuse_outsider(&team, &args)
                })
                .or_else(|| recorder.refuse_in_channel(&method, &args))
                .or_else(|| refuse_blocks(&method, &args)),
            Some(_) => None,
        };
        let scripted = match refused {
            Some(code) => Some(Scripted::SlackError(code)),
            None => scripted,
        };
        let takes_effect = matches!(
            scripted,
            None | Some(Scripted::AcceptThenHang | Scripted::HeldUntil(_))
        );
        recorder.calls.push(RecordedCall {
            method: method.clone(),
            token: token.clone(),
            args: args.clone(),
            succeeded: takes_effect,
        });
        if takes_effect && method == "chat.postMessage" {
            recorder.messages_posted += 1;
        }
        let ts = format!("1700000000.{:06}", recorder.messages_posted);
        if takes_effect && method == "chat.postMessage" {
            let channel = args["channel"].as_str().unwrap_or("").to_string();
            recorder.posted.push((channel, ts.clone(), args.clone()));
        }
        let mut answer = default_answer(&recorder, &method, &args, &ts);
        if method == "auth.test"
            && let Some(team) = token.as_deref().and_then(|t| recorder.installs.team_of(t))
        {
            answer["team_id"] = json!(team);
            answer["user_id"] = json!(install::bot_user_of(team));
            answer["url"] = json!(format!("https://{}.slack.com/", team.to_lowercase()));
        }
        (scripted, answer)
    };
    match scripted {
        Some(Scripted::RateLimited {
            retry_after_seconds,
        }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after_seconds.to_string())],
            axum::Json(json!({"ok": false, "error": "ratelimited"})),
        )
            .into_response(),
        Some(Scripted::ServerError) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "upstream trouble").into_response()
        }
        Some(Scripted::Hang | Scripted::AcceptThenHang) => std::future::pending().await,
        Some(Scripted::ResetConnection) => {
            let broken = futures::stream::iter([
                Ok(Bytes::from_static(b"{\"ok\": tr")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection reset by the fake",
                )),
            ]);
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from_stream(broken))
                .expect("a response")
        }
        Some(Scripted::SlackError(code)) => {
            axum::Json(json!({"ok": false, "error": code})).into_response()
        }
        Some(Scripted::HeldUntil(release)) => {
            release.notified().await;
            axum::Json(answer).into_response()
        }
        None if method == "auth.test" => {
            let scopes = recorder
                .lock()
                .expect("fake Slack lock")
                .granted_scopes
                .clone()
                .unwrap_or_else(|| {
                    archhour::slack::sign_in::needed_scopes()
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                });
            ([("x-oauth-scopes", scopes.join(","))], axum::Json(answer)).into_response()
        }
        None => axum::Json(answer).into_response(),
    }
}

fn default_answer(recorder: &Recorder, method: &str, args: &Value, ts: &str) -> Value {
    let channel = args.get("channel").cloned().unwrap_or(Value::Null);
    let text_arg = |name: &str| {
        args.get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match method {
        "reactions.get" => {
            let key = (text_arg("channel"), text_arg("timestamp"));
            let reactions: Vec<Value> = recorder
                .reactions
                .get(&key)
                .into_iter()
                .flatten()
                .map(|(name, users)| json!({"name": name, "users": users, "count": users.len()}))
                .collect();
            json!({
                "ok": true, "type": "message", "channel": key.0,
                "message": {"type": "message", "ts": key.1, "text": "", "reactions": reactions}
            })
        }
        "users.info" => {
            let user = text_arg("user");
            let (is_bot, is_admin) = recorder.users.get(&user).copied().unwrap_or((false, false));
            let mut answer =
                json!({"id": user, "name": "someone", "is_bot": is_bot, "is_admin": is_admin});
            if let Some(name) = recorder.user_names.get(&user) {
                answer["profile"] = json!({"display_name": name, "real_name": "Full Name"});
            }
            json!({"ok": true, "user": answer})
        }
        "auth.test" => json!({
            "ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "archhour",
            "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"
        }),
        "chat.postMessage" => json!({
            "ok": true, "channel": channel, "ts": ts,
            "message": {"ts": ts, "text": args.get("text"), "type": "message", "user": "UBOT"}
        }),
        "chat.update" => json!({
            "ok": true, "channel": channel, "ts": args.get("ts"),
            "text": args.get("text"), "message": {"text": args.get("text")}
        }),
        "chat.postEphemeral" => json!({"ok": true, "message_ts": ts}),
        "conversations.open" => {
            let user = match args.get("users") {
                Some(Value::Array(users)) => users.first().and_then(Value::as_str).unwrap_or(""),
                Some(Value::String(users)) => users.split(',').next().unwrap_or(""),
                _ => "",
            };
            json!({"ok": true, "channel": {"id": format!("D{user}")}})
        }
        "conversations.members" => {
            let members = recorder
                .members
                .get(&text_arg("channel"))
                .cloned()
                .unwrap_or_default();
            json!({"ok": true, "members": members, "response_metadata": {"next_cursor": ""}})
        }
        "conversations.join" | "conversations.info" => {
            let id = text_arg("channel");
            let found = recorder.channel(&id);
            let name = recorder.names.get(&id).map_or("arch-hour", String::as_str);
            json!({"ok": true, "channel": {
                "id": id, "name": name, "is_channel": !id.starts_with('D') && !found.private,
                "is_group": found.private && !id.starts_with('D'), "is_im": id.starts_with('D'),
                "is_mpim": false, "is_private": found.private, "is_archived": found.archived,
                "is_member": found.bot_member, "created": 1_449_252_889
            }})
        }
        "conversations.history" => {
            let channel = text_arg("channel");
            let messages: Vec<Value> = recorder
                .posted
                .iter()
                .rev()
                .filter(|(posted_in, _, _)| *posted_in == channel)
                .map(|(_, ts, args)| {
                    json!({"type": "message", "ts": ts, "text": args.get("text"),
                           "bot_id": "BBOT", "metadata": args.get("metadata")})
                })
                .collect();
            json!({"ok": true, "messages": messages, "has_more": false})
        }
        "apps.connections.open" => match &recorder.socket_url {
            Some(url) => json!({"ok": true, "url": url}),
            None => json!({"ok": false, "error": "socket_mode_not_enabled"}),
        },
        "views.open" => {
            let mut view = match args.get("view") {
                Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
                Some(view) => view.clone(),
                None => Value::Null,
            };
            if let Value::Object(fields) = &mut view {
                fields.insert("id".into(), json!("VFAKE"));
                fields.insert("team_id".into(), json!("T1"));
                fields.insert("hash".into(), json!("1700000000.abc"));
                fields.insert("state".into(), json!({"values": {}}));
            }
            json!({"ok": true, "view": view})
        }
        _ => json!({"ok": true}),
    }
}

/// Slack's refusal of a message whose blocks it would not take, if any: an image block that
/// breaks the limits of the Block Kit reference ("Image block").
fn refuse_blocks(method: &str, args: &Value) -> Option<&'static str> {
    if !matches!(
        method,
        "chat.postMessage" | "chat.postEphemeral" | "chat.update"
    ) {
        return None;
    }
    let blocks = match args.get("blocks") {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        Some(blocks) => blocks.clone(),
        None => return None,
    };
    let images = blocks
        .as_array()?
        .iter()
        .filter(|block| block["type"] == "image");
    let within = |text: &Value, most: usize| {
        text.as_str()
            .is_some_and(|text| !text.is_empty() && text.chars().count() <= most)
    };
    for image in images.collect::<Vec<_>>() {
        let url_ok = within(&image["image_url"], 3000)
            && image["image_url"]
                .as_str()
                .is_some_and(|url| url.starts_with("https://") || url.starts_with("http://"));
        let title_ok = match image.get("title") {
            None => true,
            Some(title) => title["type"] == "plain_text" && within(&title["text"], 2000),
        };
        if !(url_ok && within(&image["alt_text"], 2000) && title_ok) {
            return Some("invalid_blocks");
        }
    }
    None
}

/// The call's arguments, whichever way they were sent: JSON body, form body, or query string.
fn arguments(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Value {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") {
        return serde_json::from_slice(body).unwrap_or(Value::Null);
    }
    let form = if body.is_empty() {
        query.unwrap_or("").as_bytes()
    } else {
        body
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(form).unwrap_or_default();
    Value::Object(
        pairs
            .into_iter()
            .map(|(key, value)| (key, Value::String(value)))
            .collect(),
    )
}
