//! The real notes pages (tests/fixtures/notes), counted by hand, and the minutes round trip.

use chrono::NaiveDate;

use super::*;

const ARCH_HOUR: &str = include_str!("../../../tests/fixtures/notes/arch-hour-2020-12-17.txt");
const ARCH_LUNCH: &str = include_str!("../../../tests/fixtures/notes/arch-lunch-2019-10-31.txt");
const PROGRAMS: &str = include_str!("../../../tests/fixtures/notes/programs-review-2015-09-16.txt");
/// Topic lines in the shapes people write, each with its fields worked out by hand.
const CORPUS: &str = include_str!("../../../tests/fixtures/notes/topic-lines.tsv");

fn name(n: &str) -> Person {
    Person::Name(n.into())
}

/// Read by hand: one meeting; nine top-level topic bullets; votes "+1 +1 +1+1" (4), "+2",
/// "+3" and "+1" = 10; one ACTION, owned by the two people before "to"; three prose lines (the
/// instructions and the backlog's description) that are not topics.
#[test]
fn the_arch_hour_page() {
    let page = parse_page(ARCH_HOUR);
    assert_eq!(
        page.counts(),
        PageCounts {
            meetings: 1,
            topics: 9,
            votes: 10,
            actions: 1,
            decisions: 0,
            notes: page.counts().notes,
            backlog: 0,
            unplaced: 3,
        }
    );
    let meeting = &page.meetings[0];
    assert_eq!(meeting.title, "Arch Hour");
    assert_eq!(
        meeting.date,
        NaiveDate::from_ymd_opt(2020, 12, 17).expect("date")
    );
    let summary: Vec<(&str, u32)> = meeting
        .topics
        .iter()
        .map(|t| (t.title.as_str(), t.votes))
        .collect();
    assert_eq!(
        summary[1],
        (
            "Early thoughts on approaches to splitting LMS and Studio (link)",
            4
        )
    );
    assert_eq!(
        summary[2],
        (
            "Best Practices for having frontend code fail gracefully when backend APIs go down",
            2
        )
    );
    assert_eq!(
        summary[5],
        (
            "Where and How should we be building docker images to best suit the needs of engineers?",
            3
        )
    );
    assert_eq!(summary[8].1, 1);
    let action = &meeting.topics[2].actions[0];
    assert_eq!(
        action.owners,
        [name("Adam Blackwell"), name("Nimisha Asthagiri")]
    );
    assert!(
        action
            .text
            .starts_with("@Adam Blackwell (Deactivated) and @Nimisha")
    );
    // Nesting is kept: "A few approaches to separate" has approaches 1, 2, 3 under it.
    let approaches = &meeting.topics[1].notes[1];
    assert_eq!(approaches.text, "A few approaches to separate");
    assert_eq!(approaches.children.len(), 3);
    assert_eq!(
        approaches.children[0].children.len(),
        2,
        "approaches 1a and 1b"
    );
    // A line without a bullet continues the note above it.
    let example = &meeting.topics[2].notes[1];
    assert!(
        example
            .text
            .starts_with("ex: admin portal portal.edx.org https://github.com/")
    );
}

/// Read by hand: a page without bullets; topics are the lines starting with a count: 4
/// Working group ownership, 5 Arch Backend Priorities (whose A, B, C options are notes), 3
/// Permissioning, 6 Ownership = 18 votes; no action items.
#[test]
fn the_arch_lunch_page() {
    let page = parse_page(ARCH_LUNCH);
    let counts = page.counts();
    assert_eq!(
        (
            counts.meetings,
            counts.topics,
            counts.votes,
            counts.actions,
            counts.decisions
        ),
        (1, 4, 18, 0, 0)
    );
    let meeting = &page.meetings[0];
    assert_eq!(meeting.title, "Arch Lunch");
    let titles: Vec<(&str, u32)> = meeting
        .topics
        .iter()
        .map(|t| (t.title.as_str(), t.votes))
        .collect();
    assert_eq!(
        titles,
        [
            (
                "Working group Ownership, backlogs for working groups - do they own and work on stuff? Can they?",
                4
            ),
            ("Arch Backend Priorities", 5),
            (
                "Permissioning across non-edxapp IDAs (nothing or superuser)",
                3
            ),
            ("Ownership", 6),
        ]
    );
    assert!(meeting.topics[1].notes.iter().any(|n| {
        n.text
            .starts_with("(5) A Scaling our Microservices architecture")
    }));
    assert!(page.unplaced.is_empty(), "{:?}", page.unplaced);
}

/// Read by hand: fifteen top-level bullets (the collected questions, then fourteen
/// discussions), no votes, nine "[ ]" items (five with a named owner), two "Decided:" lines;
/// the two attendee lines are not topics.
#[test]
fn the_programs_review_page() {
    let page = parse_page(PROGRAMS);
    let counts = page.counts();
    assert_eq!(
        (
            counts.meetings,
            counts.topics,
            counts.votes,
            counts.actions,
            counts.decisions
        ),
        (1, 15, 0, 9, 2)
    );
    let meeting = &page.meetings[0];
    assert_eq!(meeting.title, "review of Programs");
    assert_eq!(
        meeting.date,
        NaiveDate::from_ymd_opt(2015, 9, 16).expect("date")
    );
    assert_eq!(page.unplaced.len(), 2);
    let owners: Vec<Vec<Person>> = meeting
        .topics
        .iter()
        .flat_map(|t| &t.actions)
        .map(|a| a.owners.clone())
        .collect();
    assert_eq!(
        owners,
        [
            vec![name("Mark")],
            vec![name("Mark")],
            vec![name("Jim")],
            vec![name("Jim")],
            vec![],
            vec![],
            vec![],
            vec![name("Jim")],
            vec![name("Zach")],
        ]
    );
    let decisions: Vec<&String> = meeting.topics.iter().flat_map(|t| &t.decisions).collect();
    assert_eq!(decisions[1], "Jim will slugify");
}

/// Minutes of each meeting read back into exactly the same meeting.
#[test]
fn minutes_of_every_fixture_meeting_read_back_the_same() {
    for page in [ARCH_HOUR, ARCH_LUNCH, PROGRAMS] {
        for meeting in parse_page(page).meetings {
            let minutes = render_meeting(&meeting);
            let back = parse_page(&minutes);
            assert!(back.unplaced.is_empty(), "{:?}\n{minutes}", back.unplaced);
            assert_eq!(back.meetings, std::slice::from_ref(&meeting), "{minutes}");
        }
    }
}

#[test]
fn minutes_keep_slack_people_intents_due_dates_and_unassigned_items() {
    let meeting = MeetingNotes {
        title: "Arch Hour".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 18).expect("date"),
        topics: vec![TopicNotes {
            intents: vec![crate::domain::topics::Intent::Quest],
            proposers: vec![Person::Slack("UANN".into())],
            votes: 7,
            notes: vec![Note {
                text: "paver renders course pages".into(),
                children: vec![Note {
                    text: "only for the old UI".into(),
                    children: vec![],
                }],
            }],
            decisions: vec!["keep paver for now".into()],
            actions: vec![ActionNotes {
                text: "write up what uses paver".into(),
                owners: vec![Person::Slack("UBOB".into()), name("Nimisha")],
                due: NaiveDate::from_ymd_opt(2026, 12, 1),
            }],
            ..TopicNotes::titled("What is paver used for today?")
        }],
        actions: vec![ActionNotes {
            text: "book a room".into(),
            owners: vec![],
            due: None,
        }],
    };
    let minutes = render_meeting(&meeting);
    assert_eq!(
        minutes,
        "Arch Hour: 2026-11-18\n\nTopics\n\n\
         \x20 • (7) [quest] What is paver used for today? [<@UANN>]\n\
         \x20   • paver renders course pages\n\
         \x20     • only for the old UI\n\
         \x20   • Decided: keep paver for now\n\
         \x20   • [ ] write up what uses paver (owners: <@UBOB>, @Nimisha; due 2026-12-01)\n\
         \nAction Items\n\n\
         \x20 • <@UBOB>\n\
         \x20   • [ ] write up what uses paver (owners: <@UBOB>, @Nimisha; due 2026-12-01)\n\
         \x20 • @Nimisha\n\
         \x20   • [ ] write up what uses paver (owners: <@UBOB>, @Nimisha; due 2026-12-01)\n\
         \x20 • Unassigned\n\
         \x20   • [ ] book a room\n"
    );
    let back = parse_page(&minutes);
    assert_eq!(back.meetings, [meeting]);
}

#[test]
fn a_backlog_section_holds_open_topics() {
    let page = parse_page(
        "Arch Hour: 2021-07-14\n\nTopics\n\n  • (2) Documentation strategy\n\nBacklog of Questions/Discussions\n\n  • [quest] What is paver used for today? +1\n  • Devstack pain\n",
    );
    assert_eq!(page.meetings[0].topics.len(), 1);
    let backlog: Vec<(&str, u32)> = page
        .backlog
        .iter()
        .map(|t| (t.title.as_str(), t.votes))
        .collect();
    assert_eq!(
        backlog,
        [("What is paver used for today?", 1), ("Devstack pain", 0)]
    );
}

/// Found by the property tests: the same unassigned item on a topic and for the meeting as a
/// whole is listed twice under "Unassigned", and both read back.
#[test]
fn the_same_unassigned_item_on_a_topic_and_for_the_meeting_reads_back_as_two() {
    let item = ActionNotes {
        text: "book a room".into(),
        owners: vec![],
        due: None,
    };
    let meeting = MeetingNotes {
        title: "Arch Hour".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 18).expect("date"),
        topics: vec![TopicNotes {
            actions: vec![item.clone()],
            ..TopicNotes::titled("Offsite")
        }],
        actions: vec![item],
    };
    let back = parse_page(&render_meeting(&meeting));
    assert_eq!(back.meetings, [meeting]);
}

/// Every line of the corpus reads as worked out by hand. All mismatches are listed at once.
#[test]
fn every_corpus_line_reads_as_worked_out_by_hand() {
    let mut cases = 0;
    let mut wrong = Vec::new();
    for row in CORPUS.lines() {
        if row.trim().is_empty() || row.starts_with('#') {
            continue;
        }
        let [line, votes, intents, proposers, title] = row.split('\t').collect::<Vec<_>>()[..]
        else {
            panic!("not five columns: {row:?}");
        };
        cases += 1;
        let read = TopicLine::read(line, Layout::Bulleted);
        let got_intents: Vec<&str> = read.intents.iter().map(|i| i.as_str()).collect();
        let got_proposers: Vec<String> = read.proposers.iter().map(Person::stored).collect();
        let got = (
            read.votes.to_string(),
            dash_if_empty(got_intents.join("/")),
            dash_if_empty(got_proposers.join(" | ")),
            read.title.clone(),
        );
        let expected = (
            votes.to_string(),
            intents.to_string(),
            proposers.to_string(),
            title.to_string(),
        );
        if got != expected {
            wrong.push(format!(
                "{line}\n   expected {expected:?}\n   read     {got:?}"
            ));
        }
    }
    assert!(cases >= 60, "only {cases} cases");
    assert!(
        wrong.is_empty(),
        "{} of {cases} lines read wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn dash_if_empty(text: String) -> String {
    if text.is_empty() { "-".into() } else { text }
}

/// On every fixture page, a stored title carries no markup: read again as a topic line, it has
/// nothing to take off.
#[test]
fn no_fixture_title_keeps_votes_intents_or_proposers() {
    for page in [ARCH_HOUR, ARCH_LUNCH, PROGRAMS] {
        let page = parse_page(page);
        let topics = page
            .meetings
            .iter()
            .flat_map(|m| &m.topics)
            .chain(&page.backlog);
        for topic in topics {
            let again = TopicLine::read(&topic.title, Layout::Bulleted);
            assert_eq!(again.title, topic.title, "markup left on {:?}", topic.title);
            assert_eq!(again.parts.len(), 1, "markup left on {:?}", topic.title);
        }
    }
}
