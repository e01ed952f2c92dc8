//! Plain-text tables and CSV for the command-line output: columns aligned by
//! terminal cells, one column allowed to give way when a terminal is narrow.

use super::width::{cells, truncate};

/// How a command prints what it found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people; fitted to the terminal, whole when piped.
    #[default]
    Table,
    /// Stable JSON for scripts (the fields are in the README).
    Json,
    /// CSV with a header row.
    Csv,
}

/// Rows under a header, each cell already safe text.
#[derive(Clone, Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns aligned to the right (numbers).
    right: Vec<usize>,
    /// The column cut first when the table is wider than the terminal.
    flexible: Option<usize>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| h.to_string()).collect(),
            ..Self::default()
        }
    }

    /// Align these columns to the right.
    pub fn right(mut self, columns: &[usize]) -> Self {
        self.right = columns.to_vec();
        self
    }

    /// Cut this column (with `…`) rather than overflow the terminal.
    pub fn flexible(mut self, column: usize) -> Self {
        self.flexible = Some(column);
        self
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table, fitted to `width` cells when given (a terminal), else
    /// whole (a pipe). Trailing spaces are trimmed.
    pub fn render(&self, width: Option<usize>) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = (0..columns)
            .map(|i| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|r| r.get(i).map_or(0, |c| cells(c)))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        if let (Some(width), Some(flex)) = (width, self.flexible) {
            let total: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            if total > width {
                let others = total - widths[flex];
                widths[flex] = width.saturating_sub(others).max(cells(&self.header[flex]));
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = truncate(row.get(i).map_or("", String::as_str), *width);
                let pad = " ".repeat(width - cells(&cell));
                if i > 0 {
                    line.push_str("  ");
                }
                if self.right.contains(&i) {
                    line.push_str(&pad);
                    line.push_str(&cell);
                } else {
                    line.push_str(&cell);
                    line.push_str(&pad);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The same rows as CSV with a header row (RFC 4180 quoting).
    pub fn csv(&self) -> String {
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&["ID", "SUBJECT", "OPEN"])
            .right(&[2])
            .flexible(1);
        t.push(vec!["#1".into(), "Bus 3 late, again".into(), "4".into()]);
        t.push(vec!["#22".into(), "校车晚点".into(), "12".into()]);
        t
    }

    #[test]
    fn aligned_by_cells_with_numbers_to_the_right() {
        assert_eq!(
            table().render(None),
            "ID   SUBJECT            OPEN\n\
             #1   Bus 3 late, again     4\n\
             #22  校车晚点             12\n"
        );
    }

    #[test]
    fn the_flexible_column_gives_way_on_a_narrow_terminal() {
        let text = table().render(Some(20));
        assert!(text.lines().all(|l| cells(l) <= 20), "{text}");
        assert!(text.contains("Bus 3 la…"), "{text}");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            table().csv(),
            "ID,SUBJECT,OPEN\n#1,\"Bus 3 late, again\",4\n#22,校车晚点,12\n"
        );
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
