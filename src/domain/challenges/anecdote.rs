//! One anecdote in the log, and how it is written in a page's table cell: `April 6, 2020:
//! what happened`, with the team in parentheses after the date when known (`June 9, 2020
//! (SRE): …`), several in one cell separated by `<br>` or simply one after another.

use chrono::NaiveDate;

/// When an anecdote happened: the day, and the date as the page wrote it ("~Aug, 2021").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub written: String,
    /// The day; the first of the month when the page gave only a month.
    pub on: NaiveDate,
}

impl When {
    /// A day written the way the pages write it: "April 6, 2020".
    pub fn of(on: NaiveDate) -> When {
        When {
            written: on.format("%B %-d, %Y").to_string(),
            on,
        }
    }
}

/// Something that happened because of the issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anecdote {
    /// `None` for the undated descriptions some rows hold.
    pub when: Option<When>,
    /// Only ever recorded together with a date.
    pub team: Option<String>,
    pub text: String,
}

/// Where anecdotes are separated inside one table cell.
const BREAK: &str = "<br>";

const MONTHS: [(&str, u32); 12] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
];

/// The month a word names: its full name or any abbreviation of three letters or more
/// ("Sep", "Sept").
fn month(word: &str) -> Option<u32> {
    let word = word.to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| name.starts_with(&word))
        .map(|(_, number)| *number)
}

/// A date at the start of `text` — "April 6, 2020", "Nov 20, 2019", "~Aug, 2021" or
/// "2020-04-06" — and how many bytes it took.
pub fn date_prefix(text: &str) -> Option<(When, usize)> {
    if let Some(iso) = text.get(..10)
        && let Ok(on) = NaiveDate::parse_from_str(iso, "%Y-%m-%d")
    {
        return Some((
            When {
                written: iso.to_string(),
                on,
            },
            10,
        ));
    }
    let mut at = usize::from(text.starts_with('~'));
    let letters = text[at..].find(|c: char| !c.is_ascii_alphabetic())?;
    let month = month(&text[at..at + letters])?;
    at += letters;
    let mut day = 1;
    if text[at..].starts_with(' ') {
        let digits = text[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len() - at - 1);
        if (1..=2).contains(&digits) {
            day = text[at + 1..at + 1 + digits].parse().ok()?;
            at += 1 + digits;
        }
    }
    at += text[at..].starts_with(", ").then_some(2)?;
    let year = text.get(at..at + 4)?;
    if !year.bytes().all(|b| b.is_ascii_digit())
        || text[at + 4..].starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let on = NaiveDate::from_ymd_opt(year.parse().ok()?, month, day)?;
    at += 4;
    Some((
        When {
            written: text[..at].to_string(),
            on,
        },
        at,
    ))
}

/// After a date: an optional `(team)`, then `:` or `-`, then the text. `loose` also accepts
/// a bare space ("June 10, 2020 SRE-84 - …"), as the start of a cell may.
fn after_date(rest: &str, loose: bool) -> Option<(Option<String>, String)> {
    let mut rest = rest;
    let mut team = None;
    if let Some(open) = rest.strip_prefix(" (")
        && let Some(close) = open.find(')')
        && open[close + 1..].starts_with(':')
    {
        team = Some(open[..close].trim().to_string()).filter(|t| !t.is_empty());
        rest = &open[close + 1..];
    }
    let text = if let Some(text) = rest.strip_prefix(':') {
        text
    } else if let Some(text) = rest.strip_prefix(" -").or_else(|| rest.strip_prefix(" –")) {
        text
    } else if loose && team.is_none() && rest.starts_with(' ') {
        rest
    } else {
        return None;
    };
    Some((team, text.trim().to_string()))
}

/// One anecdote's text as written (after splitting a cell).
fn parse_one(text: &str) -> Anecdote {
    let text = text.trim();
    if let Some((when, used)) = date_prefix(text)
        && let Some((team, rest)) = after_date(&text[used..], true)
        && !rest.is_empty()
    {
        return Anecdote {
            when: Some(when),
            team,
            text: rest,
        };
    }
    Anecdote {
        when: None,
        team: None,
        text: text.to_string(),
    }
}

/// Where a new dated anecdote starts inside running text: after a sentence's end, a date
/// followed by `:` or `(team):`.
fn next_start(text: &str) -> Option<usize> {
    text.match_indices(". ").find_map(|(at, _)| {
        let start = at + 2;
        let (_, used) = date_prefix(&text[start..])?;
        after_date(&text[start + used..], false).map(|_| start)
    })
}

/// The anecdotes in one table cell.
pub fn parse_cell(cell: &str) -> Vec<Anecdote> {
    let mut anecdotes = Vec::new();
    for piece in cell.split(BREAK) {
        let mut rest = piece.trim();
        while let Some(start) = next_start(rest) {
            anecdotes.push(parse_one(&rest[..start]));
            rest = rest[start..].trim();
        }
        if !rest.is_empty() {
            anecdotes.push(parse_one(rest));
        }
    }
    anecdotes
}

/// One anecdote as a page writes it.
pub fn render(anecdote: &Anecdote) -> String {
    match (&anecdote.when, &anecdote.team) {
        (Some(when), Some(team)) => format!("{} ({team}): {}", when.written, anecdote.text),
        (Some(when), None) => format!("{}: {}", when.written, anecdote.text),
        (None, _) => anecdote.text.clone(),
    }
}

/// A cell of anecdotes.
pub fn render_cell(anecdotes: &[Anecdote]) -> String {
    anecdotes.iter().map(render).collect::<Vec<_>>().join(BREAK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn dated(written: &str, on: &str, team: Option<&str>, text: &str) -> Anecdote {
        Anecdote {
            when: Some(When {
                written: written.into(),
                on: day(on),
            }),
            team: team.map(str::to_string),
            text: text.into(),
        }
    }

    #[test]
    fn dates_are_read_as_the_pages_write_them() {
        let cases = [
            ("April 6, 2020: x", "April 6, 2020", "2020-04-06"),
            ("Nov 20, 2019: x", "Nov 20, 2019", "2019-11-20"),
            ("~Aug, 2021: x", "~Aug, 2021", "2021-08-01"),
            ("Sept 18, 2020 - x", "Sept 18, 2020", "2020-09-18"),
            ("2020-06-10 x", "2020-06-10", "2020-06-10"),
        ];
        for (text, written, on) in cases {
            let (when, used) = date_prefix(text).expect(text);
            assert_eq!(
                (when.written.as_str(), when.on),
                (written, day(on)),
                "{text}"
            );
            assert_eq!(used, written.len(), "{text}");
        }
        for text in [
            "May be related",
            "Mar 2020",
            "Apr 31, 2020:",
            "Ma 3, 2020:",
            "June 9, 20201",
        ] {
            assert!(date_prefix(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_cell_splits_into_its_anecdotes() {
        let cell = "Feb 16, 2021: AA-664 would have been solved. It is unclear. May 5, 2020: TNL reached out.";
        assert_eq!(
            parse_cell(cell),
            vec![
                dated(
                    "Feb 16, 2021",
                    "2021-02-16",
                    None,
                    "AA-664 would have been solved. It is unclear."
                ),
                dated("May 5, 2020", "2020-05-05", None, "TNL reached out."),
            ]
        );
        assert_eq!(
            parse_cell("June 10, 2020 SRE-84 - Several services need SRE"),
            vec![dated(
                "June 10, 2020",
                "2020-06-10",
                None,
                "SRE-84 - Several services need SRE"
            )]
        );
        assert_eq!(
            parse_cell("Sep 18, 2020 - There was a security PR"),
            vec![dated(
                "Sep 18, 2020",
                "2020-09-18",
                None,
                "There was a security PR"
            )]
        );
        assert_eq!(
            parse_cell("Because the masquerading code changes the request user."),
            vec![Anecdote {
                when: None,
                team: None,
                text: "Because the masquerading code changes the request user.".into()
            }]
        );
        assert_eq!(parse_cell("  "), vec![]);
    }

    #[test]
    fn rendered_cells_read_back_the_same() {
        let anecdotes = vec![
            dated(
                "June 9, 2020",
                "2020-06-09",
                Some("SRE"),
                "Had to file a ticket (was a blocker)",
            ),
            dated(
                "~Aug, 2021",
                "2021-08-01",
                None,
                "pyjwt 2 broke us. Note: maybe simpler",
            ),
            Anecdote {
                when: None,
                team: None,
                text: "Undated: a description".into(),
            },
            dated(
                "November 18, 2026",
                "2026-11-18",
                Some("Arch BOM"),
                "no full stop",
            ),
        ];
        let cell = render_cell(&anecdotes);
        assert_eq!(
            cell,
            "June 9, 2020 (SRE): Had to file a ticket (was a blocker)<br>~Aug, 2021: pyjwt 2 broke us. Note: maybe simpler<br>Undated: a description<br>November 18, 2026 (Arch BOM): no full stop"
        );
        assert_eq!(parse_cell(&cell), anecdotes);
    }

    #[test]
    fn a_day_is_written_in_full() {
        assert_eq!(When::of(day("2020-04-06")).written, "April 6, 2020");
    }
}
