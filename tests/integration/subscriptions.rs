//! The `taskStatusChanged` subscription over a websocket (graphql-transport-ws protocol).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::*;

/// The next JSON message on a websocket, waiting at most 10 s.
pub async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket stays open")
            .expect("a websocket frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON message");
        }
    }
}

/// A websocket on `app` (graphql-transport-ws) with `query` subscribed as id "1".
pub async fn subscribe(
    app: &TestApp,
    query: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!("{}/graphql/ws", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("websocket request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": {} }).to_string(),
        ))
        .await
        .expect("init");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
        ))
        .await
        .expect("subscribe");
    socket
}

app_test!(
    async fn dashboards_receive_each_accepted_change_live(app) {
        let token = app.signed_in("health.officer", "agency", Some("SYT")).await;
        let mut socket = subscribe(
            &app,
            "subscription { taskStatusChanged(taskNumber: 24) { taskNumber status progress taskStatus version changedBy agency { code } task { progress } } }",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;

        app.data_as(
            Some(&token),
            "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 60 }) { version } }",
            json!({}),
        )
        .await;
        let message = next_json(&mut socket).await;
        assert_eq!(message["type"], "next", "{message}");
        let change = &message["payload"]["data"]["taskStatusChanged"];
        assert_eq!(change["taskNumber"], 24);
        assert_eq!(change["status"], "IN_PROGRESS");
        assert_eq!(change["progress"], 60);
        assert_eq!(change["version"], 2);
        assert_eq!(change["agency"]["code"], "SYT");
        assert_eq!(change["task"]["progress"], 60);
        assert!(change["changedBy"].is_null(), "an anonymous subscriber does not see who");
    }
);
