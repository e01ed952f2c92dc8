//! `deskterm report`: the dashboard's figures over a period.

use std::process::ExitCode;

use super::exit::Failure;
use super::{Cli, Connected};
use crate::dashboard::report::{self, By};
use crate::text::table::Format;

pub(super) fn report(cli: &Cli, since: &str, by: By, format: Format) -> Result<ExitCode, Failure> {
    let period = crate::sla::policy::parse_duration(since)
        .map_err(|why| Failure::usage(format!("--since: {why}")))?;
    let desk = Connected::open(cli)?;
    let since = desk.now - period;
    let tickets = desk.block_on(report::gather(desk.desk(), &desk.launcher.base.sla, since))?;
    let rows = report::rows(&tickets, by, since, desk.now, desk.thresholds());
    print!("{}", report::render(&rows, format, by, since, desk.now));
    Ok(ExitCode::SUCCESS)
}
