//! One module per page.

pub mod account;
pub mod admin;
pub mod backtest;
pub mod dashboard;
pub mod home;
pub mod login;
pub mod markets;
pub mod not_found;
pub mod register;
pub mod signals;
