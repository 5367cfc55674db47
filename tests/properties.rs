//! Property tests for every parser of user text: the `/archtopic` command, durations and
//! schedules, mentions and action-item text, the notes importer and the challenges page.
//! Arbitrary input never panics; well-formed input reads back as what was written.

// A test reads best as one story from setup to assertions, however long.
#![allow(clippy::too_many_lines)]

use archhour::domain::actions::parse_item_text;
use archhour::domain::challenges::{Anecdote, PageIssue, When, parse_one_line, render_log};
use archhour::domain::command::{Command, parse};
use archhour::domain::ids::{ItemNumber, TopicNumber, UserId};
use archhour::domain::meeting::{Schedule, Span, WeeklyTime};
use archhour::domain::mrkdwn;
use archhour::domain::notes::{
    ActionNotes, MeetingNotes, Note, Person, TopicNotes, render_meeting,
};
use archhour::domain::topics::{Intent, Intents};
use chrono::{NaiveDate, NaiveTime, Weekday};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const INTENTS: [Intent; 5] = [
    Intent::Inform,
    Intent::Ideation,
    Intent::Analysis,
    Intent::Quest,
    Intent::Discuss,
];

/// Words with no meaning to any parser: no markers, digits, colons or brackets.
const WORDS: [&str; 16] = [
    "paver", "course", "pages", "docker", "images", "kafka", "queue", "studio", "split", "render",
    "cache", "deploy", "lms", "search", "owners", "retire",
];

/// Text a person might type anywhere: markup, bullets, brackets, mentions, dates, numbers and
/// any other character.
fn typed_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<String>(),
        select(vec![
            "[",
            "]",
            "[quest]",
            "[ ]",
            "[x]",
            "•",
            "*",
            "-",
            "|",
            "\\|",
            "<br>",
            "<@U1>",
            "<@U2|ann>",
            "<#C1|general>",
            "&amp;",
            "&lt;",
            "due",
            "by",
            "2026-12-01",
            "2026-02-30",
            "#7",
            "A7",
            "(3)",
            "+1",
            "Decided:",
            "ACTION",
            "AI:",
            "owner",
            "owners:",
            "\n",
            "\t",
            ": ",
            "Arch Hour: 2021-07-14",
            "Topics",
            "Action Items",
            "Backlog",
            "April 6, 2020",
            "~Aug, 2021",
            "(SRE)",
            "Category | Issue | Number of occurrences",
            "|---|",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9 ]{0,12}",
    ];
    proptest::collection::vec(pieces, 0..24).prop_map(|pieces| pieces.join(" "))
}

fn words(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(select(WORDS.to_vec()), range).prop_map(|w| w.join(" "))
}

fn intents() -> impl Strategy<Value = Vec<Intent>> {
    subsequence(INTENTS.to_vec(), 1..=3).prop_shuffle()
}

fn slack_id() -> impl Strategy<Value = UserId> {
    "U[A-Z0-9]{2,10}".prop_map(UserId::from)
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..4_000).prop_map(|days| {
        NaiveDate::from_ymd_opt(2020, 1, 1).expect("date") + chrono::Duration::days(days)
    })
}

fn weekly_time() -> impl Strategy<Value = WeeklyTime> {
    (0u8..7, 0u32..24, 0u32..60).prop_map(|(day, hour, minute)| WeeklyTime {
        weekday: Weekday::try_from(day).expect("weekday"),
        time: NaiveTime::from_hms_opt(hour, minute, 0).expect("time"),
    })
}

proptest! {
    /// Whatever is typed, a proposal that comes out has a valid title made of the typed words.
    #[test]
    fn the_command_parser_proposes_only_valid_titles_from_what_was_typed(text in typed_text()) {
        proposal_title_comes_from(&text)?;
    }

    #[test]
    fn the_command_parser_proposes_only_valid_titles_from_any_string(text in any::<String>()) {
        proposal_title_comes_from(&text)?;
    }

    /// `[quest/idea] title` reads back as its intents and its title, however it is spaced.
    #[test]
    fn a_proposal_reads_back_as_its_intents_and_title(
        intents in intents(),
        title in words(1..12),
        spacing in select(vec![" ", "  ", "\n", " \t "]),
    ) {
        let tag: Vec<&str> = intents.iter().map(|i| i.as_str()).collect();
        let text = format!("[{}]{spacing}{}", tag.join(" / "), title.replace(' ', spacing));
        let Ok(Command::Propose(proposal)) = parse(&text) else {
            return Err(TestCaseError::fail(format!("not a proposal: {text:?}")));
        };
        let names: Vec<String> = intents.iter().map(|i| i.as_str().to_string()).collect();
        prop_assert_eq!(proposal.intents, Intents::from_stored(&names));
        prop_assert_eq!(proposal.title.as_str(), title.as_str());
    }

    #[test]
    fn numbered_subcommands_read_back_their_number(n in 1i32..1_000_000) {
        prop_assert_eq!(parse(&format!("withdraw {n}")), Ok(Command::Withdraw(TopicNumber(n))));
        prop_assert_eq!(parse(&format!("withdraw #{n}")), Ok(Command::Withdraw(TopicNumber(n))));
        let closed = parse(&format!("done A{n}"));
        prop_assert!(
            matches!(closed, Ok(Command::CloseItem { number, .. }) if number == ItemNumber(n)),
            "{:?}", closed
        );
    }

    /// Whatever they accept, the parsers of lengths and times show in a form they read back
    /// to the same value.
    #[test]
    fn what_the_time_parsers_accept_shows_in_a_form_they_read_back(text in typed_text()) {
        if let Some(span) = Span::parse(&text) {
            prop_assert_eq!(Span::parse(&span.to_string()), Some(span), "{:?}", text);
        }
        if let Some(at) = WeeklyTime::parse(&text) {
            prop_assert_eq!(WeeklyTime::parse(&at.to_string()), Some(at), "{:?}", text);
        }
        if let Some(schedule) = Schedule::parse(&text) {
            prop_assert_eq!(Schedule::parse(&schedule.to_string()), Some(schedule), "{:?}", text);
        }
        for key in ["schedule", "box", "extension", "votes", "digest", "reminders", "emoji"] {
            let _ = archhour::domain::settings::parse_change(key, &text);
        }
    }

    /// Spans as shown (`1h30m`, `45m`, `20s`) parse back to the same length.
    #[test]
    fn a_span_reads_back_as_written(seconds in 1u64..86_400) {
        let span = Span::from_secs(seconds);
        prop_assert_eq!(Span::parse(&span.to_string()), Some(span));
    }

    #[test]
    fn a_weekly_time_reads_back_as_written(at in weekly_time()) {
        prop_assert_eq!(WeeklyTime::parse(&at.to_string()), Some(at));
    }

    /// `wed 11:00 America/New_York 1h`: any weekday and minute, any zone, 1 minute to 8 hours.
    #[test]
    fn a_schedule_reads_back_as_written(
        at in weekly_time(),
        tz in select(chrono_tz::TZ_VARIANTS.to_vec()),
        minutes in 1u64..=480,
    ) {
        let schedule = Schedule { at, tz, length: Span::from_secs(minutes * 60) };
        prop_assert_eq!(Schedule::parse(&schedule.to_string()), Some(schedule));
    }

    #[test]
    fn a_mention_token_reads_back_as_its_user(id in slack_id(), label in "[a-z.]{0,8}") {
        prop_assert_eq!(mrkdwn::user_mention(&format!("<@{id}>")), Some(id.clone()));
        prop_assert_eq!(mrkdwn::user_mention(&format!("<@{id}|{label}>")), Some(id));
    }

    /// Plain text escaped for Slack and read back is the text that was escaped.
    #[test]
    fn escaped_text_reads_back_as_typed(text in any::<String>()) {
        prop_assert_eq!(mrkdwn::to_plain(&mrkdwn::escape(&text)), text);
    }

    /// Owners are mentioned in the text, each once; a due date was written in it.
    #[test]
    fn item_text_finds_only_what_was_written(text in typed_text()) {
        let item = parse_item_text(&text);
        let mut seen = std::collections::HashSet::new();
        for owner in &item.mentioned {
            prop_assert!(text.contains(&format!("<@{owner}")), "{owner} in {text:?}");
            prop_assert!(seen.insert(owner), "{owner} twice in {:?}", item.mentioned);
        }
        if let Some(due) = item.due {
            prop_assert!(text.contains(&due.to_string()), "{due} in {text:?}");
        }
        if let Some(number) = item.topic_number {
            prop_assert!(text.contains(&format!("#{number}")), "#{number} in {text:?}");
        }
        let _ = archhour::domain::actions::classify_reply(&text);
    }

    /// `<@U1> <@U2> do something due 2026-12-01`: the owners in order, each once, and the date.
    #[test]
    fn an_action_item_reads_back_its_owners_and_due_date(
        owners in proptest::collection::vec(slack_id(), 1..4),
        what in words(1..8),
        due in proptest::option::of(date()),
    ) {
        let mentions: Vec<String> = owners.iter().map(|id| format!("<@{id}>")).collect();
        let mut text = format!("{} {what}", mentions.join(" "));
        if let Some(due) = due {
            text.push_str(&format!(" due {due}"));
        }
        let item = parse_item_text(&text);
        let mut unique = owners.clone();
        let mut seen = std::collections::HashSet::new();
        unique.retain(|id| seen.insert(id.clone()));
        prop_assert_eq!(item.mentioned, unique);
        prop_assert_eq!(item.due, due);
        prop_assert_eq!(item.text, format!("{} {what}", mentions.join(" ")));
    }

    /// Whatever page it reads, the importer loses no line: each non-blank line is placed in a
    /// meeting or the backlog, or reported as unplaced; the unplaced lines are lines of the page.
    #[test]
    fn the_notes_importer_reports_only_lines_of_the_page(text in typed_text()) {
        unplaced_lines_come_from(&text)?;
    }

    #[test]
    fn the_notes_importer_reports_only_lines_of_bulleted_pages(
        lines in proptest::collection::vec(
            (select(vec!["", "  • ", "    • ", "      • ", "* ", "- "]), typed_text()), 0..20)
    ) {
        let page: Vec<String> = lines.into_iter().map(|(bullet, text)| bullet.to_string() + &text).collect();
        unplaced_lines_come_from(&page.join("\n"))?;
    }

    /// A topic line written any way people write one (votes in any notation at either end,
    /// intents in any form, proposers at the start or the end, together or apart, bullet or
    /// not) reads as what was written; and the minutes of the meeting read back the same.
    #[test]
    fn topic_lines_written_any_way_read_as_meant_and_their_minutes_read_back(
        lines in proptest::collection::vec(written_topic(), 1..6)
    ) {
        let mut page = String::from("Arch Hour: 2026-01-07\n\nTopics\n\n");
        for (index, written) in lines.iter().enumerate() {
            // A topic line opening with votes or intents may lose its bullet, but not the
            // first one (which sets where topic bullets are).
            let bullet = if index > 0 && written.opens_with_votes_or_intents && written.bullet_lost {
                "  "
            } else {
                "  • "
            };
            page.push_str(&format!("{bullet}{}\n", written.line));
        }
        let read = archhour::domain::notes::parse_page(&page);
        prop_assert!(read.unplaced.is_empty(), "{:?}\n{}", read.unplaced, page);
        prop_assert_eq!(read.meetings.len(), 1);
        let meeting = &read.meetings[0];
        let got: Vec<(u32, Vec<Intent>, Vec<Person>, String)> = meeting
            .topics
            .iter()
            .map(|t| (t.votes, t.intents.clone(), t.proposers.clone(), t.title.clone()))
            .collect();
        let meant: Vec<(u32, Vec<Intent>, Vec<Person>, String)> = lines
            .iter()
            .map(|w| (w.votes, w.intents.clone(), w.proposers.clone(), w.title.clone()))
            .collect();
        prop_assert_eq!(got, meant, "{}", page);
        let minutes = render_meeting(meeting);
        let back = archhour::domain::notes::parse_page(&minutes);
        prop_assert_eq!(&back.meetings, &read.meetings, "{}", minutes);
    }

    /// Minutes of any meeting read back into exactly that meeting.
    #[test]
    fn minutes_read_back_as_the_meeting(meeting in meeting()) {
        let minutes = render_meeting(&meeting);
        let back = archhour::domain::notes::parse_page(&minutes);
        prop_assert!(back.unplaced.is_empty(), "{:?}\n{}", back.unplaced, minutes);
        prop_assert_eq!(back.meetings, vec![meeting], "{}", minutes);
    }

    /// Whatever rows a challenges page has, the issues read from it export to a table that
    /// reads back as the same issues.
    #[test]
    fn issues_read_from_any_challenges_page_export_and_read_back(text in typed_text(), rows in typed_text()) {
        let page = format!("| Category | Issue | Team anecdotes | Number of occurrences | Status |\n{rows}");
        for source in [page.as_str(), text.as_str()] {
            let read = archhour::domain::challenges::parse_page(source);
            if read.issues.is_empty() {
                continue;
            }
            let table = render_log("Architecture challenges", &read.issues);
            let again = archhour::domain::challenges::parse_page(&table);
            prop_assert_eq!(&again.issues, &read.issues, "{}", table);
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let _ = parse_one_line(&text, today);
        let _ = archhour::domain::challenges::anecdote::parse_cell(&text);
    }

    /// The log exported as a table imports back as the same issues.
    #[test]
    fn an_exported_challenges_log_reads_back_the_same(issues in proptest::collection::vec(page_issue(), 1..8)) {
        let table = render_log("Architecture challenges", &issues);
        let page = archhour::domain::challenges::parse_page(&table);
        prop_assert!(page.unplaced.is_empty(), "{:?}\n{}", page.unplaced, table);
        prop_assert_eq!(page.issues, issues, "{}", table);
    }
}

/// A proposal parsed from `text` has a title of 1 to 300 characters, on one line, whose words
/// were all typed (as Slack shows them: `<@U2|ann>` reads `@ann`).
fn proposal_title_comes_from(text: &str) -> Result<(), TestCaseError> {
    if let Ok(Command::Propose(proposal)) = parse(text) {
        let title = proposal.title.as_str();
        let chars = title.chars().count();
        prop_assert!(
            (1..=300).contains(&chars),
            "{chars} characters from {text:?}"
        );
        prop_assert!(!title.contains('\n'), "{title:?}");
        let shown = mrkdwn::to_plain(text);
        for word in title.split_whitespace() {
            prop_assert!(shown.contains(word), "{word:?} of {title:?} from {text:?}");
        }
    }
    Ok(())
}

/// The importer's unplaced lines are text of one line of the page (less its bullet), never
/// empty.
fn unplaced_lines_come_from(text: &str) -> Result<(), TestCaseError> {
    let page = archhour::domain::notes::parse_page(text);
    for line in &page.unplaced {
        prop_assert!(
            !line.trim().is_empty(),
            "an empty unplaced line from {text:?}"
        );
        prop_assert!(
            text.lines().any(|l| l.contains(line.trim())),
            "{line:?} is not a line of {text:?}"
        );
    }
    Ok(())
}

fn person() -> impl Strategy<Value = Person> {
    prop_oneof![
        slack_id().prop_map(Person::Slack),
        select(vec!["Nimisha", "Jim", "Ann", "Bob", "Feanil"]).prop_map(|n| Person::Name(n.into())),
    ]
}

fn action() -> impl Strategy<Value = ActionNotes> {
    (
        words(1..6),
        proptest::collection::btree_set(person(), 0..3),
        proptest::option::of(date()),
    )
        .prop_map(|(text, owners, due)| ActionNotes {
            text,
            owners: owners.into_iter().collect(),
            due,
        })
}

fn note() -> impl Strategy<Value = Note> {
    let leaf = words(1..6).prop_map(|text| Note {
        text,
        children: vec![],
    });
    leaf.prop_recursive(2, 8, 3, |inner| {
        (words(1..6), proptest::collection::vec(inner, 0..3))
            .prop_map(|(text, children)| Note { text, children })
    })
}

fn topic() -> impl Strategy<Value = TopicNotes> {
    (
        words(1..8),
        proptest::option::of(intents()),
        proptest::collection::btree_set(person(), 0..3),
        0u32..40,
        proptest::collection::vec(note(), 0..3),
        proptest::collection::vec(words(1..6), 0..2),
        proptest::collection::vec(action(), 0..3),
    )
        .prop_map(
            |(title, intents, proposers, votes, notes, decisions, actions)| TopicNotes {
                title,
                intents: intents.unwrap_or_default(),
                proposers: proposers.into_iter().collect(),
                votes,
                notes,
                decisions,
                actions,
            },
        )
}

fn meeting() -> impl Strategy<Value = MeetingNotes> {
    (
        select(vec!["Arch Hour", "Arch Lunch", "Programs Review"]),
        date(),
        proptest::collection::vec(topic(), 1..5),
        proptest::collection::vec(
            action().prop_map(|a| ActionNotes {
                owners: vec![],
                ..a
            }),
            0..2,
        ),
    )
        .prop_map(|(title, date, topics, actions)| MeetingNotes {
            title: title.to_string(),
            date,
            topics,
            actions,
        })
}

fn anecdote() -> impl Strategy<Value = Anecdote> {
    (
        proptest::option::of((
            date(),
            proptest::option::of(select(vec!["SRE", "Aurora", "Cosmonauts"])),
        )),
        words(1..10),
    )
        .prop_map(|(dated, text)| match dated {
            Some((on, team)) => Anecdote {
                when: Some(When::of(on)),
                team: team.map(str::to_string),
                text,
            },
            None => Anecdote {
                when: None,
                team: None,
                text,
            },
        })
}

fn page_issue() -> impl Strategy<Value = PageIssue> {
    (
        select(vec!["Pipeline", "Deployment", "Dev Env", "Data"]),
        words(1..6),
        proptest::collection::vec(anecdote(), 0..4),
        proptest::option::of(0i32..500),
        prop_oneof![Just(String::new()), words(1..4)],
    )
        .prop_map(
            |(category, title, anecdotes, occurrences, status)| PageIssue {
                category: category.to_string(),
                title,
                anecdotes,
                occurrences,
                status,
            },
        )
}

/// A topic line as someone wrote it, and what they meant by it.
#[derive(Debug, Clone)]
struct WrittenTopic {
    line: String,
    votes: u32,
    intents: Vec<Intent>,
    proposers: Vec<Person>,
    title: String,
    opens_with_votes_or_intents: bool,
    bullet_lost: bool,
}

/// How one intent may be written.
fn intent_word(intent: Intent) -> impl Strategy<Value = String> {
    let forms: Vec<&str> = match intent {
        Intent::Inform => vec!["inform", "Info", "FYI"],
        Intent::Ideation => vec!["ideation", "Ideate", "idea", "brainstorm"],
        Intent::Analysis => vec!["analysis", "Analyze"],
        Intent::Quest => vec!["quest", "Question", "q"],
        Intent::Discuss => vec!["discuss", "Discussion"],
    };
    (select(forms), select(vec!["", "?"])).prop_map(|(word, mark)| format!("{word}{mark}"))
}

/// Votes as written (`(n)`, stars, pluses, `+n`, `+1` groups), for `n` votes.
fn vote_notation(votes: u32) -> impl Strategy<Value = String> {
    let n = votes as usize;
    let mut forms = vec![
        Just(format!("({votes})")).boxed(),
        Just(format!("+{votes}")).boxed(),
        Just("+".repeat(n)).boxed(),
        proptest::collection::vec(select(vec![" ", ""]), n)
            .prop_map(|gaps| {
                gaps.iter()
                    .map(|gap| format!("+1{gap}"))
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .boxed(),
    ];
    // One star and a space opening a line is a bullet, not a vote.
    if (2..=8).contains(&n) {
        forms.push(Just("*".repeat(n)).boxed());
    }
    proptest::strategy::Union::new(forms)
}

fn written_topic() -> impl Strategy<Value = WrittenTopic> {
    let names = select(vec![
        "Priya",
        "Omar K",
        "Ana B",
        "Li",
        "Wen",
        "Hana",
        "joel",
        "Sam O'Neil",
    ])
    .prop_map(|name| Person::Name(name.to_string()));
    let proposer = prop_oneof![names, slack_id().prop_map(Person::Slack)];
    (
        (words(1..7), select(vec!["", "?", ":"])),
        proptest::option::of(
            (1u32..12).prop_flat_map(|n| (Just(n), vote_notation(n), any::<bool>())),
        ),
        proptest::option::of(intents()),
        proptest::collection::btree_set(proposer, 0..3),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        (
            select(vec!["/", ", ", "; ", " & ", " and "]),
            select(vec!["", ": ", " - "]),
            any::<bool>(),
        ),
    )
        .prop_flat_map(|(title, votes, intents, proposers, shape, seps)| {
            let words: Vec<BoxedStrategy<String>> = intents
                .iter()
                .flatten()
                .map(|intent| intent_word(*intent).boxed())
                .collect();
            (Just((title, votes, intents, proposers, shape, seps)), words)
        })
        .prop_map(
            |((title, votes, intents, proposers, shape, seps), intent_words)| {
                let (together, proposers_first, brackets_for_intents) = shape;
                let (separator, after_leading, bullet_lost) = seps;
                let proposers: Vec<Person> = proposers.into_iter().collect();
                let names: Vec<String> = proposers
                    .iter()
                    .map(|p| match p {
                        Person::Slack(id) => format!("<@{id}>"),
                        Person::Name(name) => name.clone(),
                    })
                    .collect();
                // Lowercase names need square brackets; parentheses hold capitalised ones.
                let parens_ok = proposers.iter().all(|p| match p {
                    Person::Slack(_) => true,
                    Person::Name(name) => name.starts_with(char::is_uppercase),
                });
                let group = |items: &[String], brackets: bool| {
                    if brackets {
                        format!("[{}]", items.join(separator))
                    } else {
                        format!("({})", items.join(separator))
                    }
                };
                let mut leading: Vec<String> = Vec::new();
                let mut trailing: Vec<String> = Vec::new();
                if let Some((_, notation, true)) = &votes {
                    leading.push(notation.clone());
                }
                let proposer_group =
                    (!names.is_empty()).then(|| group(&names, !parens_ok || brackets_for_intents));
                if together && !intent_words.is_empty() && !names.is_empty() {
                    let mut items = intent_words.clone();
                    items.extend(names.iter().cloned());
                    if proposers_first {
                        items.rotate_left(intent_words.len());
                    }
                    leading.push(group(&items, brackets_for_intents || !parens_ok));
                } else {
                    if !intent_words.is_empty() {
                        leading.push(group(&intent_words, brackets_for_intents));
                    }
                    if let Some(group) = proposer_group {
                        if proposers_first {
                            leading.push(group);
                        } else {
                            trailing.push(group);
                        }
                    }
                }
                let opens_with_votes_or_intents =
                    votes.as_ref().is_some_and(|(_, _, start)| *start) || !intent_words.is_empty();
                if let Some((_, notation, false)) = &votes {
                    trailing.push(notation.clone());
                }
                let (core, mark) = title;
                let title_written = format!("{core}{mark}");
                let mut line = leading.join(" ");
                if !leading.is_empty() {
                    line.push_str(if after_leading.is_empty() {
                        " "
                    } else {
                        after_leading
                    });
                }
                line.push_str(&title_written);
                for part in &trailing {
                    line.push(' ');
                    line.push_str(part);
                }
                // What the title means: written without a trailing colon.
                let title = title_written.trim_end_matches(':').to_string();
                let mut meant_intents: Vec<Intent> = Vec::new();
                for intent in intents.into_iter().flatten() {
                    if !meant_intents.contains(&intent) {
                        meant_intents.push(intent);
                    }
                }
                WrittenTopic {
                    line,
                    votes: votes.map_or(0, |(n, _, _)| n),
                    intents: meant_intents,
                    proposers,
                    title,
                    opens_with_votes_or_intents,
                    bullet_lost,
                }
            },
        )
}
