//! How long each test took, for CI's list of the slowest: with `ARCHHOUR_TEST_TIMES` set to a
//! file, every test that uses the harness appends its name and seconds when its thread ends.
//!
//! libtest runs each test on a thread named after it, and stable Rust has no report of test
//! times, so the harness keeps one: the clock starts at the test's first use of the harness
//! (starting an app, a fake Slack or a database), which is its first line in practice.

use std::io::Write;
use std::time::Instant;

struct TestClock {
    name: Option<String>,
    started: Instant,
}

thread_local! {
    static CLOCK: TestClock = TestClock {
        name: std::thread::current().name().map(String::from),
        started: Instant::now(),
    };
}

/// Starts this test's clock, if it has not started yet.
pub fn note_test_started() {
    CLOCK.with(|_| {});
}

impl Drop for TestClock {
    fn drop(&mut self) {
        let (Some(name), Ok(path)) = (&self.name, std::env::var("ARCHHOUR_TEST_TIMES")) else {
            return;
        };
        let line = format!("{:.2}\t{name}\n", self.started.elapsed().as_secs_f64());
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = file.write_all(line.as_bytes());
        }
    }
}
