//! A real browser for the web archive's tests: Debian's headless `chromium`, driven over
//! WebDriver by `fantoccini` through a `chromedriver` this harness starts on a free port and
//! stops at the end (the whole process group: the driver and every browser process under it).
//!
//! WebDriver (fantoccini) over CDP (chromiumoxide): it is the W3C standard, so the steps read
//! as a person's (open, click, read the text) and would drive another browser too; fantoccini
//! is well kept and builds here without TLS at all (the driver is on loopback, plain HTTP), so
//! it brings no second TLS stack. chromiumoxide talks Chrome's own protocol, generated from a
//! large schema, and is slower to build.
//!
//! Without `chromium` or `chromedriver` on the `PATH` the browser tests are skipped with a loud
//! message on stderr; with `ARCHHOUR_REQUIRE_BROWSER=1` (CI sets it) they fail instead.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde_json::json;

use super::eventually;
use super::process::free_port;

/// The variable that turns a missing browser from a skip into a failure.
pub const REQUIRE_BROWSER: &str = "ARCHHOUR_REQUIRE_BROWSER";

/// The browser window's size: a laptop's, so a screenshot shows the page as people see it.
const WINDOW: (u32, u32) = (1280, 900);

/// A headless chromium, its chromedriver, and the profile directory both use.
pub struct Browser {
    /// `None` only once [`Browser::quit`] has taken it.
    client: Option<Client>,
    driver: Child,
    /// Chromium's `--user-data-dir` and temporary files, and chromedriver's log.
    scratch: tempfile::TempDir,
}

/// What the machine lacks to run a browser test, by Debian package.
fn missing_programs() -> Vec<&'static str> {
    [
        ("chromium", "chromium"),
        ("chromedriver", "chromium-driver"),
    ]
    .into_iter()
    .filter(|(program, _)| on_path(program).is_none())
    .map(|(_, package)| package)
    .collect()
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Says loudly that the browser test did not run and why, and fails the test instead when
/// [`REQUIRE_BROWSER`] is set.
fn skip_or_fail(missing: &[&str]) {
    let required = std::env::var(REQUIRE_BROWSER).is_ok_and(|value| value == "1");
    let verdict = if required {
        format!("{REQUIRE_BROWSER}=1: that is a failure")
    } else {
        format!("skipped (set {REQUIRE_BROWSER}=1 to make this a failure, as CI does)")
    };
    let lines = [
        "NO BROWSER: the browser test did not run".to_string(),
        format!("missing Debian packages: {}", missing.join(", ")),
        "install them with: apt-get install chromium chromium-driver".to_string(),
        verdict,
    ];
    let width = lines
        .iter()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0);
    let rule = "═".repeat(width + 2);
    let mut message = format!("╔{rule}╗\n");
    for line in &lines {
        let pad = " ".repeat(width - line.chars().count());
        message.push_str(&format!("║ {line}{pad} ║\n"));
    }
    message.push_str(&format!("╚{rule}╝"));
    assert!(!required, "\n{message}");
    say(&message);
}

/// Writes a line to the process's stderr itself: libtest captures `eprintln!` of a passing
/// test, and this must be seen even then.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

impl Browser {
    /// A fresh headless chromium (its own empty profile), or `None` when the machine has none
    /// and the test may be skipped (see the module's documentation).
    pub async fn start() -> Option<Browser> {
        super::timing::note_test_started();
        let missing = missing_programs();
        if !missing.is_empty() {
            skip_or_fail(&missing);
            return None;
        }
        let scratch = tempfile::Builder::new()
            .prefix("archhour-browser")
            .tempdir()
            .expect("a scratch directory for the browser");
        let port = free_port();
        let log = std::fs::File::create(scratch.path().join("chromedriver.log"))
            .expect("chromedriver's log file");
        // Chromium's own temporary files go in the scratch directory too, which goes at the end.
        let browser_tmp = scratch.path().join("tmp");
        std::fs::create_dir(&browser_tmp).expect("the browser's temporary directory");
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("TMPDIR", &browser_tmp)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            // Its own process group: stopping it stops every browser process it started.
            .process_group(0)
            .spawn()
            .expect("starting chromedriver");
        let mut browser = Browser {
            client: None,
            driver,
            scratch,
        };
        let webdriver = format!("http://127.0.0.1:{port}");
        browser.client = Some(browser.connect(&webdriver).await);
        Some(browser)
    }

    /// A WebDriver session with chromium, once chromedriver answers.
    async fn connect(&self, webdriver: &str) -> Client {
        let profile = self.scratch.path().join("profile");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": on_path("chromium").expect("chromium was found"),
                "args": [
                    "--headless=new",
                    // Chromium refuses to run as root with its sandbox; tests here run as root.
                    "--no-sandbox",
                    // /dev/shm is small in containers; chromium crashes when it fills.
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--no-default-browser-check",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={},{}", WINDOW.0, WINDOW.1),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("an object")
        };
        let status = format!("{webdriver}/status");
        eventually("chromedriver to answer", || async {
            let answer = reqwest::get(&status).await.ok()?;
            answer.status().is_success().then_some(())
        })
        .await;
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(webdriver)
            .await
        {
            Ok(client) => client,
            Err(error) => panic!(
                "chromium did not start: {error}; chromedriver's log:\n{}",
                std::fs::read_to_string(self.scratch.path().join("chromedriver.log"))
                    .unwrap_or_default()
            ),
        }
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the browser is running")
    }

    /// Opens `url` and waits for the page (and any redirects) to load.
    pub async fn open(&self, url: &str) {
        self.client().goto(url).await.expect("the page opens");
    }

    /// Where the browser is now.
    pub async fn url(&self) -> url::Url {
        self.client().current_url().await.expect("the current URL")
    }

    /// The text of the first element `css` matches, as the browser renders it.
    pub async fn text_of(&self, css: &str) -> String {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no {css} on the page: {error}"))
            .text()
            .await
            .expect("the element's text")
    }

    /// The names of the cookies the browser holds for the page it is on.
    pub async fn cookie_names(&self) -> Vec<String> {
        self.client()
            .get_all_cookies()
            .await
            .expect("the cookies")
            .iter()
            .map(|cookie| cookie.name().to_string())
            .collect()
    }

    /// Saves a screenshot of the window as `<target dir>/browser-screenshots/NAME.png`, prints
    /// where, and returns the path (CI keeps that directory).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client().screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("creating the screenshot directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("writing the screenshot");
        say(&format!("screenshot: {}", path.display()));
        path
    }

    /// Ends the session (chromedriver closes chromium) and stops chromedriver.
    pub async fn quit(mut self) {
        if let Some(client) = self.client.take() {
            client.close().await.expect("the session ends");
        }
        // Drop stops the driver's process group and waits for it.
    }
}

/// `<target dir>/browser-screenshots`: the test binary is `<target dir>/<profile>/deps/api-…`.
pub fn screenshot_dir() -> PathBuf {
    let binary = std::env::current_exe().expect("the test binary's path");
    let target = binary
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .expect("the test binary is under the target directory");
    target.join("browser-screenshots")
}

/// A test that fails part-way must leave no chromedriver or chromium running: the whole group
/// is killed and the driver reaped.
impl Drop for Browser {
    fn drop(&mut self) {
        let group = Pid::from_raw(i32::try_from(self.driver.id()).expect("pid fits"));
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.driver.wait();
    }
}
