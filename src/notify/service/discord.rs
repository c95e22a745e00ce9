//! `discord://webhook_id/webhook_token`: a Discord webhook, as apprise 1.7.1 sends it: title
//! and body in one `content` (cut to Discord's limit), `@name`, `<@id>` and `<@&role>` in the
//! body listed in `allow_mentions`.

use super::{obj, post, s, ua_headers, Request, IMAGE_256};
use crate::notify::sender::{Check, Target};
use crate::notify::url::{token_ok, UrlParts};
use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

/// Discord refuses `content` longer than this (characters).
const DISCORD_MAX: usize = 2000;

/// A parsed `discord://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct Discord {
    id: String,
    token: String,
    botname: Option<String>,
    tts: bool,
    avatar: bool,
    avatar_url: Option<String>,
}

impl Discord {
    /// The URL's parts, checked at startup; an error says what is wrong, never a token.
    pub(crate) fn parse(u: &UrlParts) -> Result<Discord, String> {
        let token = u
            .segments
            .first()
            .ok_or("write discord://webhook_id/webhook_token")?;
        if !token_ok(&u.host, b"_-") || !token_ok(token, b"_-") {
            return Err("the webhook id and token must be letters, digits, _ and -".into());
        }
        let tts = u.query.flag("tts", false);
        Ok(Discord {
            id: u.host.clone(),
            token: token.clone(),
            botname: u.user.clone(),
            tts,
            avatar: u.query.flag("avatar", true),
            avatar_url: u.query.value("avatar_url").map(str::to_string),
        })
    }

    /// One POST to the webhook.
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let Discord {
            id,
            token,
            botname,
            tts,
            avatar,
            avatar_url,
        } = self;
        let mut p = vec![("tts", Value::Bool(*tts)), ("wait", Value::Bool(!*tts))];
        if *avatar {
            p.push(("avatar_url", s(avatar_url.as_deref().unwrap_or(IMAGE_256))));
        }
        if let Some(b) = botname {
            p.push(("username", s(b)));
        }
        let content = if title.is_empty() {
            body.to_string()
        } else {
            format!("{title}\r\n{body}")
        };
        let content: String = content.chars().take(DISCORD_MAX).collect();
        p.push(("content", Value::String(content)));
        if let Some(m) = discord_mentions(body) {
            p.push(("allow_mentions", m));
        }
        let url = r.origin(
            "https://discord.com",
            &format!("/api/webhooks/{id}/{token}"),
        );
        vec![post(
            url,
            ua_headers(&[("Content-Type", "application/json; charset=utf-8")]),
            &obj(p),
            Check::Status200Or204,
        )]
    }
}

/// apprise's `USER_ROLE_DETECTION_RE.findall(body)` → (`parse`, `users`, `roles`).
fn discord_mentions(body: &str) -> Option<Value> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\s*(?:<@(?P<role>&?)(?P<id>[0-9]+)>|@(?P<value>[a-z0-9]+))")
            .expect("mention regex")
    });
    let (mut parse, mut users, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    let mut any = false;
    for c in re.captures_iter(body) {
        any = true;
        if let Some(v) = c.name("value") {
            parse.push(s(v.as_str()));
        } else if c.name("role").is_some_and(|r| r.as_str() == "&") {
            roles.push(s(c.name("id").map_or("", |m| m.as_str())));
        } else {
            users.push(s(c.name("id").map_or("", |m| m.as_str())));
        }
    }
    any.then(|| {
        obj(vec![
            ("parse", Value::Array(parse)),
            ("users", Value::Array(users)),
            ("roles", Value::Array(roles)),
        ])
    })
}
