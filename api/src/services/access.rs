//! Who is asking: the signed-in account behind a request, and the role checks every write uses.

use entities::UserRole;

use crate::error::{Error, Result};

/// The signed-in account making a request, as stored now (not as the token claimed).
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i32,
    pub username: String,
    pub role: UserRole,
    /// The agency an `AGENCY` user reports for.
    pub agency_id: Option<i32>,
}

impl Viewer {
    /// Whether this is a DIC planner.
    pub fn is_planner(&self) -> bool {
        self.role == UserRole::Planner
    }
}

/// The viewer, or `UNAUTHENTICATED` for an anonymous request.
pub fn signed_in(viewer: Option<&Viewer>) -> Result<&Viewer> {
    viewer.ok_or(Error::Unauthenticated)
}

/// The viewer if it is a planner; `UNAUTHENTICATED` or `FORBIDDEN` otherwise.
pub fn planner(viewer: Option<&Viewer>) -> Result<&Viewer> {
    let viewer = signed_in(viewer)?;
    if viewer.is_planner() {
        Ok(viewer)
    } else {
        Err(Error::forbidden("only DIC planners may do this"))
    }
}
