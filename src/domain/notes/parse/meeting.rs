//! Reading one meeting's lines: topics with their notes, decisions and action items, the
//! backlog, and the "Action Items" section.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::layout::{Marking, Section, section_of, starts_with_number};
use crate::domain::actions::{LineKind, line_kind, parse_item_text};
use crate::domain::notes::lines::Line;
use crate::domain::notes::people::{explicit_tail, owners_in};
use crate::domain::notes::topic_line::{Layout, TopicLine};
use crate::domain::notes::{ActionNotes, MeetingNotes, Note, Page, Person, ReadTopic, TopicNotes};

/// The last thing read, which an indented line without a bullet continues.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Last {
    Nothing,
    Note(Vec<usize>),
    Decision(usize),
    Action(usize),
}

/// Reads one meeting's lines into the page.
pub(super) fn read_meeting(page: &mut Page, title: String, date: NaiveDate, lines: &[Line]) {
    let mut reader = MeetingReader {
        meeting: MeetingNotes {
            title,
            date,
            topics: Vec::new(),
            actions: Vec::new(),
        },
        backlog: Vec::new(),
        unplaced: Vec::new(),
        topic_lines: Vec::new(),
        section: Section::Topics,
        marking: Marking::of(lines),
        topic_indent: None,
        levels: Vec::new(),
        note_path: Vec::new(),
        last: Last::Nothing,
        group_owner: None,
        listed: HashMap::new(),
    };
    for line in lines {
        reader.read(line);
    }
    page.meetings.push(reader.meeting);
    page.backlog.extend(reader.backlog);
    page.unplaced.extend(reader.unplaced);
    page.topic_lines.extend(reader.topic_lines);
}

struct MeetingReader {
    meeting: MeetingNotes,
    backlog: Vec<TopicNotes>,
    unplaced: Vec<String>,
    topic_lines: Vec<ReadTopic>,
    section: Section,
    marking: Marking,
    /// The indentation of topic bullets.
    topic_indent: Option<usize>,
    /// Indentations of the current topic's nested levels.
    levels: Vec<usize>,
    /// Where the last note at each depth sits in the current topic's note tree.
    note_path: Vec<usize>,
    last: Last,
    /// In an "Action Items" section, the owner a group of items is listed under.
    group_owner: Option<Person>,
    /// In an "Action Items" section, how often each item has been listed under each owner
    /// heading so far: (owner or unassigned, text, due).
    listed: HashMap<(Option<Person>, String, Option<NaiveDate>), usize>,
}

impl MeetingReader {
    fn read(&mut self, line: &Line) {
        if let Some(section) = section_of(line) {
            self.section = section;
            self.topic_indent = None;
            return;
        }
        match self.section {
            // A bullet after the attendees is the discussion again.
            Section::Attendees if line.bullet => {
                self.section = Section::Topics;
                self.read_topics(line);
            }
            Section::Attendees => self.unplaced.push(line.text.clone()),
            Section::ActionItems => self.read_action_section(line),
            Section::Topics | Section::Backlog => self.read_topics(line),
        }
    }

    /// The topics lines go to now: the backlog's, or the meeting's.
    fn topics(&mut self) -> &mut Vec<TopicNotes> {
        topics_of(self.section, &mut self.meeting, &mut self.backlog)
    }

    fn read_topics(&mut self, line: &Line) {
        if self.marking != Marking::Bullets {
            let read = TopicLine::read(&line.text, Layout::Bare);
            let is_topic = match self.marking {
                Marking::BareCounts => starts_with_number(&line.text),
                _ => read.opens_with_votes_or_intents(),
            };
            if is_topic {
                self.start_topic(read);
            } else if self.topics().is_empty() {
                self.unplaced.push(line.text.clone());
            } else {
                self.add_child(0, &line.text);
            }
            return;
        }
        if !line.bullet {
            let read = TopicLine::read(&line.text, Layout::Bulleted);
            // A topic that lost its bullet sits where topic bullets or their text begin.
            let at_topic_level = self
                .topic_indent
                .is_none_or(|indent| line.indent <= indent + 2);
            if at_topic_level && read.opens_with_votes_or_intents() {
                self.start_topic(read);
                return;
            }
            if line.indent > 0 && self.continue_last(&line.text) {
                return;
            }
            self.unplaced.push(line.text.clone());
            return;
        }
        let has_topic = !self.topics().is_empty();
        match self.topic_indent {
            Some(indent) if line.indent > indent && has_topic => {
                while self.levels.last().is_some_and(|l| *l >= line.indent) {
                    self.levels.pop();
                }
                let depth = self.levels.len();
                self.levels.push(line.indent);
                self.add_child(depth, &line.text);
            }
            _ => {
                self.topic_indent = Some(line.indent);
                self.start_topic(TopicLine::read(&line.text, Layout::Bulleted));
            }
        }
    }

    fn start_topic(&mut self, read: TopicLine) {
        let topic = TopicNotes {
            intents: read.intents.clone(),
            proposers: read.proposers.clone(),
            votes: read.votes,
            ..TopicNotes::titled(&read.title)
        };
        let meeting = (self.section != Section::Backlog).then_some(self.meeting.date);
        self.topic_lines.push(ReadTopic {
            meeting,
            line: read,
        });
        self.topics().push(topic);
        self.levels.clear();
        self.note_path.clear();
        self.last = Last::Nothing;
    }

    /// A line under the current topic at `depth` (0 = directly under it).
    fn add_child(&mut self, depth: usize, text: &str) {
        let (kind, rest) = line_kind(text);
        let topics = topics_of(self.section, &mut self.meeting, &mut self.backlog);
        let Some(topic) = topics.last_mut() else {
            return;
        };
        match kind {
            LineKind::Action => {
                topic.actions.push(action(rest));
                self.last = Last::Action(topic.actions.len() - 1);
            }
            LineKind::Decision => {
                topic.decisions.push(rest.to_string());
                self.last = Last::Decision(topic.decisions.len() - 1);
            }
            LineKind::Note | LineKind::Undo => {
                let depth = depth.min(self.note_path.len());
                let mut siblings = &mut topic.notes;
                for index in &self.note_path[..depth] {
                    siblings = &mut siblings[*index].children;
                }
                siblings.push(Note {
                    text: text.to_string(),
                    children: Vec::new(),
                });
                let position = siblings.len() - 1;
                self.note_path.truncate(depth);
                self.note_path.push(position);
                self.last = Last::Note(self.note_path.clone());
            }
        }
    }

    /// Appends an indented line without a bullet to what it continues.
    fn continue_last(&mut self, text: &str) -> bool {
        let topics = topics_of(self.section, &mut self.meeting, &mut self.backlog);
        let Some(topic) = topics.last_mut() else {
            return false;
        };
        let target = match &self.last {
            Last::Nothing => return false,
            Last::Decision(index) => &mut topic.decisions[*index],
            Last::Action(index) => &mut topic.actions[*index].text,
            Last::Note(path) => {
                let mut notes = &mut topic.notes;
                let (leaf, parents) = path.split_last().expect("a note path is never empty");
                for index in parents {
                    notes = &mut notes[*index].children;
                }
                &mut notes[*leaf].text
            }
        };
        target.push(' ');
        target.push_str(text);
        true
    }

    /// "Action Items": owner headings with their items under them (as minutes write it), or
    /// item lines. Items already recorded under a topic are not counted again.
    fn read_action_section(&mut self, line: &Line) {
        if !line.bullet {
            self.unplaced.push(line.text.clone());
            return;
        }
        let (kind, rest) = line_kind(&line.text);
        if kind != LineKind::Action {
            // An owner heading ("@Adam Blackwell", "<@U1>", "Unassigned").
            let heading = line.text.trim();
            self.group_owner = (heading.starts_with('@') || heading.starts_with("<@"))
                .then(|| Person::read(heading));
            return;
        }
        let mut item = action(rest);
        if item.owners.is_empty()
            && let Some(owner) = &self.group_owner
        {
            item.owners.push(owner.clone());
        }
        // The section lists each item under every owner (or under "Unassigned"): an item is new
        // when it is listed under this heading more often than the items already read have it.
        let heading = self.group_owner.clone();
        let listed = self
            .listed
            .entry((heading.clone(), item.text.clone(), item.due))
            .or_insert(0);
        *listed += 1;
        let known = self
            .meeting
            .topics
            .iter()
            .flat_map(|t| &t.actions)
            .chain(&self.meeting.actions)
            .filter(|existing| existing.text == item.text && existing.due == item.due)
            .filter(|existing| match &heading {
                Some(owner) => existing.owners.contains(owner),
                None => existing.owners == item.owners,
            })
            .count();
        if *listed > known {
            self.meeting.actions.push(item);
        }
    }
}

fn topics_of<'a>(
    section: Section,
    meeting: &'a mut MeetingNotes,
    backlog: &'a mut Vec<TopicNotes>,
) -> &'a mut Vec<TopicNotes> {
    match section {
        Section::Backlog => backlog,
        _ => &mut meeting.topics,
    }
}

/// An action line's text, owners and due date: from the explicit tail minutes write, else
/// read from the text.
fn action(rest: &str) -> ActionNotes {
    let (text, explicit) = explicit_tail(rest);
    match explicit {
        Some((owners, due)) => ActionNotes { text, owners, due },
        None => {
            let item = parse_item_text(&text);
            ActionNotes {
                owners: owners_in(&item.text),
                text: item.text,
                due: item.due,
            }
        }
    }
}
