//! HTML message bodies as plain text: paragraphs and line breaks kept, lists
//! bulleted, links shown with their address, scripts and styles dropped,
//! entities decoded, quoted mail (`<blockquote>`, Gmail's, Yahoo's and
//! Thunderbird's quote blocks) marked with `> ` as a plain-text mail would
//! be. A single pass with no recursion, so deeply nested or broken HTML
//! costs no more than its length.

/// The classes mail clients give the `<div>` around a quoted message.
const QUOTE_CLASSES: &[&str] = &["gmail_quote", "yahoo_quoted", "moz-cite-prefix"];

/// Convert an HTML body to text. The result still goes through the sanitiser.
pub fn to_text(html: &str) -> String {
    let mut out = Output::default();
    let mut rest = html;
    let mut skipping: Option<String> = None;
    let mut pre = 0usize;
    let mut link: Option<String> = None;
    // Open `<div>`s, and how deep each open quote `<div>` was.
    let mut divs = 0usize;
    let mut quote_divs: Vec<usize> = Vec::new();
    let mut blockquotes = 0usize;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skipping.is_none() {
                out.text(&decode_entities(rest), pre > 0);
            }
            break;
        };
        if lt > 0 && skipping.is_none() {
            out.text(&decode_entities(&rest[..lt]), pre > 0);
        }
        rest = &rest[lt..];
        // Comments and declarations end at their own terminator.
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // A lone '<' in text.
            if skipping.is_none() {
                out.text("<", pre > 0);
            }
            rest = &rest[1..];
            continue;
        };
        let tag = Tag::parse(&rest[1..gt]);
        rest = &rest[gt + 1..];
        if let Some(skipped) = &skipping {
            if tag.closing && tag.name == *skipped {
                skipping = None;
            }
            continue;
        }
        match (tag.name.as_str(), tag.closing) {
            ("blockquote" | "div", _) if !tag.self_closing => {
                out.paragraph();
                match (tag.name.as_str(), tag.closing) {
                    ("blockquote", false) => blockquotes += 1,
                    ("blockquote", true) => blockquotes = blockquotes.saturating_sub(1),
                    (_, false) => {
                        divs += 1;
                        if tag.quotes() {
                            quote_divs.push(divs);
                        }
                    }
                    (_, true) => {
                        if quote_divs.last() == Some(&divs) {
                            quote_divs.pop();
                        }
                        divs = divs.saturating_sub(1);
                    }
                }
                out.quoted = blockquotes > 0 || !quote_divs.is_empty();
            }
            ("script" | "style" | "head" | "title", false) if !tag.self_closing => {
                skipping = Some(tag.name.clone());
            }
            ("br", _) => out.newline(),
            ("p" | "div" | "table" | "blockquote" | "ul" | "ol" | "section" | "article", _)
            | ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "footer", _) => out.paragraph(),
            ("tr" | "dt" | "dd", false) => out.newline(),
            ("td" | "th", false) => out.text(" ", false),
            ("li", false) => {
                out.newline();
                out.text("• ", true);
            }
            ("hr", _) => {
                out.paragraph();
                out.text("----", true);
                out.paragraph();
            }
            ("pre", false) => {
                out.paragraph();
                pre += 1;
            }
            ("pre", true) => {
                pre = pre.saturating_sub(1);
                out.paragraph();
            }
            ("a", false) => link = tag.href,
            ("a", true) => {
                if let Some(href) = link.take()
                    && (href.starts_with("http") || href.starts_with("mailto:"))
                    && !out.ends_with_text(&href)
                {
                    out.text(&format!(" <{href}>"), false);
                }
            }
            ("img", _) => {
                if let Some(alt) = tag.alt.filter(|a| !a.is_empty()) {
                    out.text(&format!("[{alt}]"), false);
                }
            }
            _ => {}
        }
    }
    out.finish()
}

#[derive(Default)]
struct Output {
    text: String,
    /// Newlines owed before the next text: 1 for a line break, 2 for a paragraph.
    pending: usize,
    space: bool,
    /// Inside quoted mail: each line starts with `> `.
    quoted: bool,
}

impl Output {
    fn text(&mut self, text: &str, preformatted: bool) {
        if preformatted {
            if !text.is_empty() {
                self.flush_breaks();
                for piece in text.split_inclusive('\n') {
                    self.mark_quote(piece == "\n");
                    self.text.push_str(piece);
                }
                self.space = false;
            }
            return;
        }
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            // Whitespace stood before every piece but the first.
            if i > 0 {
                self.space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.pending == 0
                && self.space
                && !self.text.is_empty()
                && !self.text.ends_with('\n')
            {
                self.text.push(' ');
            }
            self.flush_breaks();
            self.mark_quote(false);
            self.text.push_str(word);
            self.space = false;
        }
    }

    /// At the start of a line of quoted mail, its `> ` (`>` on a blank line).
    fn mark_quote(&mut self, blank: bool) {
        if self.quoted && (self.text.is_empty() || self.text.ends_with('\n')) {
            self.text.push_str(if blank { ">" } else { "> " });
        }
    }

    fn flush_breaks(&mut self) {
        if self.pending > 0 && !self.text.is_empty() {
            for _ in 0..self.pending {
                self.text.push('\n');
            }
        }
        self.pending = 0;
        self.space = false;
    }

    fn newline(&mut self) {
        self.pending = self.pending.max(1);
    }

    fn paragraph(&mut self) {
        self.pending = 2;
    }

    fn ends_with_text(&self, text: &str) -> bool {
        self.text.trim_end().ends_with(text)
    }

    fn finish(self) -> String {
        self.text.trim_end().to_string()
    }
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    href: Option<String>,
    alt: Option<String>,
    class: Option<String>,
}

impl Tag {
    fn parse(inner: &str) -> Self {
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let self_closing = inner.ends_with('/');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Self {
            href: attribute(inner, "href"),
            alt: attribute(inner, "alt"),
            class: (name == "div" && !closing)
                .then(|| attribute(inner, "class"))
                .flatten(),
            name,
            closing,
            self_closing,
        }
    }
}

impl Tag {
    /// A `<div>` a mail client puts around the message it quotes.
    fn quotes(&self) -> bool {
        self.class
            .as_deref()
            .is_some_and(|class| class.split_whitespace().any(|c| QUOTE_CLASSES.contains(&c)))
    }
}

/// The value of `name="..."` (or single-quoted, or bare) in a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at;
        from = start + name.len();
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let text = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(text));
    }
    None
}

/// Decode `&amp;`, `&#233;`, `&#xE9;` and the common named entities.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1);
        let decoded = end.filter(|&e| e > 1).and_then(|e| {
            let name = &rest[1..e];
            let ch = if let Some(num) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse().ok().and_then(char::from_u32)
            } else {
                named_entity(name)
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "eacute" => 'é',
        "euro" => '€',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_entities() {
        let html = "<p>We see the <b>access point</b> offline.</p><ul><li>A technician is on the way</li><li>Spare AP ready</li></ul><p>Thanks &amp; sorry!</p>";
        assert_eq!(
            to_text(html),
            "We see the access point offline.\n\n• A technician is on the way\n• Spare AP ready\n\nThanks & sorry!"
        );
    }

    #[test]
    fn breaks_links_and_whitespace() {
        let html = "Hi&nbsp;Maria,<br>see   <a href=\"https://help.example.org/wifi\">the guide</a>\n\n and&#33; &#x263A;";
        assert_eq!(
            to_text(html),
            "Hi Maria,\nsee the guide <https://help.example.org/wifi> and! ☺"
        );
    }

    #[test]
    fn scripts_styles_and_comments_vanish() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body><!-- hi --><script>alert(1)</script><p>Body</p></body></html>";
        assert_eq!(to_text(html), "Body");
    }

    #[test]
    fn preformatted_text_keeps_its_lines() {
        assert_eq!(to_text("<pre>a  b\n  c</pre>"), "a  b\n  c");
    }

    #[test]
    fn quoted_mail_is_marked_at_each_line_start() {
        let gmail = "<div dir=\"ltr\">Works now, thanks!</div><br><div class=\"gmail_quote gmail_quote_container\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, Mar 2, 2026 Maria wrote:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0\"><div>It prints<br>blank pages.</div><blockquote>Did you restart it?</blockquote></blockquote></div>";
        assert_eq!(
            to_text(gmail),
            "Works now, thanks!\n\n> On Mon, Mar 2, 2026 Maria wrote:\n\n> It prints\n> blank pages.\n\n> Did you restart it?"
        );
        let thunderbird = "<p>Done.</p><div class=\"moz-cite-prefix\">Bob wrote:<br></div><blockquote type=\"cite\"><pre>line one\n\nline two</pre></blockquote><p>Bye</p>";
        assert_eq!(
            to_text(thunderbird),
            "Done.\n\n> Bob wrote:\n\n> line one\n>\n> line two\n\nBye"
        );
        let yahoo =
            "Ok<div class=\"yahoo_quoted\"><div>inner <b>bold</b></div>still quoted</div>mine";
        assert_eq!(
            to_text(yahoo),
            "Ok\n\n> inner bold\n\n> still quoted\n\nmine"
        );
        // Other divs are not quotes.
        assert_eq!(to_text("<div class=\"x\">a</div>b"), "a\n\nb");
    }

    #[test]
    fn deep_and_broken_html_is_cheap_and_safe() {
        let deep = "<div>".repeat(100_000) + "deep" + &"</div>".repeat(100_000);
        assert_eq!(to_text(&deep), "deep");
        let quotes = "<blockquote>".repeat(100_000) + "deep" + &"</blockquote>".repeat(100_000);
        assert_eq!(to_text(&quotes), "> deep");
        let divs =
            "<div class=gmail_quote>".repeat(100_000) + "deep" + &"</div>".repeat(100_000) + "out";
        assert_eq!(to_text(&divs), "> deep\n\nout");
        assert_eq!(to_text("a < b and <unclosed"), "a < b and <unclosed");
        assert_eq!(decode_entities("&bogus; &amp &#xZZ;"), "&bogus; & &#xZZ;");
    }
}
