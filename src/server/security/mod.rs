//! Hardening applied to every response and request: security headers with a
//! per-page CSP nonce, CORS for configured origins only, `ALLOWED_HOSTS` in
//! production, and same-origin checks for cookie-authenticated changes.

pub mod cors;
pub mod csrf;
pub mod headers;
pub mod hosts;
