//! The signed-in workspace: an agency's tasks (`/my`), one task (`/tasks/{number}`) with its
//! report and comment forms, and the planners' overview (`/plan`).

use poem::Route;

/// Adds the workspace's pages to the service's routes.
pub fn routes(route: Route) -> Route {
    route
}
