//! `slack://`: an incoming webhook (`slack://TokenA/TokenB/TokenC[/#channel…]`) or the Web
//! API with a bot token (`slack://xoxb-…/#channel`), as apprise 1.7.1 sends them: one
//! `attachments` message per channel, title and body in mrkdwn with `&`, `<`, `>` escaped.

use super::{escape_entities, obj, post, s, ua_headers, Request, APP_ID, IMAGE_72, INFO_COLOR};
use crate::notify::sender::{Check, Target};
use crate::notify::url::{channels_of, token_ok, UrlParts};
use serde_json::Value;

/// Where a Slack message goes: the webhook's three tokens, or a bot token (`chat.postMessage`).
#[derive(Clone, PartialEq)]
enum SlackTarget {
    Webhook(String, String, String),
    Bot(String),
}

/// A parsed `slack://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct Slack {
    target: SlackTarget,
    botname: Option<String>,
    channels: Vec<Option<String>>,
    image: bool,
    footer: bool,
}

impl Slack {
    /// The URL's parts, checked at startup; an error says what is wrong, never a token.
    pub(crate) fn parse(u: &UrlParts) -> Result<Slack, String> {
        let first = u.host.as_str();
        let lower = first.to_ascii_lowercase();
        let (target, rest) = if ["xoxb-", "xoxp-", "xoxa-"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            if !token_ok(&first[5..], b"-") {
                return Err("the bot token is not xoxb-… (letters, digits, -)".into());
            }
            (SlackTarget::Bot(first.to_string()), &u.segments[..])
        } else {
            if u.segments.len() < 2 {
                return Err("write slack://TokenA/TokenB/TokenC[/#channel] (webhook) or slack://xoxb-…/#channel (bot)".into());
            }
            let (b, c) = (&u.segments[0], &u.segments[1]);
            if !token_ok(first, b"") || !token_ok(b, b"") || !token_ok(c, b"") {
                return Err("webhook tokens must be letters and digits".into());
            }
            (
                SlackTarget::Webhook(first.to_string(), b.clone(), c.clone()),
                &u.segments[2..],
            )
        };
        let channels = channels_of(u, rest, &["to"]);
        if matches!(target, SlackTarget::Bot(_)) && channels == vec![None] {
            return Err("a bot token needs a channel: slack://xoxb-…/#channel".into());
        }
        for ch in channels.iter().flatten() {
            if ch.chars().any(|c| c.is_whitespace() || c.is_control()) || ch.len() > 100 {
                return Err("a channel name has spaces or control characters".into());
            }
        }
        Ok(Slack {
            target,
            botname: u.user.clone(),
            channels,
            image: u.query.flag("image", true),
            footer: u.query.flag("footer", true),
        })
    }

    /// One POST per channel (`None`: the webhook's own channel).
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let Slack {
            target,
            botname,
            channels,
            image,
            footer,
        } = self;
        let mut attachment = vec![
            ("title", s(&escape_entities(title))),
            ("text", s(&escape_entities(body))),
            ("color", s(INFO_COLOR)),
            ("ts", Value::from(r.now)),
        ];
        if *footer {
            if *image {
                attachment.push(("footer_icon", s(IMAGE_72)));
            }
            attachment.push(("footer", s(APP_ID)));
        }
        let attachment = obj(attachment);
        let (url, headers, check) = match target {
            SlackTarget::Webhook(a, b, c) => (
                r.origin("https://hooks.slack.com", &format!("/services/{a}/{b}/{c}")),
                ua_headers(&[
                    ("Content-Type", "application/json; charset=utf-8"),
                    ("Accept", "application/json"),
                ]),
                Check::SlackWebhook,
            ),
            SlackTarget::Bot(token) => (
                r.origin("https://slack.com", "/api/chat.postMessage"),
                ua_headers(&[
                    ("Content-Type", "application/json; charset=utf-8"),
                    ("Accept", "application/json"),
                    ("Authorization", &format!("Bearer {token}")),
                ]),
                Check::SlackBot,
            ),
        };
        channels
            .iter()
            .map(|ch| {
                let mut p = vec![
                    ("username", s(botname.as_deref().unwrap_or(APP_ID))),
                    ("mrkdwn", Value::Bool(true)),
                    ("attachments", Value::Array(vec![attachment.clone()])),
                ];
                if *image {
                    p.push(("icon_url", s(IMAGE_72)));
                }
                if let Some(ch) = ch {
                    let c = if let Some(id) = ch.strip_prefix('+') {
                        id.to_string()
                    } else if ch.starts_with('@') || ch.starts_with('#') {
                        ch.clone()
                    } else {
                        format!("#{ch}")
                    };
                    p.push(("channel", Value::String(c)));
                }
                post(url.clone(), headers.clone(), &obj(p), check)
            })
            .collect()
    }
}
