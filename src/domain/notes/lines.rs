//! A page as lines: indentation, whether a line is a bullet, its text.

/// One non-blank line of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Leading spaces (a tab counts as four).
    pub indent: usize,
    pub bullet: bool,
    /// The text after the indentation and bullet marker, trimmed.
    pub text: String,
}

/// Bullet markers the pages use (a dash or star needs a space after it).
const MARKERS: [&str; 6] = ["•", "◦", "▪", "‣", "- ", "* "];

/// Splits a page into non-blank lines. A bullet with nothing after it is blank too.
pub fn lines(page: &str) -> Vec<Line> {
    page.lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|raw| {
            let indent = raw
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            let rest = raw.trim_start();
            let marker = MARKERS
                .iter()
                .find(|m| rest.starts_with(**m) || rest.trim_end() == m.trim_end());
            let line = match marker {
                Some(marker) => Line {
                    indent,
                    bullet: true,
                    text: rest.get(marker.len()..).unwrap_or("").trim().to_string(),
                },
                None => Line {
                    indent,
                    bullet: false,
                    text: rest.trim_end().to_string(),
                },
            };
            (!line.text.is_empty()).then_some(line)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_and_indentation_are_read() {
        let page = "Topics\n\n  • First topic +1\n    • a note\n      continued\n  •  \n-\n- dash item\n*** not a bullet\n";
        let read = lines(page);
        let summary: Vec<(usize, bool, &str)> = read
            .iter()
            .map(|l| (l.indent, l.bullet, l.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (0, false, "Topics"),
                (2, true, "First topic +1"),
                (4, true, "a note"),
                (6, false, "continued"),
                (0, true, "dash item"),
                (0, false, "*** not a bullet"),
            ]
        );
    }
}
