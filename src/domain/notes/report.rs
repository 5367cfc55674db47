//! What a page was read as, for people to check before they trust an import: one row per topic
//! (`--dry-run`), and each topic line part by part (`--explain`).

use std::fmt::Write;

use super::{Page, Person, Reading, TopicNotes};

/// One row per topic, meetings' topics in page order then the backlog: date, votes, intents,
/// proposers, title, in aligned columns.
pub fn topic_rows(page: &Page) -> String {
    let mut rows: Vec<[String; 5]> = vec![[
        "date".into(),
        "votes".into(),
        "intents".into(),
        "proposers".into(),
        "title".into(),
    ]];
    let dated = page
        .meetings
        .iter()
        .flat_map(|m| m.topics.iter().map(|t| (m.date.to_string(), t)));
    let backlog = page.backlog.iter().map(|t| ("backlog".to_string(), t));
    for (date, topic) in dated.chain(backlog) {
        rows.push(row(date, topic));
    }
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let mut out = String::new();
    for [date, votes, intents, proposers, title] in &rows {
        let _ = writeln!(
            out,
            "  {date:<w0$}  {votes:>w1$}  {intents:<w2$}  {proposers:<w3$}  {title}",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
    }
    out
}

fn row(date: String, topic: &TopicNotes) -> [String; 5] {
    let intents: Vec<&str> = topic.intents.iter().map(|i| i.as_str()).collect();
    let proposers: Vec<String> = topic.proposers.iter().map(Person::stored).collect();
    [
        date,
        topic.votes.to_string(),
        dash_if_empty(intents.join("/")),
        dash_if_empty(proposers.join(", ")),
        topic.title.clone(),
    ]
}

fn dash_if_empty(text: String) -> String {
    if text.is_empty() { "-".into() } else { text }
}

/// Each topic line as written, then each of its parts and what it was read as.
pub fn explained(page: &Page) -> String {
    let mut out = String::new();
    for read in &page.topic_lines {
        let place = read
            .meeting
            .map_or_else(|| "backlog".to_string(), |date| date.to_string());
        let _ = writeln!(out, "  {place} | {}", read.line.written);
        let width = read
            .line
            .parts
            .iter()
            .map(|part| part.text.chars().count() + 2)
            .max()
            .unwrap_or(0);
        for part in &read.line.parts {
            let quoted = format!("\"{}\"", part.text);
            let _ = writeln!(out, "      {quoted:<width$}  {}", meaning(&part.reading));
        }
    }
    out
}

fn meaning(reading: &Reading) -> String {
    match reading {
        Reading::Votes(count) => format!("votes: {count}"),
        Reading::Intent(intent) => format!("intent: {intent}"),
        Reading::Proposer(person) => format!("proposer: {}", person.stored()),
        Reading::Dropped => "dropped (neither an intent nor a person)".into(),
        Reading::Separator => "separator".into(),
        Reading::Title => "title".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_page;
    use super::*;

    const PAGE: &str = "Arch Hour: 2026-11-25\n\nTopics\n\n  • (4) [Question, Priya] Should we pin tox?\n  • Docs strategy\n\nBacklog\n\n  • [ideate & vote] Deep topics for next time\n";

    #[test]
    fn one_aligned_row_per_topic() {
        assert_eq!(
            topic_rows(&parse_page(PAGE)),
            "  date        votes  intents   proposers  title\n\
             \x20 2026-11-25      4  quest     Priya      Should we pin tox?\n\
             \x20 2026-11-25      0  -         -          Docs strategy\n\
             \x20 backlog         0  ideation  -          Deep topics for next time\n"
        );
    }

    #[test]
    fn every_part_of_every_topic_line_is_explained() {
        assert_eq!(
            explained(&parse_page(PAGE)),
            "  2026-11-25 | (4) [Question, Priya] Should we pin tox?\n\
             \x20     \"(4)\"                 votes: 4\n\
             \x20     \"Question\"            intent: quest\n\
             \x20     \"Priya\"               proposer: Priya\n\
             \x20     \"Should we pin tox?\"  title\n\
             \x20 2026-11-25 | Docs strategy\n\
             \x20     \"Docs strategy\"  title\n\
             \x20 backlog | [ideate & vote] Deep topics for next time\n\
             \x20     \"ideate\"                     intent: ideation\n\
             \x20     \"vote\"                       dropped (neither an intent nor a person)\n\
             \x20     \"Deep topics for next time\"  title\n"
        );
    }
}
