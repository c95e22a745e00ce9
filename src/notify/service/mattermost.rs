//! `mmost://` and `mmosts://`: a Mattermost incoming webhook
//! (`mmost[s]://[bot@]host[:port][/path]/token`, port 8065 by default), as apprise 1.7.1 sends
//! it: one POST per channel, title and body in one `text`.

use super::{obj, post, s, ua_headers, Request, APP_ID, IMAGE_72};
use crate::notify::sender::{Check, Target};
use crate::notify::url::{channels_of, quote, token_ok, UrlParts, QUOTE};
use serde_json::Value;

/// A parsed `mmost(s)://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct Mattermost {
    secure: bool,
    host: String,
    port: u16,
    path: String,
    token: String,
    botname: Option<String>,
    channels: Vec<Option<String>>,
    image: bool,
}

impl Mattermost {
    /// The URL's parts, checked at startup; an error says what is wrong, never a token.
    pub(crate) fn parse(u: &UrlParts) -> Result<Mattermost, String> {
        if u.host.is_empty() {
            return Err("no host".into());
        }
        let (token, path) = u
            .segments
            .split_last()
            .ok_or("write mmost://host[:port][/path]/token")?;
        if !token_ok(token, b"_-") {
            return Err("the token must be letters, digits, _ and -".into());
        }
        let path: String = path
            .iter()
            .map(|s| format!("/{}", quote(s, QUOTE)))
            .collect();
        Ok(Mattermost {
            secure: u.scheme == "mmosts",
            host: u.url_host(),
            port: u.port.unwrap_or(8065),
            path,
            token: token.clone(),
            botname: u.user.clone(),
            channels: channels_of(u, &[], &["channel", "channels", "to"]),
            image: u.query.flag("image", false),
        })
    }

    /// One POST per channel (`None`: the webhook's own channel).
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let Mattermost {
            secure,
            host,
            port,
            path,
            token,
            botname,
            channels,
            image,
        } = self;
        let url = format!(
            "{}://{host}:{port}{path}/hooks/{token}",
            if *secure { "https" } else { "http" }
        );
        let text = if title.is_empty() {
            body.to_string()
        } else {
            format!("{title}\r\n{body}")
        };
        channels
            .iter()
            .map(|ch| {
                let mut p = vec![
                    ("text", s(&text)),
                    ("icon_url", if *image { s(IMAGE_72) } else { Value::Null }),
                    ("username", s(botname.as_deref().unwrap_or(APP_ID))),
                ];
                if let Some(ch) = ch {
                    p.push(("channel", s(ch)));
                }
                post(
                    url.clone(),
                    ua_headers(&[("Content-Type", "application/json")]),
                    &obj(p),
                    Check::Status200,
                )
            })
            .collect()
    }
}
