//! Keys derived from the operator's secrets, and the sealing of secrets the service
//! stores for users. `SECRET_KEY` signs the session cookie; `ENCRYPTION_KEY` (with
//! `ENCRYPTION_KEY_PREVIOUS` during a rotation) seals stored user secrets.

pub mod keys;
pub mod rotation;
pub mod sealed;

pub use sealed::{SealError, Sealer};
