//! The dashboard in the console, on the seeded demo desk with a fixed clock:
//! its figures agree with the queue, Enter follows a figure into the queue
//! or a ticket, and the figures follow what changes on the desk.
#![allow(clippy::unwrap_used)]

mod common;
use common::visible;

use deskterm::dashboard::Focus;
use deskterm::desk::{Change, Desk, StatusKind};
use deskterm::layout::dash::Placed;
use deskterm::sla::Level;
use jiff::SignedDuration;

/// Move the dashboard's cursor to the first figure `wanted` accepts.
async fn choose(c: &mut common::Console, wanted: impl Fn(&Focus) -> bool) -> Focus {
    let items = deskterm::layout::dash::items(&c.ui.state);
    let at = items.iter().position(|(_, _, f)| wanted(f)).unwrap();
    for _ in 0..at {
        c.ui.press("j").await;
    }
    items[at].2.clone()
}

#[tokio::test]
async fn d_and_colon_dash_open_it_and_its_figures_agree_with_the_queue() {
    let mut c = common::console(80, 24).await;
    c.ui.press("d").await;
    assert!(c.ui.state.screen.dash().is_some());
    assert!(c.ui.screen().contains("Open by department"));

    let d = &c.ui.state.dashboard;
    let counts = &c.ui.state.held.counts;
    assert_eq!(d.open, visible(&c).len());
    assert_eq!(d.open, counts.open);
    for bars in [&d.by_queue, &d.by_channel, &d.requesters] {
        assert_eq!(bars.iter().map(|b| b.value).sum::<usize>(), d.open);
    }
    assert_eq!(
        d.sla.iter().map(|r| r.at_risk).sum::<usize>(),
        counts.at_risk
    );
    assert_eq!(
        d.sla.iter().map(|r| r.breached).sum::<usize>(),
        counts.breached
    );
    // The finished tickets of the last 30 days were read for the flows.
    assert!(d.daily.iter().map(|f| f.resolved).sum::<usize>() > 100);
    assert_eq!(d.daily.iter().map(|f| f.new).sum::<usize>(), 639);

    c.ui.press("esc").await;
    assert!(c.ui.state.screen.dash().is_none());
    assert!(c.ui.screen().contains("All"));
    c.ui.press(":").await;
    c.ui.type_text("dash").await;
    c.ui.press("enter").await;
    assert!(c.ui.state.screen.dash().is_some());
    c.ui.press("d").await;
    assert!(
        c.ui.state.screen.dash().is_none(),
        "d goes back, as it came"
    );
}

#[tokio::test]
async fn enter_on_a_figure_narrows_the_queue_and_esc_shows_everything_again() {
    let mut c = common::console(80, 24).await;
    let open = visible(&c).len();
    c.ui.press("d").await;
    // The first figure is the largest department.
    let it = c.ui.state.dashboard.by_queue[0].clone();
    c.ui.press("enter").await;
    assert!(c.ui.state.screen.dash().is_none());
    let Focus::Queue(queue) = &it.focus else {
        panic!("{:?}", it.focus)
    };
    assert_eq!(visible(&c).len(), it.value);
    assert!(visible(&c).iter().all(|t| t.queue.id == *queue));
    assert!(
        c.ui.screen()
            .contains(&format!("showing open in {}", it.label))
    );
    c.ui.press("esc").await;
    assert_eq!(visible(&c).len(), open);

    // A channel.
    c.ui.press("d").await;
    let Focus::Channel(channel) = choose(&mut c, |f| matches!(f, Focus::Channel(_))).await else {
        unreachable!()
    };
    c.ui.press("enter").await;
    assert!(!visible(&c).is_empty());
    assert!(visible(&c).iter().all(|t| t.channel == channel));

    // A department's slipping tickets: at risk or breached, nothing else.
    c.ui.press("esc d").await;
    let focus = choose(&mut c, |f| matches!(f, Focus::Slipping(_))).await;
    let row = c.ui.state.dashboard.sla[0].clone();
    assert_eq!(focus, Focus::Slipping(row.id.clone()));
    c.ui.press("enter").await;
    let now = c.ui.state.now;
    let thresholds = c.ui.state.settings.thresholds;
    assert_eq!(visible(&c).len(), row.at_risk + row.breached);
    assert!(visible(&c).iter().all(|t| {
        t.queue.id == row.id
            && t.sla
                .level(now, &thresholds)
                .is_some_and(|l| l == Level::Breached || l.at_risk())
    }));

    // An agent's load.
    c.ui.press("esc d").await;
    let Focus::Agent(agent) = choose(&mut c, |f| matches!(f, Focus::Agent(_))).await else {
        unreachable!()
    };
    let load = c.ui.state.dashboard.agents[0].clone();
    assert_eq!(load.id, agent);
    c.ui.press("enter").await;
    assert_eq!(visible(&c).len(), load.open);
    assert!(
        visible(&c)
            .iter()
            .all(|t| t.owner.as_ref().is_some_and(|o| o.id == agent))
    );
}

#[tokio::test]
async fn enter_on_one_of_the_oldest_opens_that_ticket() {
    let mut c = common::console(80, 24).await;
    c.ui.press("d").await;
    let Focus::Ticket(id) = choose(&mut c, |f| matches!(f, Focus::Ticket(_))).await else {
        unreachable!()
    };
    let oldest = visible(&c).iter().map(|t| t.created).min().unwrap();
    assert_eq!(c.ui.state.held.tickets.by_id(&id).unwrap().created, oldest);
    // The page turned to show the chosen figure.
    assert!(c.ui.screen().contains("Oldest open"), "{}", c.ui.screen());
    c.ui.press("enter").await;
    assert_eq!(c.ui.state.screen.ticket().unwrap().id, id);
}

#[tokio::test]
async fn the_figures_follow_changes_on_the_desk_without_reloading() {
    let mut c = common::console(160, 48).await;
    c.ui.press("d").await;
    let before = c.ui.state.dashboard.clone();
    let target = visible(&c)[0].clone();
    c.desk
        .apply(
            &target.id,
            &target.version,
            &Change::SetStatus(StatusKind::Resolved),
        )
        .await
        .unwrap();
    common::a_new_ticket_arrives(&c.desk);
    // The next refresh brings both in; the figures follow within one recount.
    for _ in 0..5 {
        c.ui.advance(SignedDuration::from_secs(1));
        c.ui.tick().await;
    }
    let after = &c.ui.state.dashboard;
    assert_eq!(after.open, before.open, "one resolved, one new");
    assert_eq!(after.hourly[23].resolved, before.hourly[23].resolved + 1);
    assert_eq!(after.hourly[23].new, before.hourly[23].new + 1);
    let in_queue = |d: &deskterm::dashboard::Dashboard| {
        d.by_queue
            .iter()
            .find(|b| b.focus == Focus::Queue(target.queue.id.clone()))
            .map_or(0, |b| b.value)
    };
    assert!(
        in_queue(after) <= in_queue(&before),
        "the resolved one left its department"
    );
    assert!(c.ui.screen().contains("Dashboard"));
}

/// The README promises the ten tickets waiting longest, and the panel
/// shows every one the figures hold.
#[tokio::test]
async fn oldest_open_lists_the_ten_waiting_longest() {
    let mut c = common::console(160, 48).await;
    c.ui.press("d").await;
    assert_eq!(deskterm::dashboard::OLDEST_OPEN, 10);
    let oldest = &c.ui.state.dashboard.oldest;
    assert_eq!(oldest.len(), 10);
    let panels = deskterm::layout::dash::panels(&c.ui.state, 79);
    let panel = panels.iter().find(|p| p.title == "Oldest open").unwrap();
    assert_eq!(panel.lines.len(), 10);
    assert_eq!(panel.items.len(), 10);
    let screen = c.ui.screen();
    for t in oldest {
        assert!(
            screen.contains(&format!(" {:<6} ", t.key)),
            "{} in {screen}",
            t.key
        );
    }
}

/// Side by side from 120 columns, whatever the height: when everything
/// fits, the two columns are about as tall as each other, in reading order.
#[tokio::test]
async fn two_columns_share_the_panels_when_everything_fits() {
    for (w, h) in [(120, 70), (200, 80), (200, 50), (160, 48)] {
        let mut c = common::console(w, h).await;
        c.ui.press("d").await;
        let body = deskterm::layout::screen(c.ui.state.viewport, false).body;
        let (panels, pages) = deskterm::layout::dash::pages(&c.ui.state, body);
        assert_eq!(pages.len(), 1, "{w}x{h}: one page");
        let page = &pages[0];
        assert_eq!(page.len(), panels.len(), "{w}x{h}: every panel");
        let (left, right): (Vec<&Placed>, Vec<&Placed>) =
            page.iter().partition(|p| p.area.x == body.x);
        assert!(
            !left.is_empty() && !right.is_empty(),
            "{w}x{h}: panels in both columns"
        );
        // Column one first, then column two, each top to bottom.
        let order: Vec<usize> = left.iter().chain(&right).map(|p| p.panel).collect();
        assert_eq!(order, (0..panels.len()).collect::<Vec<_>>(), "{w}x{h}");
        let tall = |col: &[&Placed]| -> u16 { col.iter().map(|p| p.area.height).sum() };
        let tallest = page.iter().map(|p| p.area.height).max().unwrap();
        assert!(
            tall(&left).abs_diff(tall(&right)) <= tallest,
            "{w}x{h}: {} against {}",
            tall(&left),
            tall(&right)
        );
    }
}
