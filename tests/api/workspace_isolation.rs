//! No leaks between workspaces: a command, button, form, event or archive page from one
//! workspace never reads or changes another's topics, items, challenges or pages, whatever ids
//! it carries; it is answered as for an id that does not exist. Workspace T1 (the tests' usual
//! one) and T2 share the signing secret, so a request "from T2" is one signed with T2's team id;
//! one sent in T1's channel stands for a channel shared between the two workspaces.

use serde_json::{Value, json};

use archhour::domain::ids::{TeamId, UserId};
use archhour::slack::inbound::{EventRequest, InboundEvent, parse_event};

use crate::archive_pages::{open, signed_in};
use crate::installing::install_workspaces;
use crate::support::{CHANNEL, FORM, TEAM, TestApp, block_actions, spawn_app, spawn_archive_app};

/// The other workspace, and a channel of its own.
const T2: &str = "T2";
const T2_CHANNEL: &str = "C_T2";

/// `/archtopic text` from `user` of `team` in `channel`: the reply (its text and blocks).
async fn command_from(app: &TestApp, team: &str, channel: &str, user: &str, text: &str) -> String {
    app.command_from(team, channel, user, text)
        .await
        .to_string()
}

/// The text of a reply [`command_from`] returned.
fn text_of(reply: &str) -> String {
    let reply: Value = serde_json::from_str(reply).expect("JSON");
    reply["text"].as_str().unwrap_or_default().to_string()
}

/// A block action (or view submission) `payload`, posted signed; its status.
async fn interact(app: &TestApp, payload: &Value) -> reqwest::Response {
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("encodes");
    app.post_signed("/slack/interactions", FORM, body.into_bytes())
        .await
}

/// `user` of `team` presses a button (`action_id`, `value`) on a message in `channel`.
async fn press(app: &TestApp, team: &str, channel: &str, user: &str, action_id: &str, value: &str) {
    let (trigger, _) = app.next_event();
    let mut payload = block_actions(user, action_id, value, &format!("trigger-{trigger}"));
    payload["team"]["id"] = json!(team);
    payload["user"]["team_id"] = json!(team);
    payload["container"]["channel_id"] = json!(channel);
    payload["channel"]["id"] = json!(channel);
    assert_eq!(interact(app, &payload).await.status(), 200, "{action_id}");
}

/// The Slack calls made so far besides sign-in and identity look-ups, once the app is idle.
async fn calls_when_idle(app: &TestApp) -> Vec<(String, String)> {
    app.idle().await;
    app.slack
        .calls_besides_auth()
        .into_iter()
        .map(|call| (call.method.clone(), call.args.to_string()))
        .collect()
}

/// Fails if Slack was called since `before` was taken (once the app is idle).
async fn assert_no_new_calls(app: &TestApp, before: &[(String, String)]) {
    let after = calls_when_idle(app).await;
    assert_eq!(
        after.len(),
        before.len(),
        "new calls: {:?}",
        &after[before.len()..]
    );
}

/// `user` of T2 proposes `text` in `channel`; waits for its card and returns its number.
async fn propose_in_t2(app: &TestApp, channel: &str, user: &str, text: &str) -> i32 {
    app.propose_from(T2, channel, user, text).await.number
}

async fn scalar_i64(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db)
        .await
        .expect(sql)
}

async fn scalar_text(app: &TestApp, sql: &str) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db)
        .await
        .expect(sql)
}

#[tokio::test]
async fn topic_and_item_numbers_start_at_one_in_each_workspace() {
    let app = spawn_app().await;
    let first = app.propose("[discuss] Adopt a message queue").await;
    assert_eq!(first.number, 1);
    assert_eq!(
        propose_in_t2(&app, T2_CHANNEL, "UZOE", "[discuss] Retire the monolith").await,
        1
    );
    assert_eq!(app.propose("[inform] The new CI runners").await.number, 2);
    app.command("action <@UANN> compare the brokers").await;
    command_from(
        &app,
        T2,
        T2_CHANNEL,
        "UZOE",
        "action <@UZOE> list the services",
    )
    .await;
    let numbers: Vec<(String, i32, i32)> = sqlx::query_as(
        "select team_id, number, (select count(*)::int from topics t where t.team_id = a.team_id)
         from action_items a order by team_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("items");
    assert_eq!(
        numbers,
        vec![("T1".to_string(), 1, 2), ("T2".to_string(), 1, 1)]
    );
}

#[tokio::test]
async fn commands_from_another_workspace_reach_none_of_its_topics_items_or_challenges() {
    let app = spawn_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    app.command("action <@UANN> compare the brokers").await;
    app.command("challenge Pipeline | Merge conflicts | The pipeline stopped")
        .await;
    // The bot learns its standing in T2's channel (a Slack call) before anything is counted.
    command_from(&app, T2, T2_CHANNEL, "UANN", "list").await;
    let before = calls_when_idle(&app).await;

    // From T2's own channel, and from T1's channel as if it were shared: T1's #1, A1 and C1
    // are answered as #9, A9 and C9 are (none exists anywhere).
    for channel in [T2_CHANNEL, CHANNEL] {
        for (asked, unknown) in [
            ("withdraw 1", "withdraw 9"),
            (
                "edit 1 [inform] Something else",
                "edit 9 [inform] Something else",
            ),
            ("done 1", "done 9"),
            ("drop 1", "drop 9"),
            ("action 1 owner <@UZOE>", "action 9 owner <@UZOE>"),
            ("challenge 1", "challenge 9"),
            ("challenge 1 status Fixed", "challenge 9 status Fixed"),
        ] {
            let reply = text_of(&command_from(&app, T2, channel, "UANN", asked).await);
            let expected = text_of(&command_from(&app, T2, channel, "UANN", unknown).await);
            assert_eq!(reply, expected.replace('9', "1"), "{asked} in {channel}");
            assert!(reply.contains("There is no"), "{asked}: {reply}");
        }
    }

    let topic = scalar_text(&app, "select state || ' ' || title from topics").await;
    assert_eq!(topic, "open Adopt a message queue");
    let item = scalar_text(
        &app,
        "select state || ' ' || (select string_agg(user_id, ',') from action_owners)
         from action_items",
    )
    .await;
    assert_eq!(item, "open UANN");
    let status = scalar_text(&app, "select status from challenge_issues").await;
    assert_eq!(status, "");
    assert_no_new_calls(&app, &before).await;
}

#[tokio::test]
async fn an_item_button_from_another_workspace_changes_nothing() {
    let app = spawn_app().await;
    app.command("action <@UANN> compare the brokers").await;
    let item_id = scalar_i64(&app, "select id from action_items").await;
    let before = calls_when_idle(&app).await;

    // The same person (an Enterprise Grid user is in both workspaces) presses Done and Snooze
    // in T2, with T1's item's id, in a DM and in the App Home tab.
    for action in ["item_done", "item_snooze"] {
        press(&app, T2, "DANN", "UANN", action, &item_id.to_string()).await;
    }

    let item = scalar_text(
        &app,
        "select state || ' ' || (snoozed_until is null)::text from action_items",
    )
    .await;
    assert_eq!(item, "open true", "neither closed nor snoozed");
    assert_no_new_calls(&app, &before).await;

    // Pressed in T1, the same button closes it.
    press(
        &app,
        TEAM,
        "DANN",
        "UANN",
        "item_done",
        &item_id.to_string(),
    )
    .await;
    assert_eq!(
        scalar_text(&app, "select state from action_items").await,
        "done"
    );
}

#[tokio::test]
async fn discussing_another_workspaces_challenge_proposes_nothing() {
    let app = spawn_app().await;
    app.command("challenge Pipeline | Merge conflicts | The pipeline stopped")
        .await;
    let issue_id = scalar_i64(&app, "select id from challenge_issues").await;
    let before = calls_when_idle(&app).await;

    // Pressed in T1's channel (shared) by someone of T2.
    press(
        &app,
        T2,
        CHANNEL,
        "UZOE",
        "challenge_discuss",
        &issue_id.to_string(),
    )
    .await;

    assert_eq!(app.count("topics").await, 0, "no topic proposed");
    assert_no_new_calls(&app, &before).await;
}

#[tokio::test]
async fn a_challenge_form_from_another_workspace_adds_nothing_to_its_issue() {
    let app = spawn_app().await;
    app.command("challenge Pipeline | Merge conflicts | The pipeline stopped")
        .await;
    let issue_id = scalar_i64(&app, "select id from challenge_issues").await;
    let picked = |id: i64| {
        json!({"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "C1 Merge conflicts"}, "value": id.to_string()}})
    };
    let submission = |team: &str, view: &str, id: i64| {
        let mut payload = crate::support::challenge_form_submission(
            "UZOE",
            view,
            crate::challenges::form(&[
                ("issue", picked(id)),
                (
                    "what_happened",
                    crate::challenges::typed("It happened again"),
                ),
            ]),
        );
        payload["team"]["id"] = team.into();
        payload["user"]["team_id"] = team.into();
        payload["view"]["team_id"] = team.into();
        payload
    };

    // T2's form, its channel (the private metadata) T1's, picks T1's issue by id: refused as
    // an issue no longer in the log is (the same field error as for an id that never was).
    let refused = interact(&app, &submission(T2, "V_T2", issue_id)).await;
    assert_eq!(refused.status(), 200);
    let refused = refused.text().await.expect("body");
    let unknown = interact(&app, &submission(T2, "V_T2_UNKNOWN", issue_id + 100)).await;
    assert_eq!(refused, unknown.text().await.expect("body"));
    assert!(refused.contains("errors"), "{refused}");
    assert_eq!(
        scalar_i64(&app, "select count(*) from challenge_anecdotes").await,
        1,
        "only the first anecdote"
    );

    // From T1, the same form records.
    let recorded = interact(&app, &submission(TEAM, "V_T1", issue_id)).await;
    assert_eq!(recorded.text().await.expect("body"), "", "the form closes");
    assert_eq!(
        scalar_i64(&app, "select count(*) from challenge_anecdotes").await,
        2
    );
}

#[tokio::test]
async fn search_and_similar_topics_find_only_the_workspaces_own() {
    let app = spawn_app().await;
    app.propose("[discuss] Adopt Kafka for the event bus").await;

    let from_t1 = command_from(&app, TEAM, CHANNEL, "UANN", "search kafka").await;
    assert!(from_t1.contains("1 topic matching"), "{from_t1}");
    let from_t2 = text_of(&command_from(&app, T2, CHANNEL, "UZOE", "search kafka").await);
    assert_eq!(from_t2, "No topics in this channel match `kafka`.");

    // A similar proposal in the same (shared) channel: T2's names none of T1's topics (the
    // channel's titles it is weighed against are T2's alone); T1's next names T1's first.
    let similar_t2 = command_from(
        &app,
        T2,
        CHANNEL,
        "UZOE",
        "[discuss] Kafka event bus sizing",
    )
    .await;
    assert!(
        text_of(&similar_t2).starts_with("#1 "),
        "T2's first topic: {similar_t2}"
    );
    assert!(!similar_t2.contains("Adopt Kafka"), "{similar_t2}");
    let similar_t1 = command_from(
        &app,
        TEAM,
        CHANNEL,
        "UANN",
        "[discuss] Kafka event bus retention",
    )
    .await;
    assert!(similar_t1.contains("Adopt Kafka"), "{similar_t1}");
    assert!(!similar_t1.contains("sizing"), "{similar_t1}");
}

#[tokio::test]
async fn a_thread_reply_in_another_workspace_captures_nothing_on_its_card() {
    let app = spawn_app().await;
    let card = app.propose("[discuss] Adopt a message queue").await;
    app.idle().await;
    let (event_id, ts) = app.next_event();
    let reply = json!({
        "token": "legacy", "team_id": T2, "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": 1_700_000_000,
        "event": {
            "type": "message", "channel": card.channel, "user": "UZOE",
            "text": "ACTION <@UZOE> write it up", "ts": ts, "thread_ts": card.ts,
            "channel_type": "channel", "event_ts": ts
        }
    });
    let before = calls_when_idle(&app).await;
    assert_eq!(app.event(&reply).await.status(), 200);

    assert_eq!(app.count("action_items").await, 0);
    assert_eq!(app.count("notes").await, 0);
    assert_no_new_calls(&app, &before).await;
}

/// UANN's App Home tab in `team`, as the `views.publish` call's JSON.
async fn home_tab(app: &TestApp, team: &str) -> String {
    let mut conn = app.db.acquire().await.expect("a connection");
    let call = archhour::compose::items::home_tab(
        &mut conn,
        Some(&TeamId::from(team)),
        &UserId::from("UANN"),
        None,
        app.now(),
    )
    .await
    .expect("the home tab");
    serde_json::to_string(&call).expect("serialises")
}

#[tokio::test]
async fn mine_and_the_home_tab_list_only_the_workspaces_items_and_topics() {
    let app = spawn_app().await;
    app.propose_in(CHANNEL, "UANN", "[discuss] Adopt a message queue")
        .await;
    app.command("action <@UANN> compare the brokers").await;

    let mine_t1 = command_from(&app, TEAM, CHANNEL, "UANN", "mine").await;
    assert!(mine_t1.contains("compare the brokers"), "{mine_t1}");
    let mine_t2 = text_of(&command_from(&app, T2, T2_CHANNEL, "UANN", "mine").await);
    assert_eq!(mine_t2, "You have no open action items.");

    let home_t1 = home_tab(&app, TEAM).await;
    assert!(home_t1.contains("compare the brokers"), "{home_t1}");
    assert!(home_t1.contains("Adopt a message queue"), "{home_t1}");
    let home_t2 = home_tab(&app, T2).await;
    assert!(!home_t2.contains("compare the brokers"), "{home_t2}");
    assert!(!home_t2.contains("Adopt a message queue"), "{home_t2}");
    assert!(!home_t2.contains(CHANNEL), "{home_t2}");

    // The event says which workspace's Home was opened.
    let opened = json!({
        "token": "legacy", "team_id": T2, "api_app_id": "A1", "type": "event_callback",
        "event_id": "EvHome", "event_time": 1_700_000_000,
        "event": {"type": "app_home_opened", "user": "UANN", "channel": "DANN",
                  "tab": "home", "event_ts": "1700000000.000100"}
    });
    let parsed = parse_event(opened.to_string().as_bytes()).expect("parses");
    assert!(
        matches!(
            &parsed,
            EventRequest::Callback(InboundEvent::HomeOpened { team_id, user_id, .. })
                if team_id.as_str() == T2 && user_id.as_str() == "UANN"
        ),
        "{parsed:?}"
    );
}

#[tokio::test]
async fn a_signed_in_person_sees_none_of_another_workspaces_archive() {
    let app = spawn_archive_app().await;
    install_workspaces(&app, &[(T2, "UZOE")]).await;
    app.slack.place_channel(T2_CHANNEL, T2);
    app.slack.share_channel(CHANNEL, T2);
    app.slack.place_person("UZOE", T2);
    // T2's topics: #1 in its own channel, #2 in T1's channel (shared), before T1's #1 there.
    propose_in_t2(&app, T2_CHANNEL, "UZOE", "[discuss] Retire the monolith").await;
    propose_in_t2(
        &app,
        CHANNEL,
        "UZOE",
        "[discuss] Kafka quotas for the platform",
    )
    .await;
    app.propose("[discuss] Adopt Kafka for the event bus").await;
    let browser = signed_in(&app, "U_ANN").await;

    let (status, listing) = open(&browser, &app, "/archive").await;
    assert_eq!(status, 200);
    assert!(!listing.contains(T2_CHANNEL), "{listing}");
    for path in [
        format!("/archive/{T2_CHANNEL}"),
        format!("/archive/{T2_CHANNEL}/topics/1"),
        format!("/archive/{T2_CHANNEL}/search?q=monolith"),
        format!("/archive/{T2_CHANNEL}/challenges"),
        format!("/archive/{CHANNEL}/topics/2"),
    ] {
        let (status, page) = open(&browser, &app, &path).await;
        assert_eq!(status, 404, "{path}: {page}");
        assert!(
            !page.contains("monolith") && !page.contains("quotas"),
            "{path}: {page}"
        );
    }
    let (status, own) = open(&browser, &app, &format!("/archive/{CHANNEL}/topics/1")).await;
    assert_eq!(status, 200);
    assert!(own.contains("Adopt Kafka"), "{own}");
    assert!(
        !own.contains("quotas"),
        "not similar: another workspace's: {own}"
    );
    let (status, found) = open(
        &browser,
        &app,
        &format!("/archive/{CHANNEL}/search?q=kafka"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(found.contains("Adopt Kafka"), "{found}");
    assert!(!found.contains("quotas"), "{found}");
}

#[tokio::test]
async fn meeting_controls_from_another_workspace_move_nothing() {
    let app = spawn_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    app.start_meeting().await;
    let (meeting_id, topic_id): (i64, i64) = sqlx::query_as("select id, topic_id from meetings")
        .fetch_one(&app.db)
        .await
        .expect("the meeting");
    let value = format!("{meeting_id}:{topic_id}");
    command_from(&app, T2, T2_CHANNEL, "UZOE", "list").await;
    let meeting = || scalar_text(&app, "select phase || ' v' || version from meetings");
    let before = (meeting().await, calls_when_idle(&app).await);

    // T2's buttons and commands carrying T1's meeting and topic, in T2's channel and in T1's
    // (shared): no meeting of T2's runs there.
    for channel in [T2_CHANNEL, CHANNEL] {
        for action in ["meeting_next", "meeting_extend", "meeting_end"] {
            press(&app, T2, channel, "UZOE", action, &value).await;
        }
        for control in ["next", "extend", "end"] {
            let reply = text_of(&command_from(&app, T2, channel, "UZOE", control).await);
            assert_eq!(
                reply,
                "No meeting is running in this channel. `/archtopic start` starts one."
            );
        }
    }

    assert_eq!(meeting().await, before.0);
    let after = calls_when_idle(&app).await;
    let new: Vec<&(String, String)> = after[before.1.len()..].iter().collect();
    assert_eq!(new.len(), 6, "a refusal for each press: {new:?}");
    for (method, args) in new {
        assert_eq!(method, "chat.postEphemeral", "{args}");
        assert!(args.contains("No meeting is running"), "{args}");
    }
}
