//! `CurrentUser`: the caller of an API route, as services see them. Found by the
//! extractor in `extractor.rs` (token, API key or session cookie).

use crate::domain::role::Role;
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;

use crate::server::accounts::users::UserRow;
use crate::server::api_error::ApiError;

pub const API_KEY_HEADER: &str = "x-api-key";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    AccessToken,
    ApiKey,
    /// The browser's session cookie (the dashboard).
    Session,
}

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub tier: Tier,
    pub role: Role,
    pub method: AuthMethod,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// 403 `ADMIN_REQUIRED` unless the caller administers the installation.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::AdminRequired))
        }
    }

    pub fn from_row(user: UserRow, method: AuthMethod) -> CurrentUser {
        CurrentUser {
            id: user.id,
            email: user.email,
            tier: user.tier,
            role: user.role,
            method,
        }
    }
}
