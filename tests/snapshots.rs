//! A snapshot of every screen at 80x24 and 160x48 (the layout checks at
//! 80x24 and 200x50), and of each theme's colours, on the seeded demo desk
//! with a fixed clock.
//! `INSTA_UPDATE=always cargo test --test snapshots` rewrites them; review the diff.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::Color;

use deskterm::config::theme::{ColorDepth, ThemeSet};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[tokio::test]
async fn queue() {
    for (w, h) in SIZES {
        let c = common::console(w, h).await;
        insta::assert_snapshot!(format!("queue_{w}x{h}"), c.ui.screen());
    }
}

/// Where the locale is not UTF-8 (LANG=C, or `ascii = true`): the queue and
/// a ticket drawn in ASCII only, cell for cell where they were.
#[tokio::test]
async fn ascii_where_the_locale_is_not_utf_8() {
    let mut settings = common::settings("ansi16");
    settings.ascii = true;
    let mut c = common::console_with(settings, 80, 24).await;
    let queue = c.ui.screen();
    assert!(queue.is_ascii(), "{queue}");
    insta::assert_snapshot!("ascii_queue_80x24", queue);
    c.ui.press("enter").await;
    let ticket = c.ui.screen();
    assert!(ticket.is_ascii(), "{ticket}");
    insta::assert_snapshot!("ascii_ticket_80x24", ticket);
}

#[tokio::test]
async fn queue_filtered_on_a_department() {
    for (w, h) in SIZES {
        let mut c = common::console(w, h).await;
        c.ui.press("5 /").await;
        c.ui.type_text("bus").await;
        insta::assert_snapshot!(format!("filter_{w}x{h}"), c.ui.screen());
    }
}

/// A section of the user's own over resolved tickets, fetched from the
/// desk, with its own columns (collapsing from the last at 80x24), and a
/// search of the whole desk as a tab of its own.
#[tokio::test]
async fn a_section_of_ones_own_and_a_search() {
    use deskterm::state::sections::{Column, SectionSpec};
    for (w, h) in SIZES {
        let mut settings = common::settings("dark");
        settings.sections.specs = vec![SectionSpec {
            name: "Resolved this week".into(),
            terms: deskterm::desk::query::text::parse("status:resolved updated:<7d").unwrap(),
            sort: Some(deskterm::state::queue::SortKey::Updated),
            columns: Some(
                [
                    "id",
                    "status",
                    "subject",
                    "requester",
                    "field:School",
                    "tags",
                    "updated",
                ]
                .iter()
                .map(|c| Column::parse(c).unwrap())
                .collect(),
            ),
        }];
        let mut c = common::console_with(settings, w, h).await;
        c.ui.press(":").await;
        c.ui.type_text("section resolved").await;
        c.ui.press("enter").await;
        insta::assert_snapshot!(format!("own_section_{w}x{h}"), c.ui.screen());
        c.ui.press("f").await;
        c.ui.type_text("heat status:any").await;
        c.ui.press("enter").await;
        insta::assert_snapshot!(format!("search_{w}x{h}"), c.ui.screen());
    }
}

/// The intake form part filled: a known requester, a queue suggested from
/// the words, the caller's words in their box.
#[tokio::test]
async fn intake_form() {
    for (w, h) in SIZES {
        let mut c = common::console(w, h).await;
        c.ui.press("N").await;
        c.ui.type_text("zara").await;
        c.ui.press("tab tab tab tab tab tab").await;
        c.ui.type_text("Bus 24 late").await;
        c.ui.press("tab").await;
        c.ui.type_text("It did not come to Elm Street.").await;
        insta::assert_snapshot!(format!("intake_{w}x{h}"), c.ui.screen());
    }
}

#[tokio::test]
async fn ticket() {
    for (w, h) in SIZES {
        let mut c = common::console(w, h).await;
        c.ui.press("enter").await;
        insta::assert_snapshot!(format!("ticket_{w}x{h}"), c.ui.screen());
    }
}

#[tokio::test]
async fn ticket_with_notes_and_events_scrolled() {
    let mut c = common::console(80, 24).await;
    c.ui.press("j j enter pagedown").await;
    insta::assert_snapshot!("ticket_scrolled_80x24", c.ui.screen());
}

#[tokio::test]
async fn help() {
    for (w, h) in SIZES {
        let mut c = common::console(w, h).await;
        c.ui.press("?").await;
        insta::assert_snapshot!(format!("help_{w}x{h}"), c.ui.screen());
    }
}

#[tokio::test]
async fn command_line_with_completions() {
    for (w, h) in SIZES {
        let mut c = common::console(w, h).await;
        c.ui.press(":").await;
        c.ui.type_text("queue f").await;
        c.ui.press("tab").await;
        insta::assert_snapshot!(format!("command_{w}x{h}"), c.ui.screen());
    }
}

/// The screen's colours: each row as runs of one style.
fn styles(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    let mut out = String::new();
    for (y, row) in buffer.content.chunks(width).enumerate() {
        let mut runs: Vec<(usize, usize, String)> = Vec::new();
        for (x, cell) in row.iter().enumerate() {
            let style = format!("{:?}/{:?}/{:?}", cell.fg, cell.bg, cell.modifier);
            match runs.last_mut() {
                Some((_, end, s)) if *s == style => *end = x,
                _ => runs.push((x, x, style)),
            }
        }
        let runs: Vec<String> = runs
            .into_iter()
            .map(|(a, b, s)| format!("{a}-{b} {s}"))
            .collect();
        writeln!(out, "{y:2}: {}", runs.join(" | ")).unwrap();
    }
    out
}

#[tokio::test]
async fn each_theme() {
    let names = ThemeSet::built_in(ColorDepth::TrueColor, false).names();
    assert_eq!(names, ["ansi16", "dark", "high-contrast", "light", "mono"]);
    for name in names {
        let c = common::console_with(common::settings(&name), 80, 24).await;
        let buffer = c.ui.draw();
        insta::assert_snapshot!(format!("theme_{name}"), styles(&buffer));
    }
}

#[tokio::test]
async fn ansi16_uses_only_the_terminal_palette() {
    let c = common::console_with(common::settings("ansi16"), 80, 24).await;
    for cell in c.ui.draw().content.iter() {
        for color in [cell.fg, cell.bg] {
            assert!(
                !matches!(color, Color::Rgb(..) | Color::Indexed(_)),
                "{color:?} is not one of the 16"
            );
        }
    }
}

#[tokio::test]
async fn no_color_means_no_colour_whatever_the_theme() {
    let themes = ThemeSet::built_in(ColorDepth::TrueColor, true);
    let mut settings = common::settings("dark");
    settings.theme = themes.get("dark").unwrap();
    settings.themes = themes;
    let mut c = common::console_with(settings, 80, 24).await;
    c.ui.press(":").await;
    c.ui.type_text("theme light").await;
    c.ui.press("enter").await;
    for cell in c.ui.draw().content.iter() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    // The selected row still stands out, by reverse video.
    let buffer = c.ui.draw();
    let row = &buffer.content[2 * 80..3 * 80];
    assert!(
        row.iter()
            .all(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED))
    );
}

#[tokio::test]
async fn colours_are_mapped_to_256_on_terminals_without_truecolor() {
    let themes = ThemeSet::built_in(ColorDepth::Ansi256, false);
    let mut settings = common::settings("dark");
    settings.theme = themes.get("dark").unwrap();
    let c = common::console_with(settings, 80, 24).await;
    assert!(
        c.ui.draw()
            .content
            .iter()
            .all(|cell| !matches!(cell.fg, Color::Rgb(..)))
    );
}

#[tokio::test]
async fn compose_reply_and_note() {
    for (w, h) in SIZES {
        for (key, name) in [("r", "reply"), ("n", "note")] {
            let mut c = common::console(w, h).await;
            c.ui.press(&format!("j enter {key}")).await;
            c.ui.type_text("Thanks for the report. A technician is on the way.")
                .await;
            insta::assert_snapshot!(format!("compose_{name}_{w}x{h}"), c.ui.screen());
        }
    }
}

#[tokio::test]
async fn pickers() {
    for (keys, name) in [("a", "assign"), ("m", "macro"), ("x", "status")] {
        for (w, h) in SIZES {
            let mut c = common::console(w, h).await;
            c.ui.press(keys).await;
            insta::assert_snapshot!(format!("picker_{name}_{w}x{h}"), c.ui.screen());
        }
    }
    let mut c = common::console(80, 24).await;
    c.ui.press("a").await;
    c.ui.type_text("pri").await;
    insta::assert_snapshot!("picker_assign_typed_80x24", c.ui.screen());
}

#[tokio::test]
async fn bulk_marks_undo_countdown_and_results() {
    use deskterm::desk::{Change, Desk};
    let mut settings = common::settings("dark");
    settings.undo_seconds = 5;
    let mut c = common::console_with(settings, 80, 24).await;
    c.ui.press("space space j space").await;
    insta::assert_snapshot!("bulk_marked_80x24", c.ui.screen());
    c.ui.press("c").await;
    c.ui.tick().await;
    insta::assert_snapshot!("bulk_countdown_80x24", c.ui.screen());

    let mut c = common::console(80, 24).await;
    let second =
        c.ui.state
            .held
            .tickets
            .get(c.ui.state.queue.visible[1])
            .unwrap()
            .clone();
    c.ui.press("space space space").await;
    c.desk
        .apply(
            &second.id,
            &second.version,
            &Change::Note {
                body: "meanwhile".into(),
                then: None,
                files: Vec::new(),
            },
        )
        .await
        .unwrap();
    c.ui.press("P").await;
    c.ui.type_text("urgent").await;
    c.ui.press("enter").await;
    insta::assert_snapshot!("bulk_results_80x24", c.ui.screen());
}

#[tokio::test]
async fn conflict_question() {
    use deskterm::desk::{Change, Desk, StatusKind};
    let mut c = common::console(80, 24).await;
    let first =
        c.ui.state
            .held
            .tickets
            .get(c.ui.state.queue.visible[0])
            .unwrap()
            .clone();
    c.desk
        .apply(
            &first.id,
            &first.version,
            &Change::Reply {
                body: "On my way.".into(),
                then: Some(StatusKind::Pending),
                files: Vec::new(),
            },
        )
        .await
        .unwrap();
    c.ui.press("t").await;
    insta::assert_snapshot!("conflict_80x24", c.ui.screen());
}

#[tokio::test]
async fn dashboard_pages() {
    for (w, h) in SIZES {
        let mut c = common::console(w, h).await;
        c.ui.press("d").await;
        insta::assert_snapshot!(format!("dashboard_{w}x{h}"), c.ui.screen());
    }
    // At 80x24 the panels are paged; the second page is its own screen.
    let mut c = common::console(80, 24).await;
    c.ui.press("d tab").await;
    insta::assert_snapshot!("dashboard_80x24_page_2", c.ui.screen());
    // Wide and tall enough for one column: still two, sharing the panels.
    let mut c = common::console(200, 50).await;
    c.ui.press("d").await;
    insta::assert_snapshot!("dashboard_200x50", c.ui.screen());
}

#[tokio::test]
async fn dashboard_under_no_color_is_text_alone() {
    let themes = ThemeSet::built_in(ColorDepth::TrueColor, true);
    let mut settings = common::settings("dark");
    settings.theme = themes.get("dark").unwrap();
    settings.themes = themes;
    let mut c = common::console_with(settings, 160, 48).await;
    c.ui.press("d").await;
    for cell in c.ui.draw().content.iter() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    // Bars are drawn with characters, not colour, so they survive.
    assert!(c.ui.screen().contains('█'), "{}", c.ui.screen());
}

/// The sizes the layout fixes are checked at: the smallest and a wide one.
const LAYOUT_SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

const LONG_SUBJECT: &str = "Projector in room 214 flickers and shuts off after ten minutes; \
    the spare bulb did not help, the cable was swapped twice, and the teacher needs it working \
    for the science fair presentations on Thursday morning, so please send someone who can \
    bring a replacement unit and stay until the parents arrive";

/// The first ticket open, its header as an RT or django-helpdesk ticket
/// might have it: a desk's own priority word, a very long subject, a
/// requester known only by email, the desk's own fields.
async fn ticket_from_another_desk(w: u16, h: u16) -> common::Console {
    use deskterm::desk::{Priority, PriorityLevel, RequesterRole};
    let mut c = common::console(w, h).await;
    c.ui.press("enter").await;
    let detail =
        c.ui.state
            .screen
            .ticket_mut()
            .unwrap()
            .detail
            .as_mut()
            .unwrap();
    let summary = &mut detail.summary;
    summary.priority = Priority {
        level: PriorityLevel::Urgent,
        raw: "Critical".into(),
    };
    summary.subject = LONG_SUBJECT.into();
    summary.requester.name = "J.Doe@District.org".into();
    summary.requester.email = "j.doe@district.org".into();
    summary.requester.role = RequesterRole::Unknown;
    detail.custom_fields = vec![
        ("SLA level".into(), "Tier 2 (business hours)".into()),
        ("Starts".into(), "Mon 09:00".into()),
    ];
    c
}

/// The rows above the conversation.
fn header(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .take_while(|l| !l.starts_with("── Conversation"))
        .collect()
}

#[tokio::test]
async fn ticket_header_fields_are_sized_to_their_values_and_kept_apart() {
    for (w, h) in LAYOUT_SIZES {
        let c = ticket_from_another_desk(w, h).await;
        let screen = c.ui.screen();
        let header = header(&screen);
        let text = header.join("\n");
        for value in ["urgent (Critical)", "Tier 2 (business hours)"] {
            assert!(text.contains(value), "{value:?} whole at {w}:\n{text}");
        }
        for label in [
            "Status",
            "Priority",
            "Queue",
            "Owner",
            "Channel",
            "Created",
            "Updated",
            "SLA level",
            "Starts",
        ] {
            let row = header
                .iter()
                .find(|l| l.contains(&format!("{label}  ")))
                .unwrap_or_else(|| panic!("{label} at {w}:\n{text}"));
            let at = row.find(&format!("{label}  ")).unwrap();
            assert!(
                at == 0 || row[..at].ends_with("  "),
                "two spaces before {label} at {w}: {row:?}"
            );
        }
        insta::assert_snapshot!(format!("ticket_other_desk_{w}x{h}"), screen);
    }
}

#[tokio::test]
async fn a_long_subject_wraps_to_three_lines_and_the_conversation_makes_room() {
    for (w, h) in LAYOUT_SIZES {
        let c = ticket_from_another_desk(w, h).await;
        let screen = c.ui.screen();
        let header = header(&screen);
        let title: Vec<&str> = header
            .iter()
            .take_while(|l| !l.starts_with("Status"))
            .copied()
            .collect();
        let words: Vec<&str> = title.iter().flat_map(|l| l.split_whitespace()).collect();
        let text = title.join("\n");
        assert!(title.len() <= 3, "at most three lines at {w}:\n{text}");
        if w == 80 {
            assert_eq!(title.len(), 3, "{text}");
            assert!(text.ends_with('…'), "cut with … at {w}:\n{text}");
            assert!(words.contains(&"science"), "{text}");
        } else {
            assert!(
                words.ends_with(&["parents", "arrive"]),
                "whole at {w}:\n{text}"
            );
        }
        // The conversation still starts under the header and fills the rest.
        let lines = screen.lines().count();
        assert_eq!(lines, usize::from(h), "{screen}");
    }
}

#[tokio::test]
async fn the_requester_is_named_once_and_wraps_rather_than_being_cut() {
    for (w, h) in LAYOUT_SIZES {
        let c = ticket_from_another_desk(w, h).await;
        let screen = c.ui.screen();
        let text = header(&screen).join("\n");
        assert_eq!(
            text.to_lowercase().matches("j.doe@district.org").count(),
            1,
            "the email once at {w}:\n{text}"
        );
        assert!(!text.contains('<'), "{text}");
        assert!(!text.to_lowercase().contains("unknown"), "{text}");
        assert!(text.contains("Maple Grove Elementary"), "{text}");
    }
    // A name, an email, a role and a school too long for one line at 80.
    let mut c = common::console(80, 24).await;
    c.ui.press("enter").await;
    let screen = c.ui.screen();
    let text = header(&screen).join("\n");
    assert!(
        text.contains("<zara.rodriguez33@pvusd.org> · staff"),
        "{text}"
    );
    assert!(text.contains("Maple Grove Elementary"), "{text}");
}

#[tokio::test]
async fn queue_columns_grow_to_their_names_when_there_is_room() {
    for (w, h) in LAYOUT_SIZES {
        let c = common::console(w, h).await;
        let screen = c.ui.screen();
        if w == 200 {
            for name in [
                "Isabella Williams · staff",
                "Aisha Mohammed",
                "Transportation",
            ] {
                assert!(screen.contains(name), "{name:?} whole:\n{screen}");
            }
            assert!(!screen.contains("… ·"), "no requester cut:\n{screen}");
            insta::assert_snapshot!("queue_200x50", screen);
        }
    }
}

/// The first ticket open with a conversation of quoted mail: a one-line
/// quote, a Gmail-style reply quoting six lines, an Outlook reply carrying
/// the original under its header, then a long note.
async fn ticket_with_quoted_mail(w: u16, h: u16) -> common::Console {
    use deskterm::desk::{Entry, EntryKind};
    use deskterm::state::Msg;
    let mut c = common::console(w, h).await;
    c.ui.press("enter").await;
    let view = c.ui.state.screen.ticket_mut().unwrap();
    // The quotes are the point here: the header as short as it gets.
    view.history = None;
    let detail = view.detail.as_mut().unwrap();
    let first = detail.entries[0].clone();
    let entry = |hours: i64, agent: bool, kind: EntryKind, body: &str| Entry {
        kind,
        author: if agent {
            "Leticia Gomez"
        } else {
            "Zara Rodriguez"
        }
        .into(),
        by_agent: agent,
        at: first.at + jiff::SignedDuration::from_hours(hours),
        body: deskterm::text::SafeText::block(body),
        attachments: Vec::new(),
        status: None,
    };
    let checklist: Vec<String> = (1..=15)
        .map(|i| format!("{i}. step {i} of the leave checklist"))
        .collect();
    detail.entries = vec![
        first.clone(),
        entry(
            1,
            true,
            EntryKind::Reply,
            "> Where can I find the leave request form?\n\nHi Zara, the leave request form is in the staff portal under HR Forms. Submit it to your principal first.",
        ),
        entry(
            2,
            false,
            EntryKind::Reply,
            "Thank you, I found it. Does my principal sign it before or after HR?\n\nOn Sat, 14 Feb 2026 at 04:04, Leticia Gomez wrote:\n> Hi Zara, the leave request form is in the staff portal under HR Forms.\n> Submit it to your principal first.\n>\n> Leticia Gomez\n> HR help desk",
        ),
        entry(
            3,
            true,
            EntryKind::Reply,
            "Before: your principal signs first, then HR.\n\n________________________________\nFrom: Zara Rodriguez <zara.rodriguez33@pvusd.org>\nSent: Saturday, February 14, 2026 5:04 AM\nTo: HR help desk <hr@pvusd.org>\nSubject: Re: Leave request form for next month\n\nThank you, I found it. Does my principal sign it before or after HR?",
        ),
        entry(4, true, EntryKind::Note, &checklist.join("\n")),
    ];
    // Laid out anew, as when the conversation arrives.
    c.ui.message(Msg::Resize(w, h)).await;
    c
}

/// The screen's first conversation row.
fn top_row(screen: &str) -> &str {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("── Conversation"))
        .nth(1)
        .unwrap_or("")
}

#[tokio::test]
async fn quoted_mail_is_folded_and_z_shows_it() {
    for (w, h) in LAYOUT_SIZES {
        let c = ticket_with_quoted_mail(w, h).await;
        let screen = c.ui.screen();
        assert!(
            screen.contains("│ ┆ … 6 quoted lines (z shows them)"),
            "{screen}"
        );
        if h == 50 {
            assert!(
                screen.contains("│ ┆ … 7 quoted lines (z shows them)"),
                "{screen}"
            );
        }
        assert!(!screen.contains("HR help desk"), "{screen}");
        // One quoted line is dimmed, not folded.
        assert!(
            screen.contains("│ ┆ > Where can I find the leave request form?"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("ticket_quoted_{w}x{h}"), screen);
    }
    let mut c = ticket_with_quoted_mail(80, 24).await;
    let folded = c.ui.screen();
    c.ui.press("z").await;
    let shown = c.ui.screen();
    assert!(
        shown.contains("│ ┆ On Sat, 14 Feb 2026 at 04:04, Leticia Gomez wrote:"),
        "{shown}"
    );
    assert!(!shown.contains("quoted lines"), "{shown}");
    c.ui.press(&["j"; 7].join(" ")).await;
    insta::assert_snapshot!("ticket_quoted_shown_80x24", c.ui.screen());
    c.ui.press("g z").await;
    assert_eq!(c.ui.screen(), folded, "z folds them again");

    // The entry at the top of the screen stays there, whichever way.
    c.ui.press("z").await;
    c.ui.press(&["j"; 19].join(" ")).await;
    let top = top_row(&c.ui.screen()).to_string();
    assert!(top.starts_with("│ Leticia Gomez · agent"), "{top}");
    assert!(top.contains("06:04"), "the Outlook reply: {top}");
    c.ui.press("z").await;
    assert_eq!(top_row(&c.ui.screen()), top);
    c.ui.press("z").await;
    assert_eq!(top_row(&c.ui.screen()), top);
    // Inside a quote: the quote's first row (or its fold) stays on top.
    c.ui.press(&["k"; 5].join(" ")).await;
    assert!(
        top_row(&c.ui.screen()).contains("> Submit it"),
        "{}",
        c.ui.screen()
    );
    c.ui.press("z").await;
    assert!(
        top_row(&c.ui.screen()).contains("… 6 quoted lines"),
        "{}",
        c.ui.screen()
    );
    c.ui.press("z").await;
    assert!(
        top_row(&c.ui.screen()).contains("wrote:"),
        "{}",
        c.ui.screen()
    );
}
