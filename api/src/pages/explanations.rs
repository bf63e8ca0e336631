//! Requests for explanation in the browser: a leader or planner asks from the task page
//! (`POST /tasks/{number}/explanations`), the agency asked answers there or from `/my`
//! (`POST /explanations/{id}/answer`). Both go through [`explanations`] like the GraphQL
//! mutations; a refused form shows the task page again with the reason.

use std::sync::Arc;

use chrono::NaiveDate;
use poem::web::{Data, Path};
use poem::{handler, Body, Request, Response, Route};
use sea_orm::DatabaseConnection;

use super::workspace::{render_task, signed_form, TaskExtras};
use super::{error_page, error_words, field, see_other, status_of, Chrome};
use crate::services::attachments;
use crate::services::explanations::{self, NewRequest};
use crate::services::figures::Figures;
use crate::services::sessions::{BrowserSession, Sessions};

/// Adds the explanation forms' routes.
pub fn routes(route: Route) -> Route {
    route
        .at("/tasks/:number/explanations", poem::post(ask))
        .at("/explanations/:id/answer", poem::post(answer))
}

/// `POST /tasks/{number}/explanations` (`agency`, `question`, `due_on`).
#[handler]
async fn ask(
    request: &Request,
    Path(number): Path<String>,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(figures): Data<&Figures>,
    Data(limits): Data<&attachments::Limits>,
) -> Response {
    let (session, fields, lang) = match signed_form(request, body, db, sessions).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let Ok(number) = number.parse::<i32>() else {
        let chrome = Chrome::new(lang, Some(&session), "/", "");
        return error_page(&chrome, &crate::Error::NotFound(format!("task {number:?}")));
    };
    let due_on = field(&fields, "due_on").map(str::parse::<NaiveDate>);
    let outcome = match due_on {
        Some(Ok(due_on)) => {
            explanations::request(
                db,
                figures,
                Some(&session.viewer),
                NewRequest {
                    task_number: number,
                    agency_code: field(&fields, "agency").unwrap_or_default().to_owned(),
                    question: field(&fields, "question").unwrap_or_default().to_owned(),
                    due_on,
                },
            )
            .await
        }
        _ => Err(crate::Error::bad_input(
            "give the day the answer is expected by",
        )),
    };
    match outcome {
        Ok(saved) => see_other(&format!(
            "/tasks/{number}?lang={}&sent=asked#explanation-{}",
            lang.code(),
            saved.id
        )),
        Err(err) => refused(db, &session, limits, lang, number, &err).await,
    }
}

/// `POST /explanations/{id}/answer` (`answer`).
#[handler]
async fn answer(
    request: &Request,
    Path(id): Path<String>,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(figures): Data<&Figures>,
    Data(limits): Data<&attachments::Limits>,
) -> Response {
    let (session, fields, lang) = match signed_form(request, body, db, sessions).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let chrome = Chrome::new(lang, Some(&session), "/my", "");
    let Ok(id) = id.parse::<i32>() else {
        return error_page(&chrome, &crate::Error::NotFound(format!("request {id:?}")));
    };
    let text = field(&fields, "answer").unwrap_or_default();
    match explanations::answer(db, figures, Some(&session.viewer), id, text).await {
        Ok(saved) => match explanations::task_number(db, &saved).await {
            Ok(number) => see_other(&format!(
                "/tasks/{number}?lang={}&sent=answered#explanation-{id}",
                lang.code()
            )),
            Err(err) => error_page(&chrome, &err),
        },
        Err(err) => match explanations::task_number_of(db, id).await {
            Ok(Some(number)) => refused(db, &session, limits, lang, number, &err).await,
            _ => error_page(&chrome, &err),
        },
    }
}

/// The task page again, with why the form was refused.
async fn refused(
    db: &DatabaseConnection,
    session: &BrowserSession,
    limits: &attachments::Limits,
    lang: super::Lang,
    number: i32,
    err: &crate::Error,
) -> Response {
    render_task(
        db,
        Some(session),
        limits,
        lang,
        number,
        1,
        status_of(err),
        TaskExtras {
            problem: Some(error_words(lang, err)),
            ..Default::default()
        },
    )
    .await
}
