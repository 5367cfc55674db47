//! Two workspaces installed through "Add to Slack", side by side in one archhour: topics are
//! numbered from #1 in each, votes, agendas, digests and DMs stay in their own workspace, and
//! every call to Slack about a workspace is made with that workspace's bot token (the fake
//! refuses a token outside its own workspace, as Slack does); the SLACK_BOT_TOKEN of a third
//! workspace is never used for either. Uninstalling one cancels its scheduled steps while the
//! other's keep running.

use std::time::Duration;

use serde_json::{Value, json};

use crate::installing::{install_workspaces, issued_token, lifecycle_event};
use crate::support::{
    Card, TestApp, eventually, reaction_event, spawn_archive_app, spawn_installs_only_app,
};

/// Each workspace's channel, and its people (the proposer first).
const T2: Workspace = Workspace {
    team: "T2",
    channel: "C_T2",
    people: ["UANN2", "UVOTER2"],
};
const T3: Workspace = Workspace {
    team: "T3",
    channel: "C_T3",
    people: ["UBOB3", "UVOTER3"],
};

struct Workspace {
    team: &'static str,
    channel: &'static str,
    people: [&'static str; 2],
}

impl Workspace {
    /// `/archtopic text` from `user` in the workspace's channel; the JSON reply.
    async fn command(&self, app: &TestApp, user: &str, text: &str) -> Value {
        app.command_from(self.team, self.channel, user, text).await
    }

    /// Proposes `title`, expecting topic `number` of the workspace, and waits for its card.
    async fn propose(&self, app: &TestApp, title: &str, number: i32) -> Card {
        let card = app
            .propose_from(self.team, self.channel, self.people[0], title)
            .await;
        assert_eq!(card.number, number, "{}", self.team);
        card
    }

    /// `user` adds 👍 to `card`, as an event of this workspace.
    async fn vote(&self, app: &TestApp, user: &str, card: &Card) {
        app.slack
            .toggle_reaction(&card.channel, &card.ts, "+1", user, true);
        let (event_id, event_ts) = app.next_event();
        let mut body = reaction_event(&event_id, &event_ts, user, card, "+1", true);
        body["team_id"] = json!(self.team);
        assert_eq!(app.event(&body).await.status(), 200);
    }
}

/// Both workspaces installed, their channels and people placed in them.
async fn two_workspaces() -> TestApp {
    let app = spawn_archive_app().await;
    install_workspaces(&app, &[("T2", "UANN2"), ("T3", "UBOB3")]).await;
    for workspace in [&T2, &T3] {
        app.slack.place_channel(workspace.channel, workspace.team);
        for person in workspace.people {
            app.slack.place_person(person, workspace.team);
        }
    }
    app
}

/// The calls made with `token` (besides `auth.test`), each as (method, channel or user).
fn calls_with(app: &TestApp, token: &str) -> Vec<(String, String)> {
    app.slack
        .calls_besides_auth()
        .into_iter()
        .filter(|call| call.token.as_deref() == Some(token))
        .map(|call| {
            // `conversations.open` names its person in a list.
            let about = ["channel", "user", "users", "user_id"]
                .iter()
                .find_map(|name| match &call.args[name] {
                    Value::String(one) => Some(one.clone()),
                    Value::Array(many) => many.first().and_then(Value::as_str).map(str::to_string),
                    _ => None,
                })
                .unwrap_or_default();
            (call.method, about)
        })
        .collect()
}

#[tokio::test]
async fn two_workspaces_keep_their_topics_votes_digests_and_dms_apart() {
    let app = two_workspaces().await;
    let (token2, token3) = (issued_token(&app, "T2"), issued_token(&app, "T3"));

    // Numbers start at #1 in each workspace.
    let paver = T2
        .propose(&app, "[quest] What is paver used for today?", 1)
        .await;
    let queues = T3
        .propose(&app, "[discuss] Which queue for billing?", 1)
        .await;
    let second = T2.propose(&app, "[inform] The new CI runners", 2).await;
    T2.vote(&app, "UVOTER2", &paver).await;
    T2.vote(&app, "UANN2", &paver).await;
    T3.vote(&app, "UVOTER3", &queues).await;
    let tallies = eventually("the votes to be counted", || async {
        let tallies: Vec<(String, i32, i32)> = sqlx::query_as(
            "select t.team_id, t.number, coalesce(v.votes, 0) from topics t
             left join vote_tallies v on v.channel_id = t.channel_id and v.message_ts = t.card_ts
             order by t.team_id, t.number",
        )
        .fetch_all(&app.db)
        .await
        .expect("reading tallies");
        (tallies.iter().map(|t| t.2).sum::<i32>() == 3).then_some(tallies)
    })
    .await;
    assert_eq!(
        tallies,
        [
            ("T2".to_string(), 1, 2),
            ("T2".to_string(), 2, 0),
            ("T3".to_string(), 1, 1)
        ]
    );

    // Each workspace's agenda lists its own topics only.
    let agenda2 = T2.command(&app, "UANN2", "list").await.to_string();
    assert!(
        agenda2.contains("What is paver used for today?"),
        "{agenda2}"
    );
    assert!(agenda2.contains("The new CI runners"), "{agenda2}");
    assert!(!agenda2.contains("Which queue for billing?"), "{agenda2}");
    let agenda3 = T3.command(&app, "UBOB3", "list").await.to_string();
    assert!(agenda3.contains("Which queue for billing?"), "{agenda3}");
    assert!(!agenda3.contains("paver"), "{agenda3}");

    // A digest posted now in each, and an item's owner reminded in a DM, in each workspace.
    let item = T2
        .command(
            &app,
            "UANN2",
            "action <@UVOTER2> write down what paver does",
        )
        .await;
    assert!(
        item["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Recorded A1"),
        "{item}"
    );
    T3.command(&app, "UBOB3", "action <@UVOTER3> compare the two queues")
        .await;
    assert_eq!(
        T2.command(&app, "UANN2", "remind").await["text"],
        "Sent reminders: 1 DM."
    );
    assert_eq!(
        T3.command(&app, "UBOB3", "remind").await["text"],
        "Sent reminders: 1 DM."
    );
    T2.command(&app, "UANN2", "digest").await;
    T3.command(&app, "UBOB3", "digest").await;
    let posted = |channel: &'static str, wanted: usize| {
        let app = &app;
        async move {
            eventually(&format!("{wanted} posts to {channel}"), || async {
                let posts: Vec<_> = app
                    .slack
                    .calls_to("chat.postMessage")
                    .into_iter()
                    .filter(|call| call.succeeded && call.args["channel"] == channel)
                    .collect();
                (posts.len() >= wanted).then_some(posts)
            })
            .await
        }
    };
    // Cards (two in T2, one in T3), the digest; the DMs.
    let in_t2 = posted("C_T2", 3).await;
    let in_t3 = posted("C_T3", 2).await;
    let dm2 = posted("DUVOTER2", 1).await;
    let dm3 = posted("DUVOTER3", 1).await;
    assert!(
        in_t2
            .iter()
            .all(|call| call.token.as_deref() == Some(token2.as_str()))
    );
    assert!(
        in_t3
            .iter()
            .all(|call| call.token.as_deref() == Some(token3.as_str()))
    );
    assert_eq!(dm2[0].token.as_deref(), Some(token2.as_str()));
    assert_eq!(dm3[0].token.as_deref(), Some(token3.as_str()));
    let digest3 = in_t3.last().expect("the digest").args.to_string();
    assert!(digest3.contains("Which queue for billing?"), "{digest3}");
    assert!(
        !digest3.contains("paver") && !digest3.contains("CI runners"),
        "{digest3}"
    );
    assert!(
        dm2[0]
            .args
            .to_string()
            .contains("write down what paver does")
    );
    assert!(!dm2[0].args.to_string().contains("compare the two queues"));
    let _ = second;

    // Every call was made with the token of the workspace it was about: the fake refuses a
    // token outside its workspace, so none was refused; none used SLACK_BOT_TOKEN (T1's).
    // A person's App Home, opened in their workspace, is published by its bot.
    let (event_id, _) = app.next_event();
    let opened = json!({
        "token": "legacy", "team_id": "T2", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": 1_700_000_000,
        "event": {"type": "app_home_opened", "user": "UVOTER2", "channel": "DUVOTER2",
                  "tab": "home", "event_ts": "1700000000.000100"}
    });
    assert_eq!(app.event(&opened).await.status(), 200);
    // Card edits wait a second for more votes.
    app.advance(Duration::from_secs(2)).await;
    eventually("the card edits and look-ups to be made", || async {
        let t2 = calls_with(&app, &token2);
        let t3 = calls_with(&app, &token3);
        let looked_up = |calls: &[(String, String)], user: &str| {
            calls
                .iter()
                .any(|(m, about)| m == "users.info" && about == user)
        };
        let edited = |calls: &[(String, String)], channel: &str| {
            calls
                .iter()
                .any(|(m, about)| m == "chat.update" && about == channel)
        };
        let home = t2
            .iter()
            .any(|(m, about)| m == "views.publish" && about == "UVOTER2");
        let missing: Vec<&str> = [
            (home, "UVOTER2's home"),
            (looked_up(&t2, "UVOTER2"), "UVOTER2 looked up"),
            (looked_up(&t3, "UVOTER3"), "UVOTER3 looked up"),
            (edited(&t2, "C_T2"), "a card in C_T2 edited"),
            (edited(&t3, "C_T3"), "a card in C_T3 edited"),
        ]
        .into_iter()
        .filter(|(done, _)| !done)
        .map(|(_, what)| what)
        .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("missing {missing:?}; T2 {t2:?}; T3 {t3:?}"))
        }
    })
    .await;
    let refused: Vec<_> = app
        .slack
        .calls_besides_auth()
        .into_iter()
        .filter(|call| !call.succeeded)
        .map(|call| (call.method, call.token, call.args.to_string()))
        .collect();
    assert_eq!(refused, [], "calls Slack refused");
    let with_default = calls_with(&app, "xoxb-test-token");
    assert_eq!(with_default, [], "calls made with SLACK_BOT_TOKEN");
    for (token, team) in [(&token2, T2), (&token3, T3)] {
        for (method, about) in calls_with(&app, token) {
            let own = about == team.channel
                || team
                    .people
                    .iter()
                    .any(|p| about == *p || about == format!("D{p}"));
            assert!(own, "{method} about {about} with {}'s token", team.team);
        }
    }
}

#[tokio::test]
async fn uninstalling_one_workspace_stops_its_steps_and_not_the_others() {
    let app = two_workspaces().await;
    // Proposing schedules each channel's weekly digest (Mondays 09:00) for its workspace.
    T2.propose(&app, "[quest] What is paver used for today?", 1)
        .await;
    T3.propose(&app, "[discuss] Which queue for billing?", 1)
        .await;
    let pending = |team: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>(
                "select payload->>'kind' from jobs where team_id = $1 and state = 'pending'
                 order by 1",
            )
            .bind(team)
            .fetch_all(&app.db)
            .await
            .expect("reading jobs")
        }
    };
    let steps = pending("T2").await;
    assert!(steps.contains(&"digest".to_string()), "{steps:?}");
    assert_eq!(pending("T3").await, steps);

    let queued_before: i64 = sqlx::query_scalar("select coalesce(max(id), 0) from outbox")
        .fetch_one(&app.db)
        .await
        .expect("the last queued call");
    app.slack.uninstall_from("T3");
    let uninstalled = lifecycle_event("EvU3", "T3", json!({"type": "app_uninstalled"}));
    assert_eq!(app.event(&uninstalled).await.status(), 200);
    assert_eq!(
        pending("T3").await,
        Vec::<String>::new(),
        "T3's steps cancelled"
    );
    let cancelled: i64 = sqlx::query_scalar(
        "select count(*) from jobs where team_id = 'T3' and state = 'cancelled'",
    )
    .fetch_one(&app.db)
    .await
    .expect("counting cancelled steps");
    assert_eq!(cancelled, steps.len() as i64);
    // A command from the uninstalled workspace is answered, and changes nothing.
    let refused = T3.command(&app, "UBOB3", "[quest] Anyone there?").await;
    let text = refused["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Arch Hour is not installed in this workspace"),
        "{text}"
    );
    assert_eq!(app.count("topics").await, 2);

    // A week later T2's digest has run; T3's did not, and nothing was queued for its channel.
    app.advance(Duration::from_secs(7 * 24 * 3600)).await;
    eventually("T2's digest to be posted", || async {
        let done: i64 = sqlx::query_scalar(
            "select count(*) from jobs
             where team_id = 'T2' and state = 'done' and payload->>'kind' = 'digest'",
        )
        .fetch_one(&app.db)
        .await
        .expect("counting steps");
        (done == 1).then_some(())
    })
    .await;
    let for_t3: i64 =
        sqlx::query_scalar("select count(*) from outbox where team_id = 'T3' and id > $1")
            .bind(queued_before)
            .fetch_one(&app.db)
            .await
            .expect("counting T3's calls");
    assert_eq!(for_t3, 0, "nothing queued for the uninstalled workspace");
}

/// Without SLACK_BOT_TOKEN archhour serves the installed workspaces alone: healthy, each
/// workspace's calls with its token, and a workspace with no installation told so.
#[tokio::test]
async fn without_a_bot_token_only_installed_workspaces_are_served() {
    let app = spawn_installs_only_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let health = health.text().await.expect("a body");
    assert!(
        health.contains("slack: no SLACK_BOT_TOKEN; installed workspaces' tokens"),
        "{health}"
    );

    // Before T2 installs, its commands are refused; right after, they work (the refusal is
    // not remembered).
    let early = T2.command(&app, "UANN2", "[quest] Too early?").await;
    let early = early["text"].as_str().unwrap_or_default().to_string();
    assert!(
        early.starts_with("Arch Hour is not installed in this workspace"),
        "{early}"
    );
    install_workspaces(&app, &[("T2", "UANN2")]).await;
    app.slack.place_channel(T2.channel, T2.team);
    T2.propose(&app, "[quest] What is paver used for today?", 1)
        .await;
    let token2 = issued_token(&app, "T2");
    let cards: Vec<_> = app
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|call| (call.args["channel"].clone(), call.token))
        .collect();
    assert_eq!(cards, [(json!("C_T2"), Some(token2))]);

    // T1 (the fake's default workspace) has no installation and no token serves it.
    let reply = app.command("[quest] Anyone there?").await;
    let text = reply["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Arch Hour is not installed in this workspace"),
        "{text}"
    );
    assert_eq!(app.count("topics").await, 1);
    assert!(
        app.slack
            .calls()
            .iter()
            .all(|call| call.token.as_deref() != Some("xoxb-test-token")),
        "no call with a token archhour was not given"
    );
}
