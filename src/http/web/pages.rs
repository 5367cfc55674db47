//! The archive's HTML, rendered by pure functions of data with maud. maud was chosen for the
//! whole archive over askama: its templates are Rust expressions the compiler checks (a missing
//! field or a wrong type fails the build, not a page), every interpolated value is escaped
//! unless marked otherwise, and pages stay plain functions beside the data they show, as the
//! Slack messages are in `slack::blocks`; there are no template files to keep in step.
//!
//! Every page is readable on a phone (viewport, one narrow column), has one `h1`, and keeps its
//! text at a contrast above WCAG AA; the sign-out button is a real form button, reachable by
//! keyboard.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use crate::config::WEB_VARIABLES;
use crate::usecases::archive::ChannelSummary;

/// Dark text on white, links in a blue with 7:1 contrast, focus outlines kept.
const STYLE: &str = "\
body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0}\
h1{font-size:clamp(1.4rem,1rem + 2vw,2rem);line-height:1.25}\
h1.long{font-size:clamp(1.1rem,.95rem + 1vw,1.4rem)}\
h1,h2,h3,li,td,p{overflow-wrap:anywhere}\
main,header{max-width:40rem;margin:0 auto;padding:0 1rem}\
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ccc}\
a{color:#0b4f8a}\
ul.channels{list-style:none;padding:0}\
ul.channels li{border-bottom:1px solid #ddd;padding:.75rem 0}\
.meta{color:#444;margin:.25rem 0 0}\
button{font:inherit;padding:.4rem .8rem;border:1px solid #1a1a1a;background:#f4f4f4;color:#1a1a1a;border-radius:4px;cursor:pointer}\
button:focus,a:focus,input:focus{outline:3px solid #0b4f8a;outline-offset:2px}\
code{background:#f4f4f4;padding:0 .2rem}\
table{border-collapse:collapse;width:100%;font-size:.95rem}\
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}\
.table{overflow-x:auto}\
figure{margin:1rem 0}\
figure svg{max-width:100%;height:auto}\
figcaption{color:#444}\
input{font:inherit;padding:.3rem;border:1px solid #555;border-radius:4px}\
nav.crumbs{margin:.5rem 0}\
.state-open{color:#9e1b32}\
.state-done{color:#2e6b2e}";

/// Titles longer than this many characters are cut in the browser's tab and set smaller as a
/// heading ([`title_heading`]): a topic's title may run to hundreds.
const LONG_TITLE: usize = 80;

/// The page's `h1`: a long title in a smaller size, so that it does not fill a phone's screen.
pub(super) fn title_heading(title: &str) -> Markup {
    html! {
        @if title.chars().count() > LONG_TITLE { h1.long { (title) } } @else { h1 { (title) } }
    }
}

/// The title as the browser's tab shows it: cut at a word boundary with `…` when long.
fn tab_title(title: &str) -> String {
    if title.chars().count() <= LONG_TITLE {
        return title.to_string();
    }
    let cut: String = title.chars().take(LONG_TITLE).collect();
    let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(kept, _)| kept);
    format!("{}…", at_word.trim_end())
}

/// Who is signed in, for the page's header.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub name: &'a str,
}

/// The frame of every page: title, styles, the header with the sign-out button when someone is
/// signed in.
pub(super) fn page(title: &str, viewer: Option<Viewer<'_>>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (tab_title(title)) " · Arch Hour archive" }
                style { (STYLE) }
            }
            body {
                header {
                    p { strong { "Arch Hour archive" } }
                    @if let Some(viewer) = viewer {
                        // A plain form: SameSite=Lax keeps the session cookie off cross-site
                        // POSTs, so another site cannot sign a person out (or in) behind their back.
                        form method="post" action="/auth/signout" {
                            span { (viewer.name) " · " }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// `/archive` for a signed-in person: the channels they may see.
pub fn channel_list(viewer: Viewer<'_>, channels: &[ChannelSummary]) -> Markup {
    page(
        "Channels",
        Some(viewer),
        html! {
            h1 { "Channels" }
            @if channels.is_empty() {
                p { "No channel you can see has Arch Hour topics yet. Propose one with "
                    code { "/archtopic" } " in a channel." }
            } @else {
                ul.channels {
                    @for channel in channels {
                        li {
                            h2 { "#" (channel.name) @if channel.private { " (private)" } }
                            p.meta {
                                (open_topics(channel.open_topics)) " · next meeting "
                                (meeting_time(channel.next_meeting, channel.tz))
                            }
                        }
                    }
                }
            }
        },
    )
}

fn open_topics(count: i64) -> String {
    match count {
        1 => "1 open topic".to_string(),
        n => format!("{n} open topics"),
    }
}

/// `Wed 25 Nov 2026, 14:00 (Europe/Berlin)`.
fn meeting_time(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!(
        "{} ({})",
        at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M"),
        tz.name()
    )
}

/// Any web page while the archive's settings are missing.
pub fn archive_off() -> Markup {
    page(
        "Archive off",
        None,
        html! {
            h1 { "The archive is off" }
            p { "This archhour does not serve its web archive. To turn it on, set these "
                "variables and restart it (the README's \"The web archive\" says how):" }
            ul { @for name in WEB_VARIABLES { li { code { (name) } } } }
        },
    )
}

/// A short page saying why a sign-in did not go through, with a way to try again.
pub fn refusal(title: &str, explanation: &str) -> Markup {
    page(
        title,
        None,
        html! {
            h1 { (title) }
            p { (explanation) }
            p { a href="/auth/slack" { "Sign in with Slack" } }
        },
    )
}

/// "Add to Slack" went through: what to do next in the workspace.
pub fn installed(team_id: &str) -> Markup {
    page(
        "Arch Hour is installed",
        None,
        html! {
            h1 { "Arch Hour is installed" }
            p { "Arch Hour now serves your Slack workspace (" code { (team_id) } ")." }
            p { "Next: in the channel that holds your architecture meeting, propose a topic with "
                code { "/archtopic propose …" } " (Arch Hour joins a public channel by itself; "
                "invite it to a private one with " code { "/invite @Arch Hour" } "), and see "
                code { "/archtopic help" } " for the rest." }
        },
    )
}

/// "Add to Slack" did not go through: why, and the way to start again.
pub fn install_refused(title: &str, explanation: &str) -> Markup {
    page(
        title,
        None,
        html! {
            h1 { (title) }
            p { (explanation) }
            p { a href="/slack/install" { "Add to Slack again" } }
        },
    )
}

/// A page that is not there, or not for this person.
pub fn not_found(viewer: Viewer<'_>) -> Markup {
    problem(
        viewer,
        "Not found",
        "There is no such page in the archive, or it is in a channel you cannot see.",
    )
}

/// An address the archive cannot read.
pub fn bad_request(viewer: Viewer<'_>, explanation: &str) -> Markup {
    problem(viewer, "Not a page the archive has", explanation)
}

/// A short page for a signed-in person saying what went wrong, with the way back.
pub fn problem(viewer: Viewer<'_>, title: &str, explanation: &str) -> Markup {
    page(
        title,
        Some(viewer),
        html! {
            h1 { (title) }
            p { (explanation) }
            p { a href="/archive" { "Back to the channels" } }
        },
    )
}

/// A chart with its summary beside it: the SVG names itself (`role="img"`, `<title>`), and the
/// sentence says in words what it shows.
pub(super) fn chart(chart: &crate::compose::charts::Chart) -> Markup {
    html! {
        figure {
            (maud::PreEscaped(crate::compose::charts::svg(chart, 640, 320)))
            figcaption { (chart.summary) }
        }
    }
}

/// After signing out.
pub fn signed_out() -> Markup {
    refusal(
        "Signed out",
        "You are signed out of the Arch Hour archive on this browser.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ChannelId;
    use chrono::TimeZone;

    #[test]
    fn a_long_title_is_cut_at_a_word_in_the_tab_and_set_smaller_as_the_heading() {
        let long = ["word"; 60].join(" ");
        assert_eq!(long.len(), 299);
        // The first 80 characters are 16 words and a space: the 16 words are kept.
        assert_eq!(tab_title(&long), format!("{}…", ["word"; 16].join(" ")));
        assert_eq!(tab_title("#12 Short"), "#12 Short");
        let unbroken = "x".repeat(100);
        assert_eq!(tab_title(&unbroken), format!("{}…", "x".repeat(80)));
        assert_eq!(
            title_heading(&long).into_string(),
            format!(r#"<h1 class="long">{long}</h1>"#)
        );
        assert_eq!(
            title_heading("#12 Short").into_string(),
            "<h1>#12 Short</h1>"
        );
        let html = page(&long, None, html! { p { "body" } }).into_string();
        assert!(
            html.contains(&format!(
                "<title>{}… · Arch Hour archive</title>",
                ["word"; 16].join(" ")
            )),
            "{html}"
        );
    }

    #[test]
    fn the_channel_list_names_each_channel_with_its_count_and_next_meeting() {
        let channels = [ChannelSummary {
            channel_id: ChannelId::from("C1"),
            name: "arch-<hour>".into(),
            private: true,
            open_topics: 1,
            next_meeting: Utc.with_ymd_and_hms(2026, 11, 25, 13, 0, 0).unwrap(),
            tz: chrono_tz::Europe::Berlin,
        }];
        let html = channel_list(Viewer { name: "Ann & Bo" }, &channels).into_string();
        assert!(html.contains(r#"<meta name="viewport""#), "{html}");
        assert!(
            html.contains("<h2>#arch-&lt;hour&gt; (private)</h2>"),
            "{html}"
        );
        assert!(
            html.contains("1 open topic · next meeting Wed 25 Nov 2026, 14:00 (Europe/Berlin)"),
            "{html}"
        );
        assert!(html.contains("Ann &amp; Bo"), "{html}");
        assert!(html.contains(r#"<form method="post" action="/auth/signout">"#));
    }

    #[test]
    fn the_off_page_names_the_variables_that_turn_the_archive_on() {
        let html = archive_off().into_string();
        for name in WEB_VARIABLES {
            assert!(html.contains(&format!("<code>{name}</code>")), "{name}");
        }
        assert!(!html.contains("Sign out"));
    }
}
