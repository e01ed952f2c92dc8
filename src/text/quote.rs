//! Quoted mail in a message body: the parts a reply carries of the mail it
//! answers, so they can be shown dimmed and folded, as mail clients do.
//!
//! Quoted are `>` lines (the HTML reader marks `<blockquote>` and the
//! Gmail, Yahoo and Thunderbird quote blocks so), the `… wrote:` line above
//! them, the blank lines between them, and an Outlook reply's original: a
//! `From:` / `Sent:` / `To:` / `Subject:` header under a `____` or
//! "Original Message" line, with everything after it. A body that starts
//! with such a header (a bare forward) is all the sender's own and stays.
//! One pass over the lines, looking at most five ahead.

/// Quotes shorter than this many lines are dimmed but not folded: a fold
/// line would hide no more than it takes.
pub const FOLD_MIN: usize = 3;

/// How far below `From:` an Outlook header's other fields may be.
const SENT_WITHIN: usize = 4;
const TO_WITHIN: usize = 5;

/// Whole lines of a body, quoted or the sender's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run<'a> {
    pub quoted: bool,
    /// The lines, without the line break after the last.
    pub text: &'a str,
    pub lines: usize,
}

/// The body in runs of quoted and own lines. Joined with `'\n'` the runs
/// give back the body exactly.
pub fn runs(body: &str) -> Vec<Run<'_>> {
    let lines: Vec<&str> = body.split('\n').collect();
    let quoted = classify(&lines);
    let mut runs: Vec<Run<'_>> = Vec::new();
    let mut start = 0usize; // byte offset of the current run
    let mut offset = 0usize; // byte offset of line i
    for (i, line) in lines.iter().enumerate() {
        if i > 0 && quoted[i] != quoted[i - 1] {
            runs.push(Run {
                quoted: quoted[i - 1],
                text: &body[start..offset - 1],
                lines: 0,
            });
            start = offset;
        }
        offset += line.len() + 1;
    }
    runs.push(Run {
        quoted: quoted.last().copied().unwrap_or(false),
        text: &body[start..],
        lines: 0,
    });
    for run in &mut runs {
        run.lines = run.text.split('\n').count();
    }
    runs
}

/// Whether each line is quoted.
fn classify(lines: &[&str]) -> Vec<bool> {
    let blank = |i: usize| lines[i].trim().is_empty();
    let mut quoted: Vec<bool> = lines
        .iter()
        .map(|l| l.trim_start().starts_with('>'))
        .collect();
    // An Outlook original: it and all after it, when own text came first.
    let mut first_own: Option<usize> = None;
    for i in 0..lines.len() {
        if quoted[i] {
            continue;
        }
        if let Some(separator) = outlook_separator(lines, i)
            && first_own.is_some_and(|own| own < separator)
        {
            quoted[separator..].iter_mut().for_each(|q| *q = true);
            break;
        }
        if first_own.is_none() && !blank(i) {
            first_own = Some(i);
        }
    }
    // "On Monday, Maria wrote:" above a quote, blank lines between.
    for i in 0..lines.len() {
        if quoted[i] || !lines[i].trim_end().ends_with("wrote:") {
            continue;
        }
        let next = (i + 1..lines.len()).find(|&j| !blank(j));
        if let Some(next) = next
            && quoted[next]
        {
            quoted[i..next].iter_mut().for_each(|q| *q = true);
        }
    }
    // Blank lines between quoted lines.
    let mut last_quoted: Option<usize> = None;
    for i in 0..lines.len() {
        if quoted[i] {
            if let Some(last) = last_quoted
                && (last + 1..i).all(blank)
            {
                quoted[last + 1..i].iter_mut().for_each(|q| *q = true);
            }
            last_quoted = Some(i);
        } else if !blank(i) {
            last_quoted = None;
        }
    }
    quoted
}

/// Where an Outlook original starts, when line `i` is its `From:` line: the
/// separator line above it (blank lines between allowed).
fn outlook_separator(lines: &[&str], i: usize) -> Option<usize> {
    if !lines[i].trim_start().starts_with("From:") {
        return None;
    }
    let field_within = |names: &[&str], within: usize| {
        lines
            .iter()
            .skip(i + 1)
            .take(within)
            .any(|l| names.iter().any(|n| l.trim_start().starts_with(n)))
    };
    if !field_within(&["Sent:", "Date:"], SENT_WITHIN)
        || !field_within(&["To:", "Subject:"], TO_WITHIN)
    {
        return None;
    }
    let above = (0..i).rev().find(|&j| !lines[j].trim().is_empty())?;
    is_separator(lines[above]).then_some(above)
}

/// `________________________________`, `-----Original Message-----`, or the
/// `----` an HTML `<hr>` becomes.
fn is_separator(line: &str) -> bool {
    let line = line.trim();
    let ruled =
        line.len() >= 4 && (line.bytes().all(|b| b == b'_') || line.bytes().all(|b| b == b'-'));
    ruled || line.to_ascii_lowercase().contains("original message")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs as (quoted, text) pairs, checked to give the body back.
    fn split(body: &str) -> Vec<(bool, &str)> {
        let runs = runs(body);
        let joined: Vec<&str> = runs.iter().map(|r| r.text).collect();
        assert_eq!(joined.join("\n"), body);
        for run in &runs {
            assert_eq!(run.lines, run.text.split('\n').count());
        }
        runs.iter().map(|r| (r.quoted, r.text)).collect()
    }

    #[test]
    fn plain_text_without_quotes_is_one_own_run() {
        assert_eq!(
            split("Hello\n\nthe printer works again."),
            [(false, "Hello\n\nthe printer works again.")]
        );
        assert_eq!(split(""), [(false, "")]);
        assert_eq!(split("a\n"), [(false, "a\n")]);
    }

    #[test]
    fn angle_lines_the_wrote_line_and_blank_lines_between_are_quoted() {
        let body = "Still broken.\n\nOn Mon, 2 Mar 2026, Maria wrote:\n> It prints blank pages.\n>\n\n> > Did you restart it?\n\nThanks";
        assert_eq!(
            split(body),
            [
                (false, "Still broken.\n"),
                (
                    true,
                    "On Mon, 2 Mar 2026, Maria wrote:\n> It prints blank pages.\n>\n\n> > Did you restart it?"
                ),
                (false, "\nThanks"),
            ]
        );
        // "wrote:" with no quote under it is the sender's own.
        assert_eq!(split("Bob wrote:\nhello"), [(false, "Bob wrote:\nhello")]);
    }

    #[test]
    fn an_outlook_original_and_all_after_it_is_quoted() {
        let body = "Fixed, thanks.\n\n________________________________\nFrom: Maria Lopez <maria@pvusd.org>\nSent: Monday, March 2, 2026 9:00 AM\nTo: IT Help <help@pvusd.org>\nSubject: Printer\n\nIt prints blank pages.";
        assert_eq!(
            split(body),
            [
                (false, "Fixed, thanks.\n"),
                (
                    true,
                    "________________________________\nFrom: Maria Lopez <maria@pvusd.org>\nSent: Monday, March 2, 2026 9:00 AM\nTo: IT Help <help@pvusd.org>\nSubject: Printer\n\nIt prints blank pages."
                ),
            ]
        );
        let old = "See below.\n-----Original Message-----\nFrom: Bob\nDate: Mon\nSubject: x\nbody";
        assert_eq!(
            split(old)[1],
            (
                true,
                "-----Original Message-----\nFrom: Bob\nDate: Mon\nSubject: x\nbody"
            )
        );
    }

    #[test]
    fn a_bare_forward_or_a_lone_from_line_stays_visible() {
        let forward =
            "________________________________\nFrom: Bob\nSent: Mon\nTo: IT\nSubject: x\n\nhello";
        assert_eq!(split(forward), [(false, forward)]);
        // No separator, or no Sent: and To: close by: not a header.
        let from = "Hi\nFrom: the office, room 2\nthe printer\nis broken";
        assert_eq!(split(from), [(false, from)]);
        let far = "Hi\n____\nFrom: Bob\na\nb\nc\nd\nSent: Mon\nTo: IT";
        assert_eq!(split(far), [(false, far)]);
    }

    #[test]
    fn a_long_body_is_one_pass() {
        let body = "> quoted\n".repeat(200_000) + "own";
        let runs = runs(&body);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].lines, 200_000);
        assert!(runs[0].quoted && !runs[1].quoted);
    }
}
