//! The services, one file each: how its URL is read (`parse`, at startup) and the requests it
//! sends for a message (`requests`). What they share is here: apprise's identity (the
//! `User-Agent`, the app name, the `info` colour and icons it puts in payloads) and JSON
//! written the way Python's `json.dumps` writes it, so every body is byte for byte the one
//! apprise 1.7.1 sends.

mod discord;
mod json;
mod mailto;
mod mattermost;
mod msteams;
mod slack;
mod telegram;

pub(crate) use discord::Discord;
pub(crate) use json::Json;
pub(crate) use mailto::Email;
pub(crate) use mattermost::Mattermost;
pub(crate) use msteams::MsTeams;
pub(crate) use slack::Slack;
pub(crate) use telegram::Telegram;

use crate::notify::sender::{Check, HttpSpec, Target};
use crate::pycompat::python_literal;
use serde_json::Value;

pub(crate) const APP_ID: &str = "Apprise";
const APP_DESC: &str = "Apprise Notifications";
/// apprise's colour for the `info` notify type.
const INFO_COLOR: &str = "#3AA3E3";
pub(crate) const IMAGE_72: &str = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-72x72.png";
pub(crate) const IMAGE_256: &str = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-256x256.png";

/// What a service builds its requests from: the message, the time (Slack's `ts`) and
/// `Notification_Base_URL`.
pub(crate) struct Request<'a> {
    pub(crate) title: &'a str,
    pub(crate) body: &'a str,
    /// Unix time.
    pub(crate) now: f64,
    pub(crate) base_url: Option<&'a str>,
}

impl Request<'_> {
    /// `default` (`https://hooks.slack.com`…) or the configured base URL, then `path`.
    fn origin(&self, default: &str, path: &str) -> String {
        format!("{}{path}", self.base_url.unwrap_or(default))
    }
}

/// `User-Agent: Apprise`, then `pairs`.
fn ua_headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    std::iter::once(("User-Agent".to_string(), APP_ID.to_string()))
        .chain(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

/// A JSON POST.
fn post(url: String, headers: Vec<(String, String)>, payload: &Value, check: Check) -> Target {
    Target::Http(HttpSpec {
        method: "POST".into(),
        url,
        headers,
        body: py_json(payload).into_bytes(),
        check,
    })
}

// Bodies are `serde_json::Value`s (objects keep insertion order: the `preserve_order`
// feature), written by `python_literal::python_json_compact` as Python's `json.dumps` would.

pub(crate) fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

pub(crate) fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `json.dumps(v)`: `", "` and `": "` separators, ASCII only (`\uXXXX`, surrogate pairs).
pub(crate) fn py_json(v: &Value) -> String {
    python_literal::python_json_compact(v)
}

/// `&`, `<` and `>` as entities: Slack's mrkdwn escapes, and the three Telegram's HTML parse
/// mode needs (apprise forgets them there, and Telegram then rejects any title or body
/// holding `<` or `&`).
fn escape_entities(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
