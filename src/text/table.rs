//! Plain-text tables and CSV for the command-line output: columns aligned by
//! terminal cells; on a narrow terminal some columns give way, in order, down
//! to a minimum, and optional ones are left out, so every line fits.

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
    /// The columns cut (with `…`) when the table is wider than the
    /// terminal, in this order, each down to its minimum.
    shrink: Vec<(usize, usize)>,
    /// The columns left out, in this order, when cutting is not enough.
    optional: Vec<usize>,
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

    /// Cut this column (with `…`, down to its header) rather than overflow
    /// the terminal.
    pub fn flexible(self, column: usize) -> Self {
        let min = self.header.get(column).map_or(1, |h| cells(h));
        self.shrink(&[(column, min)])
    }

    /// Cut these columns rather than overflow the terminal: the first as
    /// far as its minimum, then the next, and so on.
    pub fn shrink(mut self, columns: &[(usize, usize)]) -> Self {
        self.shrink = columns.to_vec();
        self
    }

    /// Leave these columns out, in this order, when cutting the others to
    /// their minimums still overflows the terminal.
    pub fn optional(mut self, columns: &[usize]) -> Self {
        self.optional = columns.to_vec();
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
        let natural: Vec<usize> = (0..self.header.len())
            .map(|i| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|r| r.get(i).map_or(0, |c| cells(c)))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let shown = match width {
            Some(width) => self.fit(&natural, width),
            None => natural.into_iter().enumerate().collect(),
        };
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (n, &(i, width)) in shown.iter().enumerate() {
                let cell = truncate(row.get(i).map_or("", String::as_str), width);
                let pad = " ".repeat(width - cells(&cell));
                if n > 0 {
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

    /// The columns shown in `width` cells and how wide each is: cut in
    /// order to their minimums, then without the optional columns one by
    /// one; when nothing else helps, the shrinking columns go below their
    /// minimums.
    fn fit(&self, natural: &[usize], width: usize) -> Vec<(usize, usize)> {
        let mut dropped = 0;
        loop {
            let kept: Vec<usize> = (0..natural.len())
                .filter(|i| !self.optional[..dropped].contains(i))
                .collect();
            let last = dropped == self.optional.len();
            let mut widths: Vec<(usize, usize)> = kept.iter().map(|&i| (i, natural[i])).collect();
            let total = |w: &[(usize, usize)]| {
                w.iter().map(|(_, c)| c).sum::<usize>() + 2 * w.len().saturating_sub(1)
            };
            let floors: &[fn(usize) -> usize] = if last {
                &[|min| min, |_| 1]
            } else {
                &[|min| min]
            };
            for floor in floors {
                for &(column, min) in &self.shrink {
                    let over = total(&widths).saturating_sub(width);
                    if let Some((_, w)) = widths.iter_mut().find(|(i, _)| *i == column) {
                        let least = floor(min).min(*w);
                        *w -= over.min(*w - least);
                    }
                }
            }
            if last || total(&widths) <= width {
                return widths;
            }
            dropped += 1;
        }
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

    /// Rows like `deskterm ls` prints.
    fn tickets() -> Table {
        let mut t = Table::new(&["ID", "PRI", "QUEUE", "OWNER", "REQUESTER", "SUBJECT", "UPD"])
            .right(&[6])
            .shrink(&[(5, 16), (4, 10), (3, 8), (2, 6)])
            .optional(&[3, 2]);
        t.push(vec![
            "#169".into(),
            "low".into(),
            "Transportation".into(),
            "Aisha Mohammed".into(),
            "Isabella Williams".into(),
            "Question about benefits enrollment deadline".into(),
            "12d".into(),
        ]);
        t.push(vec![
            "#305".into(),
            "normal".into(),
            "HR".into(),
            "—".into(),
            "Ryan Chen".into(),
            "Paycheck missing overtime hours".into(),
            "5d".into(),
        ]);
        t
    }

    #[test]
    fn columns_give_way_in_order_then_optional_ones_go() {
        let lines = |width| -> Vec<String> {
            let text = tickets().render(Some(width));
            for line in text.lines() {
                assert!(cells(line) <= width, "wider than {width}: {line:?}");
            }
            text.lines().map(str::to_string).collect()
        };
        // Whole when there is room.
        let wide = lines(200);
        assert!(wide[1].contains("Question about benefits enrollment deadline"));
        // The subject gives way first, then the requester, the owner, the queue.
        let at_96 = lines(96);
        assert!(
            at_96[1].contains("Isabella Williams  Question about benefits e…"),
            "{at_96:?}"
        );
        let at_70 = lines(70);
        assert!(
            at_70[1].contains("Transporta…  Aisha M…  Isabella …  Question about …"),
            "{at_70:?}"
        );
        // Cut to their minimums and still too wide: the owner goes, then the queue.
        let at_60 = lines(60);
        assert!(!at_60[0].contains("OWNER"), "{at_60:?}");
        assert!(at_60[0].contains("QUEUE"), "{at_60:?}");
        let at_50 = lines(50);
        assert!(!at_50[0].contains("QUEUE"), "{at_50:?}");
        assert!(
            at_50[1].contains("Isabella Wil…  Question about …"),
            "{at_50:?}"
        );
        assert_eq!(at_50.len(), 3, "one line each: {at_50:?}");
        // No line is wider than the terminal, down to where the columns
        // that never give way fill it.
        for width in 24..120 {
            lines(width);
        }
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
