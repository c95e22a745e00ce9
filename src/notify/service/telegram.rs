//! `tgram://bot_token/chat_id[/chat_id…]`: the Telegram Bot API's `sendMessage`, as apprise
//! 1.7.1 sends it (HTML parse mode, the title in bold), one POST per chat; chats are numeric
//! ids or `@channel` names.

use super::{escape_entities, obj, post, s, ua_headers, Request};
use crate::notify::sender::{Check, Target};
use crate::notify::url::{parse_list, token_ok, Query};
use serde_json::Value;

/// A chat: its numeric id, or a public `@name`.
#[derive(Clone, PartialEq)]
enum ChatId {
    Id(i64),
    Name(String),
}

/// A parsed `tgram://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct Telegram {
    token: String,
    chats: Vec<ChatId>,
    silent: bool,
    preview: bool,
}

impl Telegram {
    /// `tgram://[bot]<digits>:<token>/<chat>[/<chat>…][?to=…]`: the colon in the bot token is not a
    /// port (apprise rewrites it to a slash before parsing; so does this).
    /// The bot token and its secret half are added to `secrets`.
    pub(crate) fn parse(url: &str, secrets: &mut Vec<String>) -> Result<Telegram, String> {
        let usage = "write tgram://<bot_token>/<chat_id>[/<chat_id>…]";
        let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
        let rest = rest
            .strip_prefix("bot")
            .or_else(|| rest.strip_prefix("BOT"))
            .unwrap_or(rest);
        let (before_q, qs) = rest.split_once('?').unwrap_or((rest, ""));
        let digits = before_q.bytes().take_while(|b| b.is_ascii_digit()).count();
        let after = &before_q[digits..];
        let after = after
            .strip_prefix(':')
            .or_else(|| after.strip_prefix("%3A"))
            .or_else(|| after.strip_prefix("%3a"))
            .ok_or(usage)?;
        let mut parts = after.split('/').filter(|s| !s.is_empty());
        let b = parts.next().ok_or(usage)?;
        if digits == 0 || !token_ok(b, b"_-") {
            return Err("the bot token is not <digits>:<letters, digits, _, ->".into());
        }
        let token = format!("{}:{b}", &before_q[..digits]);
        secrets.push(token.clone());
        secrets.push(b.to_string());
        let query = Query::parse(qs);
        let mut names: Vec<String> = parts.map(crate::net::proxy::percent_decode).collect();
        if let Some(v) = query.value("to") {
            names.extend(parse_list(v));
        }
        if names.is_empty() {
            return Err("no chat id (tgram://<bot_token>/<chat_id>); finding it through getUpdates, as apprise does, is not supported".into());
        }
        let mut chats = Vec::new();
        for n in names {
            let digits_only = n.strip_prefix('-').unwrap_or(&n);
            if !digits_only.is_empty() && digits_only.bytes().all(|b| b.is_ascii_digit()) {
                chats.push(ChatId::Id(
                    n.parse::<i64>().map_err(|_| "a chat id is too large")?,
                ));
            } else {
                let name = n.strip_prefix('@').unwrap_or(&n);
                let ok = name.len() >= 2
                    && name
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-')
                    && token_ok(name, b"_-");
                if !ok {
                    return Err("a chat is neither a number nor a @name".into());
                }
                chats.push(ChatId::Name(name.to_string()));
            }
        }
        Ok(Telegram {
            token,
            chats,
            silent: query.flag("silent", false),
            preview: query.flag("preview", false),
        })
    }

    /// One POST per chat.
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let Telegram {
            token,
            chats,
            silent,
            preview,
        } = self;
        let url = r.origin(
            "https://api.telegram.org",
            &format!("/bot{token}/sendMessage"),
        );
        let text = format!(
            "<b>{}</b>\r\n{}",
            escape_entities(title),
            escape_entities(body)
        );
        chats
            .iter()
            .map(|chat| {
                let id = match chat {
                    ChatId::Id(n) => Value::from(*n),
                    ChatId::Name(n) => Value::String(format!("@{n}")),
                };
                let p = obj(vec![
                    ("disable_notification", Value::Bool(*silent)),
                    ("disable_web_page_preview", Value::Bool(!*preview)),
                    ("parse_mode", s("HTML")),
                    ("text", s(&text)),
                    ("chat_id", id),
                ]);
                post(
                    url.clone(),
                    ua_headers(&[("Content-Type", "application/json")]),
                    &p,
                    Check::Status200,
                )
            })
            .collect()
    }
}
