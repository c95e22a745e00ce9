//! One attempt to deliver one message to one destination: the service's requests (or mails,
//! or the hook) are prepared, sent with explicit timeouts, and each answer judged by its
//! service's rule ([`Check`]). The error says what failed without a secret in it; a retry does not repeat
//! the targets that already succeeded. Retrying and the outbox are the notifier's job.

use crate::net::http::HttpClient;
use crate::notify::command;
use crate::notify::destination::{Destination, Kind};
use crate::notify::message::Message;
use crate::notify::service::Request;
use crate::notify::smtp::{self, Mail};
use crate::notify::NotifySettings;
use serde_json::Value;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Largest answer body read from a webhook.
const RESPONSE_LIMIT: u64 = 64 * 1024;

/// Why one attempt did not deliver: the (secret-free) message, and how long the server
/// asked us to wait (`Retry-After` on 429/503).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    pub message: String,
    pub retry_after: Option<Duration>,
}

impl From<String> for Undelivered {
    fn from(message: String) -> Undelivered {
        Undelivered {
            message,
            retry_after: None,
        }
    }
}

impl fmt::Display for Undelivered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How an HTTP answer is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Any 2xx (`json://`).
    Status2xx,
    Status200,
    /// Discord.
    Status200Or204,
    /// 200 and the body exactly `ok`.
    SlackWebhook,
    /// 200 and JSON `"ok": true`.
    SlackBot,
}

/// One HTTP request, ready to go.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSpec {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub check: Check,
}

/// One unit of delivery: a request, a mail to one recipient, or a run of the command.
#[derive(Debug, Clone)]
pub enum Target {
    Http(HttpSpec),
    Mail(Mail),
    Command,
}

/// PEM certificates of a file (for SMTP TLS).
pub(crate) fn load_roots(path: &Path) -> Result<Vec<native_tls::Certificate>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let Some(end) = rest[start..].find(end_marker) else {
            break;
        };
        let block = &rest[start..start + end + end_marker.len()];
        out.push(
            native_tls::Certificate::from_pem(block.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()))?,
        );
        rest = &rest[start + end + end_marker.len()..];
    }
    if out.is_empty() {
        return Err(format!("{}: no PEM certificate in it", path.display()));
    }
    Ok(out)
}

/// What every delivery shares: the HTTP clients, the SMTP trust roots, the timeouts.
pub struct Sender {
    http: HttpClient,
    /// For `?verify=no` destinations, made on first use.
    http_insecure: OnceLock<Result<HttpClient, String>>,
    base_url: Option<String>,
    timeout: Duration,
    roots: Vec<native_tls::Certificate>,
    helo: String,
}

impl Sender {
    pub fn new(settings: &NotifySettings) -> Result<Sender, String> {
        let http = HttpClient::for_webhooks(settings.timeout, settings.ca_file.as_deref())?;
        let roots = match &settings.ca_file {
            Some(p) => load_roots(p)?,
            None => Vec::new(),
        };
        Ok(Sender {
            http,
            http_insecure: OnceLock::new(),
            base_url: settings.base_url.clone(),
            timeout: settings.timeout,
            roots,
            helo: smtp::default_helo_name(),
        })
    }

    /// The requests (or mails) that deliver `msg` to `dest`, `now` being the Unix time (Slack's
    /// `ts`).
    pub fn prepare(&self, dest: &Destination, msg: &Message, now: f64) -> Vec<Target> {
        let r = Request {
            title: &msg.title,
            body: &msg.body,
            now,
            base_url: self.base_url.as_deref(),
        };
        match &dest.kind {
            Kind::Json(k) => k.requests(&r),
            Kind::Slack(k) => k.requests(&r),
            Kind::Discord(k) => k.requests(&r),
            Kind::MsTeams(k) => k.requests(&r),
            Kind::Mattermost(k) => k.requests(&r),
            Kind::Telegram(k) => k.requests(&r),
            Kind::Email(k) => k.requests(&r),
            Kind::Command { .. } => vec![Target::Command],
        }
    }

    /// One attempt: every target not yet `done` (a retry does not repeat what succeeded).
    /// The error is scrubbed of the destination's secrets.
    pub fn deliver(
        &self,
        dest: &Destination,
        msg: &Message,
        done: &mut Vec<bool>,
    ) -> Result<(), String> {
        self.attempt(dest, msg, done).map_err(|e| e.message)
    }

    /// [`Sender::deliver`], also saying how long the server asked us to wait (the longest
    /// `Retry-After` among the targets that failed).
    pub fn attempt(
        &self,
        dest: &Destination,
        msg: &Message,
        done: &mut Vec<bool>,
    ) -> Result<(), Undelivered> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let targets = self.prepare(dest, msg, now);
        if done.len() != targets.len() {
            *done = vec![false; targets.len()];
        }
        let mut errors = Vec::new();
        let mut retry_after: Option<Duration> = None;
        for (i, t) in targets.iter().enumerate() {
            if done[i] {
                continue;
            }
            let r = match t {
                Target::Http(spec) => self.send_http(dest, spec),
                Target::Mail(mail) => self.send_mail(dest, mail).map_err(Undelivered::from),
                Target::Command => command::run(dest, msg, self.timeout).map_err(Undelivered::from),
            };
            match r {
                Ok(()) => done[i] = true,
                Err(e) => {
                    retry_after = retry_after.max(e.retry_after);
                    if targets.len() > 1 {
                        errors.push(format!("target {}: {e}", i + 1));
                    } else {
                        errors.push(e.message);
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            // The process-wide set too (a proxy's password), control characters escaped: the
            // text goes to the log, the `Notifications` table and `notify-test`'s output.
            let message = crate::redact::clean(&dest.scrub(&errors.join("; ")));
            Err(Undelivered {
                message,
                retry_after,
            })
        }
    }

    fn send_http(&self, dest: &Destination, spec: &HttpSpec) -> Result<(), Undelivered> {
        let client = if dest.verify {
            &self.http
        } else {
            match self
                .http_insecure
                .get_or_init(|| HttpClient::for_webhooks_unverified(self.timeout))
            {
                Ok(c) => c,
                Err(e) => return Err(e.clone().into()),
            }
        };
        let headers: Vec<(&str, &str)> = spec
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // The error's message only: HttpError's Display starts with the URL.
        let resp = client
            .request(
                &spec.method,
                &spec.url,
                &headers,
                &spec.body,
                RESPONSE_LIMIT,
            )
            .map_err(|e| Undelivered::from(e.message))?;
        // Scrubbed whole before it is cut: a cut could leave a secret's head unrecognised.
        let snippet = || {
            let t: String = dest
                .scrub(&String::from_utf8_lossy(&resp.body))
                .chars()
                .take(200)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let t = t.trim().to_string();
            if t.is_empty() {
                String::new()
            } else {
                format!(": {t}")
            }
        };
        let ok = match spec.check {
            Check::Status2xx => (200..300).contains(&resp.status),
            Check::Status200 => resp.status == 200,
            Check::Status200Or204 => resp.status == 200 || resp.status == 204,
            Check::SlackWebhook => {
                if resp.status == 200 && resp.body != b"ok" {
                    return Err(format!("HTTP 200 but the answer is not `ok`{}", snippet()).into());
                }
                resp.status == 200
            }
            Check::SlackBot => {
                if resp.status == 200 {
                    let v: Option<Value> = serde_json::from_slice(&resp.body).ok();
                    if v.as_ref()
                        .and_then(|v| v.get("ok"))
                        .and_then(Value::as_bool)
                        != Some(true)
                    {
                        let why = v
                            .as_ref()
                            .and_then(|v| v.get("error"))
                            .and_then(Value::as_str)
                            .map(str::to_string);
                        return Err(match why {
                            Some(w) => format!("Slack answered ok=false: {w}"),
                            None => {
                                format!("HTTP 200 but no \"ok\": true in the answer{}", snippet())
                            }
                        }
                        .into());
                    }
                }
                resp.status == 200
            }
        };
        if ok {
            return Ok(());
        }
        let retry_after = match resp.status {
            429 | 503 => resp.retry_after,
            _ => None,
        };
        let wait = match retry_after {
            Some(d) => format!(" (Retry-After {} s)", d.as_secs_f64()),
            None => String::new(),
        };
        Err(Undelivered {
            message: format!("HTTP {}{wait}{}", resp.status, snippet()),
            retry_after,
        })
    }

    fn send_mail(&self, dest: &Destination, mail: &Mail) -> Result<(), String> {
        let Kind::Email(email) = &dest.kind else {
            return Err("not an e-mail destination".into());
        };
        let settings = email.smtp_settings(self.helo.clone(), self.timeout, self.roots.clone());
        smtp::send(&settings, mail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::service::{py_json, s, IMAGE_256, IMAGE_72};

    fn dest(url: &str) -> Destination {
        Destination::parse(1, url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn sender(base: Option<&str>) -> Sender {
        let settings = NotifySettings {
            base_url: base.map(str::to_string),
            ..NotifySettings::default()
        };
        Sender::new(&settings).unwrap()
    }

    fn msg(title: &str, body: &str) -> Message {
        Message {
            domain: "x".into(),
            title: title.into(),
            body: body.into(),
            alert_json: String::new(),
            alert_file: String::new(),
            env: Vec::new(),
        }
    }

    fn http(t: &Target) -> &HttpSpec {
        match t {
            Target::Http(h) => h,
            other => panic!("not HTTP: {other:?}"),
        }
    }

    #[test]
    fn urls_of_each_scheme() {
        let m = msg("T", "B");
        let cases: &[(&str, &[&str])] = &[
            ("json://h.example", &["POST http://h.example"]),
            ("jsons://u:p@h.example:8443/a//b/?method=put&-k=v%20w&-x=a/b", &["PUT https://h.example:8443/a/b/?k=v+w&x=a%2Fb"]),
            ("json://[::1]:9/p%20q", &["POST http://[::1]:9/p%20q"]),
            ("slack://T1/B2/C3", &["POST https://hooks.slack.com/services/T1/B2/C3"]),
            ("slack://bot@T1/B2/C3/#a/@b?to=c", &["POST https://hooks.slack.com/services/T1/B2/C3"; 3]),
            ("slack://xoxb-1-2-ab/#a", &["POST https://slack.com/api/chat.postMessage"]),
            ("discord://123/tok_en-1", &["POST https://discord.com/api/webhooks/123/tok_en-1"]),
            ("msteams://acme/aa-1@bb-2/CC3/dd-4", &["POST https://acme.webhook.office.com/webhookb2/aa-1@bb-2/IncomingWebhook/CC3/dd-4"]),
            ("msteams://acme/aa-1@bb-2/CC3/dd-4/V2x_y", &["POST https://acme.webhook.office.com/webhookb2/aa-1@bb-2/IncomingWebhook/CC3/dd-4/V2x_y"]),
            ("msteams://aa-1@bb-2/CC3/dd-4", &["POST https://outlook.office.com/webhook/aa-1@bb-2/IncomingWebhook/CC3/dd-4"]),
            ("mmost://mm.example.com/tok", &["POST http://mm.example.com:8065/hooks/tok"]),
            ("mmosts://bot@mm.example.com:443/sub/path/tok?channels=a,b", &["POST https://mm.example.com:443/sub/path/hooks/tok"; 2]),
            ("tgram://123:AbC_d-e/456/-100/@chan", &["POST https://api.telegram.org/bot123:AbC_d-e/sendMessage"; 3]),
            ("tgram://bot123%3AAbC/456?to=789", &["POST https://api.telegram.org/bot123:AbC/sendMessage"; 2]),
        ];
        let snd = sender(None);
        for (url, want) in cases {
            let got: Vec<String> = snd
                .prepare(&dest(url), &m, 1.5)
                .iter()
                .map(|t| format!("{} {}", http(t).method, http(t).url))
                .collect();
            assert_eq!(
                got,
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{url}"
            );
        }
        // The base URL replaces the well-known origins only.
        let snd = sender(Some("http://127.0.0.1:9"));
        let cases: &[(&str, &str)] = &[
            ("slack://T1/B2/C3", "http://127.0.0.1:9/services/T1/B2/C3"),
            (
                "slack://xoxb-1/#a",
                "http://127.0.0.1:9/api/chat.postMessage",
            ),
            ("discord://1/t", "http://127.0.0.1:9/api/webhooks/1/t"),
            (
                "msteams://acme/a@b/C/d",
                "http://127.0.0.1:9/webhookb2/a@b/IncomingWebhook/C/d",
            ),
            (
                "msteams://a@b/C/d",
                "http://127.0.0.1:9/webhook/a@b/IncomingWebhook/C/d",
            ),
            ("tgram://1:a/2", "http://127.0.0.1:9/bot1:a/sendMessage"),
            ("json://h.example/x", "http://h.example/x"),
            ("mmost://h.example/t", "http://h.example:8065/hooks/t"),
        ];
        for (url, want) in cases {
            assert_eq!(
                http(&snd.prepare(&dest(url), &m, 1.5)[0]).url,
                *want,
                "{url}"
            );
        }
    }

    #[test]
    fn bodies_are_python_json() {
        let snd = sender(None);
        let m = msg("Tï <&>", "a\nb @squarespace <@123> <@&45>");
        let body = |url: &str| {
            String::from_utf8(
                http(&snd.prepare(&dest(url), &m, 1700000000.25)[0])
                    .body
                    .clone(),
            )
            .unwrap()
        };
        assert_eq!(
            body("json://h"),
            r#"{"version": "1.0", "title": "T\u00ef <&>", "message": "a\nb @squarespace <@123> <@&45>", "attachments": [], "type": "info"}"#
        );
        assert_eq!(
            body("json://h?:title=subject&:type=&:extra=1&:version=message"),
            r#"{"message": "1.0", "attachments": [], "subject": "T\u00ef <&>", "extra": "1"}"#
        );
        assert_eq!(
            body("slack://T/B/C/chan"),
            format!(
                r##"{{"username": "Apprise", "mrkdwn": true, "attachments": [{{"title": "T\u00ef &lt;&amp;&gt;", "text": "a\nb @squarespace &lt;@123&gt; &lt;@&amp;45&gt;", "color": "#3AA3E3", "ts": 1700000000.25, "footer_icon": "{IMAGE_72}", "footer": "Apprise"}}], "icon_url": "{IMAGE_72}", "channel": "#chan"}}"##
            )
        );
        assert_eq!(
            body("slack://T/B/C?image=no&footer=no"),
            r##"{"username": "Apprise", "mrkdwn": true, "attachments": [{"title": "T\u00ef &lt;&amp;&gt;", "text": "a\nb @squarespace &lt;@123&gt; &lt;@&amp;45&gt;", "color": "#3AA3E3", "ts": 1700000000.25}]}"##
        );
        assert_eq!(
            body("discord://bot@1/t"),
            format!(
                r#"{{"tts": false, "wait": true, "avatar_url": "{IMAGE_256}", "username": "bot", "content": "T\u00ef <&>\r\na\nb @squarespace <@123> <@&45>", "allow_mentions": {{"parse": ["squarespace"], "users": ["123"], "roles": ["45"]}}}}"#
            )
        );
        assert_eq!(
            body("mmost://h/t?channel=c"),
            r#"{"text": "T\u00ef <&>\r\na\nb @squarespace <@123> <@&45>", "icon_url": null, "username": "Apprise", "channel": "c"}"#
        );
        assert_eq!(
            body("tgram://1:a/-100"),
            r#"{"disable_notification": false, "disable_web_page_preview": true, "parse_mode": "HTML", "text": "<b>T\u00ef &lt;&amp;&gt;</b>\r\na\nb @squarespace &lt;@123&gt; &lt;@&amp;45&gt;", "chat_id": -100}"#
        );
        assert!(body("tgram://1:a/@chan?silent=yes").ends_with(r#""chat_id": "@chan"}"#));
        assert_eq!(
            body("msteams://t/a@b/C/d"),
            format!(
                r##"{{"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": "Apprise Notifications", "themeColor": "#3AA3E3", "sections": [{{"activityImage": "{IMAGE_72}", "activityTitle": "T\u00ef <&>", "text": "a\nb @squarespace <@123> <@&45>"}}]}}"##
            )
        );
        // Astral characters as surrogate pairs, DEL escaped, as json.dumps.
        assert_eq!(
            py_json(&s("😀\u{7f}\u{1}\"\\")),
            r#""\ud83d\ude00\u007f\u0001\"\\""#
        );
        assert_eq!(py_json(&Value::from(1.0)), "1.0");
    }

    #[test]
    fn headers_and_auth() {
        let snd = sender(None);
        let m = msg("T", "B");
        let hdrs = |url: &str| http(&snd.prepare(&dest(url), &m, 0.0)[0]).headers.clone();
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            hdrs("jsons://user:pa%3Ass@h/?+X-Token=abc&+content-type=text/plain"),
            pairs(&[
                ("User-Agent", "Apprise"),
                ("Content-Type", "text/plain"),
                ("X-Token", "abc"),
                ("Authorization", "Basic dXNlcjpwYTpzcw==")
            ])
        );
        assert_eq!(
            hdrs("slack://xoxb-1-a/#c"),
            pairs(&[
                ("User-Agent", "Apprise"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Accept", "application/json"),
                ("Authorization", "Bearer xoxb-1-a")
            ])
        );
        assert_eq!(
            hdrs("discord://1/t"),
            pairs(&[
                ("User-Agent", "Apprise"),
                ("Content-Type", "application/json; charset=utf-8")
            ])
        );
    }
}
