//! Workspace admins may withdraw or edit others' topics while a channel has no facilitators.
//! Whether someone is one is never asked of Slack while the command waits for its answer:
//! what Slack said before is used, and otherwise the answer says the bot is asking, `users.info`
//! goes through the outbox, and the decision follows in an ephemeral message.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::support::fake_slack::Scripted;
use crate::support::{CHANNEL, PATIENCE, TestApp, spawn_app};

const ASKING: &str = "Only <@U_ANN>, who proposed #1, or a workspace admin can withdraw it. \
                      I'm asking Slack whether you're an admin, and will tell you here in a moment.";

async fn topic_state(app: &TestApp, number: i32) -> (String, String) {
    sqlx::query_as("select state, title from topics where number = $1")
        .bind(number)
        .fetch_one(&app.db)
        .await
        .expect("the topic")
}

/// Slack holds every `users.info` until the test lets it answer. The command is answered
/// meanwhile, so it cannot have waited for one; the withdrawal happens once Slack answers.
#[tokio::test]
async fn an_admins_withdrawal_is_answered_without_waiting_for_slack_and_done_once_it_says() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.slack.set_user("U_ADMIN", false, true);
    let release = Arc::new(Notify::new());
    app.slack
        .script("users.info", [Scripted::HeldUntil(release.clone())]);

    let reply = tokio::time::timeout(
        PATIENCE,
        app.command_in(CHANNEL, "U_ADMIN", &format!("withdraw {}", card.number)),
    )
    .await
    .expect("the command is answered while Slack holds users.info");
    assert_eq!(reply["text"], ASKING);
    assert_eq!(topic_state(&app, 1).await.0, "open", "nothing decided yet");

    release.notify_one();
    let answer = app.ephemeral_to("U_ADMIN").await;
    assert!(answer.starts_with("Withdrew #1"), "{answer}");
    assert_eq!(topic_state(&app, 1).await.0, "withdrawn");
    app.idle().await;
    let lookups = app.slack.calls_to("users.info");
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].args["user"], "U_ADMIN");
}

/// Once Slack has said who someone is, their next change is answered at once from that.
#[tokio::test]
async fn a_known_admin_is_answered_at_once_from_what_slack_said_before() {
    let app = spawn_app().await;
    let first = app.propose("[quest] First").await;
    let second = app.propose("[quest] Second").await;
    app.slack.set_user("U_ADMIN", false, true);
    app.command_in(CHANNEL, "U_ADMIN", &format!("withdraw {}", first.number))
        .await;
    assert!(app.ephemeral_to("U_ADMIN").await.starts_with("Withdrew #1"));

    let reply = app
        .command_in(CHANNEL, "U_ADMIN", &format!("withdraw {}", second.number))
        .await;
    let text = reply["text"].as_str().expect("text");
    assert!(text.starts_with("Withdrew #2"), "{text}");
    app.idle().await;
    assert_eq!(app.slack.calls_to("users.info").len(), 1, "asked once");
    assert_eq!(app.slack.calls_to("chat.postEphemeral").len(), 1);
}

/// Someone Slack says is no admin is refused afterwards, and an admin's edit waits for the
/// same check.
#[tokio::test]
async fn a_non_admin_is_refused_after_the_check_and_an_admins_edit_is_made_after_it() {
    let app = spawn_app().await;
    app.propose("[quest] What is paver used for today?").await;
    app.slack.set_user("U_ADMIN", false, true);

    let reply = app.command_in(CHANNEL, "U_BOB", "withdraw 1").await;
    assert_eq!(reply["text"], ASKING);
    assert_eq!(
        app.ephemeral_to("U_BOB").await,
        "Only <@U_ANN>, who proposed #1, or a workspace admin can withdraw it."
    );
    assert_eq!(topic_state(&app, 1).await.0, "open");

    let reply = app
        .command_in(CHANNEL, "U_ADMIN", "edit 1 [discuss] What is paver for?")
        .await;
    let text = reply["text"].as_str().expect("text");
    assert!(text.contains("can edit it. I'm asking Slack"), "{text}");
    let answer = app.ephemeral_to("U_ADMIN").await;
    assert!(answer.starts_with("Edited #1"), "{answer}");
    assert_eq!(
        topic_state(&app, 1).await,
        ("open".to_string(), "What is paver for?".to_string())
    );
}

/// Slack refuses to say (the outbox gives up on `users.info`): nothing changes, and the person
/// is told so at once rather than when the wait would have run out.
#[tokio::test]
async fn when_slack_will_not_say_the_topic_stays_and_the_person_is_asked_to_retry() {
    let app = spawn_app().await;
    app.propose("[quest] What is paver used for today?").await;
    app.slack
        .script("users.info", [Scripted::SlackError("user_not_visible")]);

    let reply = app.command_in(CHANNEL, "U_ADMIN", "withdraw 1").await;
    assert_eq!(reply["text"], ASKING);
    assert_eq!(
        app.ephemeral_to("U_ADMIN").await,
        "Slack didn't tell me whether you're a workspace admin, so #1 is as it was. \
         Please try to withdraw it again in a minute."
    );
    assert_eq!(topic_state(&app, 1).await.0, "open");
    let dead: String = sqlx::query_scalar("select last_error from outbox where state = 'dead'")
        .fetch_one(&app.db)
        .await
        .expect("the given-up look-up");
    assert!(dead.contains("user_not_visible"), "{dead}");
}
