//! The live feed behind `/ws`: quotes for subscribed symbols (the demo market's
//! intraday walk) and the user's new signals, pushed over WebSockets.

pub mod admission;
pub mod hub;
pub mod socket;

pub use hub::{spawn_feed, LiveHub};
