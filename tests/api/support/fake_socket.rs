//! A local fake of Slack's Socket Mode WebSocket: it accepts the bot's connections, says hello
//! on each, sends the envelopes a test gives it, records every acknowledgement by envelope id,
//! and can drop a connection or ask the bot to reconnect as Slack does.

use std::sync::{Arc, Mutex};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::eventually;

struct Connection {
    outgoing: mpsc::UnboundedSender<Message>,
    tasks: Vec<JoinHandle<()>>,
}

#[derive(Default)]
struct Recorder {
    connections: Vec<Connection>,
    /// Every frame the bot sent that names an envelope, in order.
    acks: Vec<Value>,
}

/// A running fake socket; clones share it.
#[derive(Clone)]
pub struct FakeSocket {
    recorder: Arc<Mutex<Recorder>>,
    /// What `apps.connections.open` hands out.
    pub url: String,
}

impl FakeSocket {
    pub async fn start() -> FakeSocket {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake socket");
        let url = format!(
            "ws://{}/link/?ticket=fake",
            listener.local_addr().expect("address")
        );
        let recorder = Arc::new(Mutex::new(Recorder::default()));
        let accepting = recorder.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
                    continue;
                };
                connect(&accepting, socket);
            }
        });
        FakeSocket { recorder, url }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorder> {
        self.recorder.lock().expect("fake socket lock")
    }

    /// How many connections the bot has opened so far.
    pub fn connections(&self) -> usize {
        self.lock().connections.len()
    }

    /// Waits until the bot has opened `n` connections.
    pub async fn wait_for_connections(&self, n: usize) {
        eventually(&format!("{n} Socket Mode connection(s)"), || async {
            (self.connections() >= n).then_some(())
        })
        .await;
    }

    /// Sends a frame on the newest connection.
    pub fn send(&self, frame: Value) {
        let recorder = self.lock();
        let connection = recorder.connections.last().expect("a connection");
        connection
            .outgoing
            .send(Message::Text(frame.to_string().into()))
            .expect("the connection is open");
    }

    /// Sends an envelope of `kind` with `payload` on the newest connection.
    pub fn send_envelope(&self, envelope_id: &str, kind: &str, payload: Value) {
        self.send(json!({
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": kind != "events_api",
            "payload": payload,
        }));
    }

    /// The bot's acknowledgement of `envelope_id`, once it comes.
    pub async fn ack(&self, envelope_id: &str) -> Value {
        eventually(&format!("the ack of {envelope_id}"), || async {
            self.acks_of(envelope_id).into_iter().next()
        })
        .await
    }

    /// Every acknowledgement of `envelope_id` so far.
    pub fn acks_of(&self, envelope_id: &str) -> Vec<Value> {
        self.lock()
            .acks
            .iter()
            .filter(|ack| ack["envelope_id"] == envelope_id)
            .cloned()
            .collect()
    }

    /// Drops the newest connection without a closing handshake, as a network failure does.
    pub fn drop_connection(&self) {
        let mut recorder = self.lock();
        let connection = recorder.connections.last_mut().expect("a connection");
        for task in connection.tasks.drain(..) {
            task.abort();
        }
    }

    /// Asks the bot to reconnect, as Slack does before it closes a connection.
    pub fn send_disconnect(&self) {
        self.send(json!({
            "type": "disconnect",
            "reason": "refresh_requested",
            "debug_info": {"host": "fake-socket"}
        }));
    }
}

/// Serves one accepted connection: hello first, then whatever the test sends, while
/// recording what the bot sends back.
fn connect(
    recorder: &Arc<Mutex<Recorder>>,
    socket: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) {
    let (mut sink, mut stream) = socket.split();
    let (outgoing, mut queued) = mpsc::unbounded_channel::<Message>();
    let hello = json!({
        "type": "hello",
        "num_connections": 1,
        "debug_info": {"host": "fake-socket", "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A1"}
    });
    outgoing
        .send(Message::Text(hello.to_string().into()))
        .expect("queueing hello");
    let writer = tokio::spawn(async move {
        while let Some(message) = queued.recv().await {
            if sink.send(message).await.is_err() {
                break;
            }
        }
    });
    let reading = recorder.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            if let Message::Text(text) = message
                && let Ok(frame) = serde_json::from_str::<Value>(&text)
                && frame.get("envelope_id").is_some()
            {
                reading.lock().expect("fake socket lock").acks.push(frame);
            }
        }
    });
    recorder
        .lock()
        .expect("fake socket lock")
        .connections
        .push(Connection {
            outgoing,
            tasks: vec![writer, reader],
        });
}
