//! `msteams://`: a Microsoft Teams incoming webhook, as apprise 1.7.1 sends it (a
//! `MessageCard` with one section). `msteams://team/tokenA/tokenB/tokenC[/tokenD]` is the
//! `<team>.webhook.office.com` form, `msteams://tokenA/tokenB/tokenC` the legacy
//! `outlook.office.com` one.

use super::{obj, post, s, ua_headers, Request, APP_DESC, IMAGE_72, INFO_COLOR};
use crate::notify::sender::{Check, Target};
use crate::notify::url::{token_ok, UrlParts};
use serde_json::Value;

/// A parsed `msteams://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct MsTeams {
    team: Option<String>,
    a: String,
    b: String,
    c: String,
    d: Option<String>,
}

impl MsTeams {
    /// The URL's parts, checked at startup; an error says what is wrong, never a token.
    pub(crate) fn parse(u: &UrlParts) -> Result<MsTeams, String> {
        let usage = "write msteams://team/tokenA/tokenB/tokenC (tokenA = uuid@uuid) or msteams://tokenA/tokenB/tokenC";
        let (team, tokens): (Option<String>, Vec<String>) = match &u.user {
            // Legacy form: tokenA's `@` made the URL parser see user@host.
            Some(user) => (
                None,
                std::iter::once(format!("{user}@{}", u.host))
                    .chain(u.segments.iter().cloned())
                    .collect(),
            ),
            None => (Some(u.host.clone()), u.segments.clone()),
        };
        if tokens.len() < 3 || tokens.len() > 4 || (team.is_none() && tokens.len() != 3) {
            return Err(usage.into());
        }
        if let Some(t) = &team {
            if !token_ok(t, b"-") {
                return Err("the team name must be letters, digits and -".into());
            }
        }
        let a_ok = tokens[0]
            .split_once('@')
            .is_some_and(|(x, y)| token_ok(x, b"-") && token_ok(y, b"-"));
        if !a_ok
            || !token_ok(&tokens[1], b"")
            || !token_ok(&tokens[2], b"-")
            || tokens.get(3).is_some_and(|d| !token_ok(d, b"_-"))
        {
            return Err(usage.into());
        }
        Ok(MsTeams {
            team,
            a: tokens[0].clone(),
            b: tokens[1].clone(),
            c: tokens[2].clone(),
            d: tokens.get(3).cloned(),
        })
    }

    /// One POST to the webhook.
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let MsTeams { team, a, b, c, d } = self;
        let path = match (team, d) {
            (Some(_), Some(d)) => format!("/webhookb2/{a}/IncomingWebhook/{b}/{c}/{d}"),
            (Some(_), None) => format!("/webhookb2/{a}/IncomingWebhook/{b}/{c}"),
            (None, _) => format!("/webhook/{a}/IncomingWebhook/{b}/{c}"),
        };
        let default = match team {
            Some(t) => format!("https://{t}.webhook.office.com"),
            None => "https://outlook.office.com".to_string(),
        };
        let p = obj(vec![
            ("@type", s("MessageCard")),
            ("@context", s("https://schema.org/extensions")),
            ("summary", s(APP_DESC)),
            ("themeColor", s(INFO_COLOR)),
            (
                "sections",
                Value::Array(vec![obj(vec![
                    ("activityImage", s(IMAGE_72)),
                    ("activityTitle", s(title)),
                    ("text", s(body)),
                ])]),
            ),
        ]);
        vec![post(
            r.origin(&default, &path),
            ua_headers(&[("Content-Type", "application/json")]),
            &p,
            Check::Status200,
        )]
    }
}
