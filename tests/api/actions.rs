//! Action items, decisions and notes: captured from commands and thread replies, closed by the
//! right people, and reminded by DM exactly once per run.

use std::time::Duration;

use serde_json::Value;

use crate::support::fake_slack::Scripted;
use crate::support::{CHANNEL, TestApp, eventually, spawn_app};

/// (number, text, owners, due, topic number, state) of every item.
async fn items(
    app: &TestApp,
) -> Vec<(
    i32,
    String,
    Vec<String>,
    Option<String>,
    Option<i32>,
    String,
)> {
    sqlx::query_as(
        "select i.number, i.text,
                array(select user_id from action_owners o where o.item_id = i.id order by user_id),
                i.due_on::text, t.number, i.state
         from action_items i left join topics t on t.id = i.topic_id order by i.number",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading items")
}

fn reactions_added(app: &TestApp) -> Vec<(String, String)> {
    app.slack
        .calls_to("reactions.add")
        .into_iter()
        .map(|call| {
            (
                call.args["timestamp"].as_str().unwrap_or("").to_string(),
                call.args["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Waits until `n` reactions have been added.
async fn reacted(app: &TestApp, n: usize) {
    eventually("the acknowledgements", || async {
        (reactions_added(app).len() >= n).then_some(())
    })
    .await;
}

/// Reminder DMs Slack accepted, in order.
fn dms(app: &TestApp) -> Vec<(String, Value)> {
    app.slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| call.succeeded)
        .filter(|call| {
            call.args["channel"]
                .as_str()
                .is_some_and(|c| c.starts_with('D'))
        })
        .map(|call| {
            (
                call.args["channel"].as_str().unwrap_or("").to_string(),
                call.args,
            )
        })
        .collect()
}

#[tokio::test]
async fn each_capture_path_stores_the_right_thing_and_reacts_once() {
    let app = spawn_app().await;
    let card = app.propose("[discuss] Graceful degradation in MFEs").await;

    let (action_ts, action) = app
        .reply_in_thread(
            "UNOTES",
            &card,
            "ACTION <@UADAM> and <@UNIM> to see what we can do with the error page due 2026-12-01",
        )
        .await;
    let (ai_ts, _) = app
        .reply_in_thread("UBOB", &card, "AI: write the ADR")
        .await;
    let (box_ts, _) = app
        .reply_in_thread("UMARK", &card, "[ ] Mark will schedule a discussion")
        .await;
    let (decided_ts, _) = app
        .reply_in_thread("UJIM", &card, "Decided: Jim will slugify")
        .await;
    app.reply_in_thread(
        "UANN",
        &card,
        "we could use a toolbox: error page, spinner, banner",
    )
    .await;
    // A redelivery of the first reply changes nothing.
    assert_eq!(app.event(&action).await.status(), 200);

    assert_eq!(
        items(&app).await,
        [
            (
                1,
                "<@UADAM> and <@UNIM> to see what we can do with the error page".into(),
                vec!["UADAM".into(), "UNIM".into()],
                Some("2026-12-01".into()),
                Some(1),
                "open".into()
            ),
            (
                2,
                "write the ADR".into(),
                vec!["UBOB".into()],
                None,
                Some(1),
                "open".into()
            ),
            (
                3,
                "Mark will schedule a discussion".into(),
                vec!["UMARK".into()],
                None,
                Some(1),
                "open".into()
            ),
        ]
    );
    let decisions: Vec<String> = sqlx::query_scalar("select text from decisions")
        .fetch_all(&app.db)
        .await
        .expect("decisions");
    assert_eq!(decisions, ["Jim will slugify"]);
    let notes: Vec<(String, String)> = sqlx::query_as("select text, author_id from notes")
        .fetch_all(&app.db)
        .await
        .expect("notes");
    assert_eq!(
        notes,
        [(
            "we could use a toolbox: error page, spinner, banner".to_string(),
            "UANN".to_string()
        )]
    );
    reacted(&app, 4).await;
    app.idle().await;
    let mut acks = reactions_added(&app);
    acks.sort();
    let mut expected = vec![
        (action_ts.clone(), "white_check_mark".to_string()),
        (ai_ts, "white_check_mark".to_string()),
        (box_ts, "white_check_mark".to_string()),
        (decided_ts.clone(), "pushpin".to_string()),
    ];
    expected.sort();
    assert_eq!(
        acks, expected,
        "one reaction per captured item or decision, none for the note"
    );

    // `undo` takes back the decision, the last thing captured in the thread.
    let (undo_ts, _) = app.reply_in_thread("UJIM", &card, "undo").await;
    reacted(&app, 5).await;
    let decisions: i64 = sqlx::query_scalar("select count(*) from decisions")
        .fetch_one(&app.db)
        .await
        .expect("decisions");
    assert_eq!(decisions, 0);
    assert_eq!(items(&app).await.len(), 3, "the items stay");
    eventually("the decision's reaction to be taken off", || async {
        let removed = app.slack.calls_to("reactions.remove");
        removed.first().map(|call| {
            (
                call.args["timestamp"].as_str().unwrap_or("").to_string(),
                call.args["name"].as_str().unwrap_or("").to_string(),
            )
        })
    })
    .await;
    assert_eq!(
        app.slack.calls_to("reactions.remove")[0].args["timestamp"],
        decided_ts.as_str()
    );
    assert!(reactions_added(&app).contains(&(undo_ts, "leftwards_arrow_with_hook".into())));
}

#[tokio::test]
async fn the_slash_command_records_items_on_the_topic_being_discussed() {
    let app = spawn_app().await;
    app.propose("[discuss] Splitting LMS and Studio").await;
    let second = app.propose("[quest] Docker images").await;
    app.start_meeting().await;

    let reply = app
        .command(
            "action <@UADAM|adam> <@UNIM> see what we can do with the error page due 2026-12-01",
        )
        .await;
    assert_eq!(
        reply["text"],
        "Recorded A1: see what we can do with the error page\nOwners: <@UADAM>, <@UNIM> · due 2026-12-01 · on #1 Splitting LMS and Studio"
    );
    app.command(&format!(
        "action <@UBOB> check the registry for #{}",
        second.number
    ))
    .await;
    let refused = app.command("action see what we can do").await;
    assert!(
        refused["text"]
            .as_str()
            .expect("text")
            .starts_with("An action item needs an owner.")
    );
    let rows = items(&app).await;
    assert_eq!(rows.len(), 2, "the ownerless item was not stored");
    assert_eq!(rows[0].4, Some(1));
    assert_eq!(rows[1].4, Some(second.number));
    let in_meeting: i64 =
        sqlx::query_scalar("select count(*) from action_items where meeting_id is not null")
            .fetch_one(&app.db)
            .await
            .expect("count");
    assert_eq!(in_meeting, 2);
}

/// Owners UA (1 open item), UB (2 open items) and UC (none open: theirs is done).
async fn three_owners(app: &TestApp) {
    app.command("action <@UA> first for A").await;
    app.command("action <@UB> first for B").await;
    app.command("action <@UB> second for B").await;
    app.command("action <@UC> done by C").await;
    let done = app.command_in(CHANNEL, "UC", "done 4").await;
    assert_eq!(done["text"], "Closed A4: done by C");
}

#[tokio::test]
async fn remind_sends_one_dm_per_owner_with_open_items_and_never_twice() {
    let app = spawn_app().await;
    three_owners(&app).await;
    let reply = app.command("remind").await;
    assert_eq!(reply["text"], "Sent reminders: 2 DMs.");
    let sent = eventually("two DMs", || async {
        let sent = dms(&app);
        (sent.len() == 2).then_some(sent)
    })
    .await;
    let mut by_channel: Vec<(String, String)> = sent
        .iter()
        .map(|(channel, args)| (channel.clone(), args["blocks"].to_string()))
        .collect();
    by_channel.sort();
    assert_eq!(by_channel[0].0, "DUA");
    assert!(by_channel[0].1.contains("*A1* first for A"));
    assert!(!by_channel[0].1.contains("for B"));
    assert_eq!(by_channel[1].0, "DUB");
    let (first, second) = (
        by_channel[1].1.find("*A2* first for B").expect("A2 listed"),
        by_channel[1]
            .1
            .find("*A3* second for B")
            .expect("A3 listed"),
    );
    assert!(first < second, "oldest first");
    let opened: Vec<Value> = app
        .slack
        .calls_to("conversations.open")
        .into_iter()
        .map(|call| call.args["users"].clone())
        .collect();
    assert_eq!(opened.len(), 2);

    let mine = app.command_in(CHANNEL, "UB", "mine").await;
    let text = mine["blocks"][0]["text"]["text"].as_str().expect("text");
    assert_eq!(
        text,
        "*Your open action items* (2 items)\n*A2* first for B\n*A3* second for B"
    );
    let none = app.command_in(CHANNEL, "UC", "mine").await;
    assert_eq!(none["text"], "You have no open action items.");

    let again = app.command("remind").await;
    assert_eq!(
        again["text"],
        "Reminders for this channel already went out today; owners were not DMed again."
    );
    app.idle().await;
    assert_eq!(dms(&app).len(), 2);
}

#[tokio::test]
async fn done_by_a_non_owner_is_refused_and_by_an_owner_edits_the_dm() {
    let app = spawn_app().await;
    three_owners(&app).await;
    app.command("remind").await;
    eventually("the DMs", || async { (dms(&app).len() == 2).then_some(()) }).await;
    let (dm_channel, dm_ts): (String, String) = eventually("the DM to be recorded", || async {
        sqlx::query_as::<_, (Option<String>, Option<String>)>(
            "select dm_channel_id, message_ts from reminder_dms where user_id = 'UA'",
        )
        .fetch_one(&app.db)
        .await
        .ok()
        .and_then(|(c, t)| Some((c?, t?)))
    })
    .await;

    app.press_in_dm("UB", &dm_channel, &dm_ts, "item_done", "1")
        .await;
    let refusal = eventually("the refusal", || async {
        app.slack.calls_to("chat.postEphemeral").into_iter().next()
    })
    .await;
    assert_eq!(
        refusal.args["text"],
        "Only A1's owners (<@UA>), its creator (<@U_ANN>) or a facilitator can close or change it."
    );
    assert_eq!(items(&app).await[0].5, "open");
    let by_command = app.command_in(CHANNEL, "UB", "done 1").await;
    assert!(
        by_command["text"]
            .as_str()
            .expect("text")
            .starts_with("Only A1's owners")
    );

    app.press_in_dm("UA", &dm_channel, &dm_ts, "item_done", "1")
        .await;
    let edit = eventually("the DM to be edited", || async {
        app.slack
            .calls_to("chat.update")
            .into_iter()
            .find(|call| call.args["channel"] == dm_channel.as_str())
    })
    .await;
    assert_eq!(edit.args["ts"], dm_ts.as_str());
    assert!(
        edit.args["blocks"]
            .to_string()
            .contains("~*A1* first for A~ · done")
    );
    assert_eq!(items(&app).await[0].5, "done");
}

#[tokio::test]
async fn snooze_moves_an_item_out_of_the_next_run() {
    let app = spawn_app().await;
    three_owners(&app).await;
    app.command("remind").await;
    eventually("the DMs", || async { (dms(&app).len() == 2).then_some(()) }).await;
    app.press_in_dm("UB", "DUB", "1700000000.000001", "item_snooze", "2")
        .await;
    eventually("the snooze", || async {
        let snoozed: Option<bool> = sqlx::query_scalar(
            "select snoozed_until is not null from action_items where number = 2",
        )
        .fetch_optional(&app.db)
        .await
        .expect("item");
        snoozed.filter(|s| *s)
    })
    .await;
    app.advance(Duration::from_secs(86_400)).await;
    app.command("remind").await;
    eventually("the next day's DMs", || async {
        (dms(&app).len() == 4).then_some(())
    })
    .await;
    let next_b = dms(&app)
        .into_iter()
        .rfind(|(channel, _)| channel == "DUB")
        .expect("B's second DM");
    let blocks = next_b.1["blocks"].to_string();
    assert!(blocks.contains("*A3* second for B"));
    assert!(!blocks.contains("*A2*"), "the snoozed item waits: {blocks}");
}

#[tokio::test]
async fn reassigning_moves_the_item_without_resending_reminders() {
    let app = spawn_app().await;
    three_owners(&app).await;
    app.command("remind").await;
    eventually("the DMs", || async { (dms(&app).len() == 2).then_some(()) }).await;
    let reply = app.command("action A1 owner <@UX|x>").await;
    assert_eq!(reply["text"], "A1 now belongs to <@UX>.");
    assert_eq!(items(&app).await[0].2, ["UX"]);
    app.command("remind").await;
    app.idle().await;
    assert_eq!(
        dms(&app).len(),
        2,
        "nothing re-sent by reassigning or by a second run"
    );
    // The next day's run reminds the new owner, not the old one.
    app.advance(Duration::from_secs(86_400)).await;
    app.command("remind").await;
    eventually("the next run", || async {
        (dms(&app).len() == 4).then_some(())
    })
    .await;
    let channels: Vec<String> = dms(&app).into_iter().skip(2).map(|(c, _)| c).collect();
    assert!(channels.contains(&"DUX".to_string()), "{channels:?}");
    assert!(!channels.contains(&"DUA".to_string()), "{channels:?}");
}

#[tokio::test]
async fn a_run_to_fifty_owners_delivers_fifty_dms_through_rate_limits() {
    let app = spawn_app().await;
    for owner in 0..50 {
        app.command(&format!("action <@UO{owner:02}> item for owner {owner}"))
            .await;
    }
    let limited = |n| {
        (0..n).map(|_| Scripted::RateLimited {
            retry_after_seconds: 1,
        })
    };
    app.slack.script("conversations.open", limited(12));
    app.slack.script("chat.postMessage", limited(12));
    assert_eq!(
        app.command("remind").await["text"],
        "Sent reminders: 50 DMs."
    );
    eventually("50 DMs", || async {
        app.advance(Duration::from_secs(1)).await;
        (dms(&app).len() >= 50).then_some(())
    })
    .await;
    app.idle().await;
    let mut channels: Vec<String> = dms(&app).into_iter().map(|(c, _)| c).collect();
    assert_eq!(channels.len(), 50);
    channels.sort();
    channels.dedup();
    assert_eq!(channels.len(), 50, "each owner exactly once");
}

#[tokio::test]
async fn the_morning_an_item_falls_due_its_owner_is_reminded() {
    let app = spawn_app().await;
    // The clock is 18 November 09:00 UTC; the channel is on UTC.
    app.command("action <@UA> send the notes due 2026-11-20")
        .await;
    app.command("action <@UB> something later due 2026-11-30")
        .await;
    app.advance(Duration::from_secs(2 * 86_400 - 1)).await;
    app.idle().await;
    assert!(dms(&app).is_empty());
    app.advance(Duration::from_secs(1)).await;
    let sent = eventually("the due-morning DM", || async {
        let sent = dms(&app);
        (!sent.is_empty()).then_some(sent)
    })
    .await;
    app.idle().await;
    assert_eq!(dms(&app).len(), 1);
    assert_eq!(sent[0].0, "DUA");
}

#[tokio::test]
async fn app_home_shows_my_items_and_my_topics() {
    let app = spawn_app().await;
    app.propose_in(CHANNEL, "UA", "[quest] What is paver used for today?")
        .await;
    app.command("action <@UA> write up paver's uses").await;
    app.command("action <@UB> not for A").await;
    let (event_id, _) = app.next_event();
    let body = serde_json::json!({
        "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
        "event_time": 1, "event": {"type": "app_home_opened", "user": "UA", "channel": "DUA",
                                   "tab": "home"}
    });
    assert_eq!(app.event(&body).await.status(), 200);
    let published = eventually("the home tab", || async {
        app.slack.calls_to("views.publish").into_iter().next()
    })
    .await;
    assert_eq!(published.args["user_id"], "UA");
    assert_eq!(published.args["view"]["type"], "home");
    let view = published.args["view"]["blocks"].to_string();
    assert!(view.contains("*A1* write up paver's uses"), "{view}");
    assert!(!view.contains("not for A"));
    assert!(view.contains("What is paver used for today?"));
    assert!(view.contains("item_done"));
}

/// Someone with no items or topics sees the agendas of channels they vote in, and nothing of a
/// channel they have no part in (perhaps a private one).
#[tokio::test]
async fn app_home_of_a_newcomer_shows_only_channels_they_take_part_in() {
    let app = spawn_app().await;
    app.propose_in("G_PRIVATE", "UA", "[quest] Secret reorg plans")
        .await;
    let card = app
        .propose_in(CHANNEL, "UA", "[quest] What is paver used for today?")
        .await;
    app.react("U_NEW", &card, "+1").await;
    for (user, n) in [("U_NEW", 1), ("U_STRANGER", 2)] {
        let (event_id, _) = app.next_event();
        let body = serde_json::json!({
            "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
            "event_time": 1, "event": {"type": "app_home_opened", "user": user,
                                       "channel": format!("D{user}"), "tab": "home"}
        });
        assert_eq!(app.event(&body).await.status(), 200);
        eventually("the home tab", || async {
            (app.slack.calls_to("views.publish").len() >= n).then_some(())
        })
        .await;
    }
    let views: Vec<(String, String)> = app
        .slack
        .calls_to("views.publish")
        .into_iter()
        .map(|call| {
            (
                call.args["user_id"].as_str().unwrap_or("").to_string(),
                call.args["view"]["blocks"].to_string(),
            )
        })
        .collect();
    let (voter, stranger) = (&views[0], &views[1]);
    assert_eq!(
        (voter.0.as_str(), stranger.0.as_str()),
        ("U_NEW", "U_STRANGER")
    );
    assert!(
        voter.1.contains("What is paver used for today?"),
        "{}",
        voter.1
    );
    assert!(!voter.1.contains("Secret reorg plans"), "{}", voter.1);
    assert!(!stranger.1.contains("Secret reorg plans"), "{}", stranger.1);
    assert!(!stranger.1.contains("What is paver"), "{}", stranger.1);
}

#[tokio::test]
async fn the_agenda_at_the_meetings_start_lists_earlier_open_items_by_owner() {
    let app = spawn_app().await;
    app.propose("[discuss] Splitting LMS and Studio").await;
    app.command("action <@UA> first for A").await;
    app.advance(Duration::from_secs(60)).await;
    app.command("start").await;
    let agenda = eventually("the agenda", || async {
        app.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .find(|call| call.args["text"] == "Arch Hour is starting")
    })
    .await;
    let blocks = agenda.args["blocks"].to_string();
    assert!(
        blocks.contains("*Open action items from earlier meetings*"),
        "{blocks}"
    );
    assert!(blocks.contains("• <@UA>: *A1* first for A"), "{blocks}");
}

/// What people type into items and decisions is shown as typed: `<!channel>`, a user group or
/// a disguised link in the text never becomes a live mention or link in the bot's messages;
/// the owners' mentions still mention them.
#[tokio::test]
async fn markup_typed_into_items_and_decisions_is_shown_as_text() {
    let app = spawn_app().await;
    let card = app.propose("[discuss] Docs site").await;
    app.start_meeting().await;
    // The leading mention names the owner; the one inside the text stays a mention.
    let reply = app
        .command(
            "action <@UA> tell <!channel> and <@UB|bee> about <https://evil.example|the docs> &amp; more",
        )
        .await;
    let recorded = reply["text"].as_str().expect("text");
    assert_eq!(
        recorded.lines().next(),
        Some(
            "Recorded A1: tell @channel and <@UB> about the docs (https://evil.example) &amp; more"
        )
    );
    app.reply_in_thread("UB", &card, "DECIDED <!subteam^S1|@devs> own <#C9|ops>")
        .await;
    let (decision,): (String,) = sqlx::query_as("select text from decisions")
        .fetch_one(&app.db)
        .await
        .expect("the decision");
    assert_eq!(decision, "@devs own #ops");
    let (item,): (String,) = sqlx::query_as("select text from action_items")
        .fetch_one(&app.db)
        .await
        .expect("the item");
    assert_eq!(
        item,
        "tell @channel and <@UB> about the docs (https://evil.example) & more"
    );
    app.advance(Duration::from_secs(60)).await;
    assert_eq!(app.command("end").await["text"], "Ended the meeting.");

    app.command("remind").await;
    let dm = eventually("the reminder DM", || async {
        dms(&app).into_iter().find(|(channel, _)| channel == "DUA")
    })
    .await;
    let preview = app.command("digest preview").await.to_string();
    assert!(preview.contains("@devs own #ops"), "{preview}");
    for shown in [dm.1.to_string(), preview] {
        for special in ["<!channel", "<!subteam", "<!here", "<!everyone"] {
            assert!(!shown.contains(special), "a live {special}: {shown}");
        }
        assert!(!shown.contains("<https://evil"), "a live link: {shown}");
        assert!(!shown.contains("<#C9"), "a live channel link: {shown}");
    }
    assert!(
        dm.1.to_string().contains("tell @channel and <@UB> about"),
        "{}",
        dm.1
    );
}

/// An item or decision longer than 1,000 characters would make every DM and App Home tab that
/// lists it fail for good: the command refuses it, and a thread reply keeps it as a note and
/// tells its author.
#[tokio::test]
async fn items_and_decisions_over_a_thousand_characters_are_not_recorded_as_such() {
    let app = spawn_app().await;
    let card = app.propose("[discuss] Docs site").await;
    let long = "x".repeat(1_000);
    // The owner's mention leads the command and is not part of the item: 1,001 x's.
    let reply = app.command(&format!("action <@UA> {long}x")).await;
    assert_eq!(
        reply["text"],
        "An action item can be at most 1000 characters; this one is 1001. Say it shorter, perhaps with a link to the details. Nothing was recorded."
    );
    assert_eq!(app.count("action_items").await, 0);

    app.reply_in_thread("UB", &card, &format!("DECIDED {long}!"))
        .await;
    app.idle().await;
    assert_eq!(app.count("decisions").await, 0);
    let notes: Vec<String> = sqlx::query_scalar("select text from notes")
        .fetch_all(&app.db)
        .await
        .expect("notes");
    assert_eq!(notes, [format!("DECIDED {long}!")]);
    let told: Vec<Value> = app
        .slack
        .calls_to("chat.postEphemeral")
        .into_iter()
        .map(|call| call.args)
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["user"], "UB");
    assert_eq!(
        told[0]["text"],
        "A decision can be at most 1000 characters; yours is 1001, so it was kept as a note on the topic. Post a shorter one to record it."
    );
}

/// `undo` takes back the last capture of the person who says it; a facilitator may take back
/// anyone's.
#[tokio::test]
async fn undo_takes_back_only_ones_own_capture_unless_one_facilitates() {
    let app = spawn_app().await;
    let card = app.propose("[discuss] Docs site").await;
    app.reply_in_thread("UA", &card, "ACTION <@UA> write the page")
        .await;
    app.reply_in_thread("UB", &card, "DECIDED we keep the wiki")
        .await;

    // UC captured nothing: nothing is taken back.
    app.reply_in_thread("UC", &card, "undo").await;
    // UA's own last capture is the item, though UB's decision came later.
    app.reply_in_thread("UA", &card, "undo").await;
    assert_eq!(items(&app).await.len(), 0, "UA's item is taken back");
    assert_eq!(app.count("decisions").await, 1, "UB's decision stays");

    app.command("config facilitators <@UFAC>").await;
    app.reply_in_thread("UFAC", &card, "undo").await;
    assert_eq!(app.count("decisions").await, 0, "a facilitator's undo");
}
