//! `json://` and `jsons://`: apprise's generic JSON webhook. The URL is the endpoint; its
//! `+Header=`, `-param=` and `:field=` query keys add headers, add query parameters and rename,
//! drop or add payload fields, as apprise 1.7.1 does.

use super::{py_json, s, ua_headers, Request};
use crate::notify::sender::{Check, HttpSpec, Target};
use crate::notify::url::{quote, quote_plus, UrlParts, QUOTE_PATH};
use serde_json::Value;

/// A parsed `json(s)://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct Json {
    secure: bool,
    method: String,
    host: String,
    port: Option<u16>,
    path: String,
    auth: Option<(String, String)>,
    headers: Vec<(String, String)>,
    params: Vec<(String, String)>,
    fields: Vec<(String, String)>,
}

impl Json {
    /// The URL's parts, checked at startup; an error says what is wrong, never a token.
    pub(crate) fn parse(u: &UrlParts) -> Result<Json, String> {
        if u.host.is_empty() {
            return Err("no host".into());
        }
        let method = u
            .query
            .value("method")
            .unwrap_or("POST")
            .to_ascii_uppercase();
        if !["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD"].contains(&method.as_str()) {
            return Err("method= must be POST, GET, PUT, PATCH, DELETE or HEAD".into());
        }
        Ok(Json {
            secure: u.scheme == "jsons",
            method,
            host: u.url_host(),
            port: u.port,
            path: json_path(&u.path),
            auth: u
                .user
                .clone()
                .map(|user| (user, u.password.clone().unwrap_or_default())),
            headers: u.query.add.clone(),
            params: u.query.del.clone(),
            fields: u.query.colon.clone(),
        })
    }

    /// One request with apprise's payload (`version`, `title`, `message`, `attachments`,
    /// `type`), sent with the URL's method.
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let Json {
            secure,
            method,
            host,
            port,
            path,
            auth,
            headers,
            params,
            fields,
        } = self;
        let mut payload = vec![
            ("version".to_string(), s("1.0")),
            ("title".to_string(), s(title)),
            ("message".to_string(), s(body)),
            ("attachments".to_string(), Value::Array(Vec::new())),
            ("type".to_string(), s("info")),
        ];
        apply_fields(&mut payload, fields);
        let mut hdrs = ua_headers(&[("Content-Type", "application/json")]);
        for (k, v) in headers {
            match hdrs.iter_mut().find(|(hk, _)| hk.eq_ignore_ascii_case(k)) {
                Some(e) => e.1 = v.clone(),
                None => hdrs.push((k.clone(), v.clone())),
            }
        }
        if let Some((user, pass)) = auth {
            hdrs.push((
                "Authorization".into(),
                format!(
                    "Basic {}",
                    crate::net::base64::encode(format!("{user}:{pass}").as_bytes())
                ),
            ));
        }
        let mut url = format!("{}://{host}", if *secure { "https" } else { "http" });
        if let Some(p) = port {
            url.push_str(&format!(":{p}"));
        }
        url.push_str(path);
        if !params.is_empty() {
            let q: Vec<String> = params
                .iter()
                .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
                .collect();
            url.push('?');
            url.push_str(&q.join("&"));
        }
        vec![Target::Http(HttpSpec {
            method: method.clone(),
            url,
            headers: hdrs,
            body: py_json(&Value::Object(payload.into_iter().collect())).into_bytes(),
            check: Check::Status2xx,
        })]
    }
}

/// apprise's `fullpath`: unquoted, runs of `/` collapsed, quoted again (`/` kept).
fn json_path(raw: &str) -> String {
    let decoded = crate::net::proxy::percent_decode(raw);
    let mut collapsed = String::with_capacity(decoded.len());
    for ch in decoded.chars() {
        if !(ch == '/' && collapsed.ends_with('/')) {
            collapsed.push(ch);
        }
    }
    quote(&collapsed, QUOTE_PATH)
}

/// Python's `payload[new] = payload[old]; del payload[old]` (and plain assignment for new keys).
fn apply_fields(payload: &mut Vec<(String, Value)>, fields: &[(String, String)]) {
    for (key, value) in fields {
        if let Some(pos) = payload.iter().position(|(k, _)| k == key) {
            if value.is_empty() {
                payload.remove(pos);
            } else {
                let v = payload[pos].1.clone();
                match payload.iter().position(|(k, _)| k == value) {
                    Some(at) => payload[at].1 = v,
                    None => payload.push((value.clone(), v)),
                }
                if let Some(pos) = payload.iter().position(|(k, _)| k == key) {
                    payload.remove(pos);
                }
            }
        } else {
            match payload.iter().position(|(k, _)| k == key) {
                Some(at) => payload[at].1 = s(value),
                None => payload.push((key.clone(), s(value))),
            }
        }
    }
}
