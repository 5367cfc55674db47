//! A local stand-in for the Slack Web API, for trying archhour without a Slack workspace:
//! it answers like Slack and prints every call the bot makes.
//!
//! ```sh
//! cargo run --example fake_slack -- 127.0.0.1:3900
//! SLACK_API_URL=http://127.0.0.1:3900/api/ cargo run --release
//! ```

// Test support: the fake's routers answer many Slack methods in one long match each.
#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code, clippy::too_many_lines)]
mod fake_slack;

use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3900".to_string());
    let slack = fake_slack::FakeSlack::start_on(&addr).await?;
    println!("fake Slack Web API at {}", slack.api_url);
    let mut printed = 0;
    loop {
        let calls = slack.calls();
        for call in &calls[printed..] {
            println!("{} {}", call.method, call.args);
        }
        printed = calls.len();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
