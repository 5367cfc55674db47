//! Minutes: one meeting as Markdown in the shape of the notes pages, which `parse_page` reads
//! back into the same meeting.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::people::{tail, written};
use super::{ActionNotes, MeetingNotes, Note, Person, TopicNotes};

/// The date heading, each topic as a bullet (votes, intents, title, proposer) with its notes,
/// decisions and action items nested under it, then the action items grouped by owner.
pub fn render_meeting(meeting: &MeetingNotes) -> String {
    let mut out = format!("{}: {}\n\nTopics\n\n", meeting.title, meeting.date);
    for topic in &meeting.topics {
        let _ = writeln!(out, "  • {}", topic_line(topic));
        write_notes(&mut out, &topic.notes, 2);
        for decision in &topic.decisions {
            let _ = writeln!(out, "    • Decided: {decision}");
        }
        for action in &topic.actions {
            let _ = writeln!(out, "    • {}", action_line(action));
        }
    }
    let all: Vec<&ActionNotes> = meeting
        .topics
        .iter()
        .flat_map(|t| &t.actions)
        .chain(&meeting.actions)
        .collect();
    if !all.is_empty() {
        out.push_str("\nAction Items\n\n");
        let mut by_owner: BTreeMap<Option<&Person>, Vec<&ActionNotes>> = BTreeMap::new();
        for action in all {
            if action.owners.is_empty() {
                by_owner.entry(None).or_default().push(action);
            }
            for owner in &action.owners {
                by_owner.entry(Some(owner)).or_default().push(action);
            }
        }
        // Owners first, items nobody owns last.
        let mut groups: Vec<(Option<&Person>, Vec<&ActionNotes>)> = by_owner.into_iter().collect();
        let unassigned_first = groups.first().is_some_and(|(owner, _)| owner.is_none());
        groups.rotate_left(usize::from(unassigned_first));
        for (owner, actions) in groups {
            let heading = owner.map_or_else(|| "Unassigned".to_string(), written);
            let _ = writeln!(out, "  • {heading}");
            for action in actions {
                let _ = writeln!(out, "    • {}", action_line(action));
            }
        }
    }
    out
}

/// `(4) [quest/ideation] Title [proposer, proposer]`.
fn topic_line(topic: &TopicNotes) -> String {
    let mut line = String::new();
    if topic.votes > 0 {
        let _ = write!(line, "({}) ", topic.votes);
    }
    if !topic.intents.is_empty() {
        let names: Vec<&str> = topic.intents.iter().map(|i| i.as_str()).collect();
        let _ = write!(line, "[{}] ", names.join("/"));
    }
    line.push_str(&topic.title);
    if !topic.proposers.is_empty() {
        let names: Vec<String> = topic.proposers.iter().map(Person::stored).collect();
        let _ = write!(line, " [{}]", names.join(", "));
    }
    line
}

fn action_line(action: &ActionNotes) -> String {
    format!("[ ] {}{}", action.text, tail(&action.owners, action.due))
}

fn write_notes(out: &mut String, notes: &[Note], depth: usize) {
    for note in notes {
        let _ = writeln!(out, "{}• {}", "  ".repeat(depth), note.text);
        write_notes(out, &note.children, depth + 1);
    }
}
