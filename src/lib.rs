//! deskterm: a terminal agent console for service desks.
//!
//! The flow runs one way: terminal events, ticks and desk results become
//! messages; [`state::update`] turns a message into new state and effects;
//! [`ui::render`] draws the state; [`app`] runs the effects against a
//! [`desk::Desk`] and feeds their results back as messages. The screen's
//! shape, which both the state and the drawing need, is [`layout`]'s.

pub mod action;
pub mod allocator;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod credential;
pub mod dashboard;
pub mod desk;
pub mod editor;
pub mod floods;
pub mod headless;
pub mod layout;
pub mod logging;
pub mod numbers;
pub mod opener;
pub mod paths;
pub mod session;
pub mod signin;
pub mod sla;
pub mod state;
pub mod store;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod worker;
