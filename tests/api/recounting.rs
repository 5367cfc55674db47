//! Recounts read every card's reactions through the outbox: durable across a restart, kept to
//! Slack's rate limits on the app's clock, each vote repaired once however often it is asked,
//! and a card Slack cannot read named instead of failing the whole recount.

use std::time::Duration;

use crate::meeting::{count_posts, posted};
use crate::support::fake_slack::Scripted;
use crate::support::{CHANNEL, TestApp, eventually, spawn_app};

/// Every ephemeral message sent so far, as text.
fn ephemerals(app: &TestApp) -> Vec<String> {
    app.slack
        .calls_to("chat.postEphemeral")
        .into_iter()
        .filter(|call| call.succeeded)
        .map(|call| call.args["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Waits until a read Slack refused has been recorded and put back to wait.
async fn read_refused(app: &TestApp) {
    eventually("the refused read to be recorded", || async {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from outbox
             where call ->> 'method' = 'reactions.get' and state = 'pending'
               and attempts = 1 and lease_until is null",
        )
        .fetch_one(&app.db)
        .await
        .expect("reading the outbox");
        (waiting == 1).then_some(())
    })
    .await;
}

/// Slack answers the read with 429 and `Retry-After: 600`, then the app restarts. Nothing
/// sleeps through those ten minutes: the read waits in the outbox on the app's clock, the new
/// process makes it when they have passed, and the report comes once.
#[tokio::test]
async fn a_recount_slack_holds_back_survives_a_restart_and_reports_once() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.react("U1", &card, "+1").await;
    // U3 voted while the bot could not hear it: only Slack knows.
    app.slack
        .set_reactions(CHANNEL, &card.ts, &[("+1", &["U1", "U3"])]);
    app.slack.script(
        "reactions.get",
        [Scripted::RateLimited {
            retry_after_seconds: 600,
        }],
    );
    let reply = app.command("recount").await;
    assert_eq!(
        reply["text"],
        "Recounting the votes on 1 open card from Slack. I'll tell you what changed."
    );
    read_refused(&app).await;

    let app = app.while_stopped(|_| {}).await;
    app.advance(Duration::from_secs(599)).await;
    app.idle().await;
    assert!(ephemerals(&app).is_empty(), "Retry-After is not over");
    assert_eq!(app.slack.calls_to("reactions.get").len(), 1);

    app.advance(Duration::from_secs(1)).await;
    let report = app.ephemeral_to("U_ANN").await;
    assert_eq!(
        report,
        "Recount done: checked 1 card. Repaired:\n• #1: +1 (<@U3>)"
    );
    assert_eq!(app.voters(&card).await, ["U1", "U3"]);
    app.idle().await;
    assert_eq!(ephemerals(&app).len(), 1, "reported once");
    let reads = app.slack.calls_to("reactions.get");
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[1].args["full"], "true", "every user of each reaction");
}

/// Two recounts of the same votes: each vote is repaired once, one report lists the repair and
/// the other finds every vote matching, and the tally counts each voter once.
#[tokio::test]
async fn recounting_twice_repairs_each_vote_once() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.react("U1", &card, "+1").await;
    app.react("U2", &card, "+1").await;
    let app = app
        .while_stopped(|slack| {
            slack.set_reactions(CHANNEL, &card.ts, &[("+1", &["U2", "U3"])]);
        })
        .await;
    // The recounts come a minute after the last event they must repair.
    app.advance(Duration::from_secs(60)).await;

    app.command("recount").await;
    app.command("recount").await;
    let reports = eventually("both reports", || async {
        let sent = ephemerals(&app);
        (sent.len() == 2).then_some(sent)
    })
    .await;
    let repaired = "Recount done: checked 1 card. Repaired:\n• #1: +1 (<@U3>), −1 (<@U1>)";
    let matched = "Recount done: checked 1 card; every vote matched.";
    let mut reports = reports;
    reports.sort();
    assert_eq!(reports, [repaired, matched]);
    assert_eq!(app.voters(&card).await, ["U2", "U3"]);
    assert_eq!(app.counted_votes().await, [(card.number, 2)]);
    let tally: i32 = sqlx::query_scalar("select votes from vote_tallies where message_ts = $1")
        .bind(&card.ts)
        .fetch_one(&app.db)
        .await
        .expect("the card's tally");
    assert_eq!(tally, 2);
}

/// A card deleted in Slack cannot be read (`message_not_found`): the other cards are repaired
/// and the report names the one it could not read, whose votes stay as they were.
#[tokio::test]
async fn a_card_gone_from_slack_is_named_in_the_report_and_the_others_are_repaired() {
    let app = spawn_app().await;
    let gone = app.propose("[quest] What is paver used for today?").await;
    let kept = app.propose("[discuss] Kafka or SQS?").await;
    app.react("U1", &gone, "+1").await;
    app.slack.delete_message(CHANNEL, &gone.ts);
    app.slack
        .set_reactions(CHANNEL, &kept.ts, &[("+1", &["U3"])]);

    app.command("recount").await;
    assert_eq!(
        app.ephemeral_to("U_ANN").await,
        "Recount done: checked 1 of 2 cards. Repaired:\n• #2: +1 (<@U3>)\n\
         Could not read #1 (Slack error `message_not_found`) from Slack; its votes stay as they were. \
         `/archtopic recount` tries again."
    );
    assert_eq!(app.voters(&gone).await, ["U1"]);
    assert_eq!(app.voters(&kept).await, ["U3"]);
}

/// The kickoff's recount waits in the outbox for Slack's `Retry-After`; the room does not:
/// after 30 s the agenda goes out on the stored votes and says so, once, and the late read
/// changes nothing and tells no one.
#[tokio::test]
async fn a_kickoff_slack_holds_back_starts_on_the_stored_votes_after_30_seconds() {
    let app = spawn_app().await;
    let card = app.propose("[discuss] Splitting LMS and Studio").await;
    app.react("UV0", &card, "+1").await;
    app.slack.script(
        "reactions.get",
        [Scripted::RateLimited {
            retry_after_seconds: 600,
        }],
    );
    app.command("start").await;
    read_refused(&app).await;
    app.advance(Duration::from_secs(29)).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Arch Hour is starting"), 0);

    app.advance(Duration::from_secs(1)).await;
    posted(&app, "Now discussing #1", 1).await;
    let agenda = app
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .find(|call| call.args["text"] == "Arch Hour is starting")
        .expect("the agenda");
    assert!(
        agenda.args.to_string().contains(
            "Votes could not be recounted from Slack; the agenda uses the votes as recorded."
        ),
        "{}",
        agenda.args
    );

    // Retry-After ends 600 s after the refusal, 30 s of which have passed.
    app.advance(Duration::from_secs(570)).await;
    app.idle().await;
    assert_eq!(app.slack.calls_to("reactions.get").len(), 2);
    assert_eq!(count_posts(&app.slack, "Arch Hour is starting"), 1);
    assert!(ephemerals(&app).is_empty());
    assert_eq!(app.voters(&card).await, ["UV0"]);
}

/// A channel without open cards: the answer says there is nothing to recount, and nothing
/// follows it — no recount is recorded and no report is sent.
#[tokio::test]
async fn a_recount_with_no_open_cards_says_so_and_reports_nothing() {
    let app = spawn_app().await;
    let reply = app.command("recount").await;
    assert_eq!(
        reply["text"],
        "There are no open topic cards in this channel, so there are no votes to recount."
    );
    app.idle().await;
    assert_eq!(app.count("recounts").await, 0);
    assert_eq!(ephemerals(&app), Vec::<String>::new());
}
