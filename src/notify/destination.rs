//! One configured destination: an apprise URL parsed at startup (its scheme's file in
//! `service/` reads the rest), or the command hook; and what of it is secret. A URL holds
//! tokens and passwords, so a destination is only ever shown by its position and masked URL
//! ([`Destination::display`], [`Destination::id`]), and every error text about it passes
//! through [`Destination::scrub`].

use crate::notify::service::{Discord, Email, Json, Mattermost, MsTeams, Slack, Telegram};
use crate::notify::url::{token_ok, UrlParts};
use crate::redact::{mask_url, Secrets};
use std::fmt;

/// The schemes [`Destination::parse`] knows, listed when it meets another.
const SUPPORTED: &str =
    "json, jsons, slack, discord, msteams, mmost, mmosts, tgram, mailto, mailtos";

/// What a destination is: one service's parsed URL, or the hook.
#[derive(Clone, PartialEq)]
pub(crate) enum Kind {
    Json(Json),
    Slack(Slack),
    Discord(Discord),
    MsTeams(MsTeams),
    Mattermost(Mattermost),
    Telegram(Telegram),
    Email(Email),
    Command { program: String, args: Vec<String> },
}

/// One configured destination: a parsed URL or the command hook.
#[derive(Clone)]
pub struct Destination {
    /// Position in `Notification_Destination` (from 1); 0 for the command hook.
    pub index: usize,
    /// Safe to print: the masked URL, or `command <program>`.
    pub label: String,
    pub(crate) kind: Kind,
    /// HTTPS certificate checks (`?verify=no` turns them off, as in apprise).
    pub(crate) verify: bool,
    /// What must not appear in logs (tokens, passwords, paths) in every form it is sent in.
    secrets: Secrets,
    /// The part of `secrets` that is scrubbed from every log line of the process
    /// ([`Destination::shared_secrets`]): passwords, secret query values, and path or host parts that
    /// look like tokens — not ordinary words such as `api` or `hooks`, which would garble
    /// unrelated lines.
    shared: Secrets,
}

/// Never prints a secret.
impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Destination({})", self.display())
    }
}

impl Destination {
    /// Parse one apprise URL; the error never contains a secret.
    pub fn parse(index: usize, url: &str) -> Result<Destination, String> {
        let url = url.trim();
        let (scheme, _) = url.split_once("://").ok_or("not a URL (scheme://…)")?;
        let scheme = scheme.to_ascii_lowercase();
        let mut secrets = vec![url.to_string()];
        let mut logins: Vec<(String, String)> = Vec::new();
        let mut query_values: Vec<String> = Vec::new();
        if let Some((_, rest)) = url.split_once("://") {
            secrets.push(rest.to_string());
        }
        let kind = if scheme == "tgram" {
            Kind::Telegram(Telegram::parse(url, &mut secrets)?)
        } else {
            if !matches!(
                scheme.as_str(),
                "json"
                    | "jsons"
                    | "slack"
                    | "discord"
                    | "msteams"
                    | "mmost"
                    | "mmosts"
                    | "mailto"
                    | "mailtos"
            ) {
                let shown = if token_ok(&scheme, b"+.-") && scheme.len() <= 16 {
                    scheme.clone()
                } else {
                    "?".into()
                };
                return Err(format!(
                    "unsupported scheme {shown:?} (supported: {SUPPORTED})"
                ));
            }
            let u = UrlParts::parse(url)?;
            for s in [&u.user, &u.password].into_iter().flatten() {
                secrets.push(s.clone());
            }
            // Sent as HTTP Basic (json, mmost…) or SMTP AUTH (mailto): base64 forms too.
            if let Some(p) = &u.password {
                logins.push((u.user.clone().unwrap_or_default(), p.clone()));
            }
            // A host without a dot is masked in labels: several schemes put a token there.
            if !u.host.contains('.') {
                secrets.push(u.host.clone());
            }
            secrets.push(u.path.clone());
            secrets.extend(u.segments.iter().cloned());
            // Query values may be tokens (`+Authorization=`, `-apikey=`, `pass=`); these are not.
            const PLAIN: &[&str] = &[
                "method", "format", "overflow", "verify", "mode", "image", "footer", "tts",
                "avatar", "silent", "preview", "channel", "channels", "to", "from", "name", "smtp",
                "rto", "cto", "emojis", "tz",
            ];
            query_values.extend(
                u.query
                    .qsd
                    .iter()
                    .filter(|(k, _)| !PLAIN.contains(&k.as_str()))
                    .map(|(_, v)| v.clone()),
            );
            secrets.extend(query_values.iter().cloned());
            match scheme.as_str() {
                "json" | "jsons" => Kind::Json(Json::parse(&u)?),
                "slack" => Kind::Slack(Slack::parse(&u)?),
                "discord" => Kind::Discord(Discord::parse(&u)?),
                "msteams" => Kind::MsTeams(MsTeams::parse(&u)?),
                "mmost" | "mmosts" => Kind::Mattermost(Mattermost::parse(&u)?),
                _ => Kind::Email(Email::parse(&u)?),
            }
        };
        let verify = match UrlParts::parse(url) {
            Ok(u) => u.query.flag("verify", true),
            Err(_) => true,
        };
        if !verify && matches!(kind, Kind::Email(_)) {
            return Err("verify=no is not supported for mailto/mailtos; add the relay's CA to Notification_CAFile instead".into());
        }
        // Not secrets: the names of things a reader needs to see in an error.
        let public: Vec<String> = match &kind {
            Kind::Email(e) => e.public_names(),
            _ => Vec::new(),
        };
        let (mut set, mut shared) = (Secrets::new(), Secrets::new());
        for s in secrets
            .iter()
            .filter(|s| s.as_str() != "/" && !public.contains(s))
        {
            set.add(s);
            if crate::redact::token_like(s) {
                shared.add(s);
            }
        }
        for v in &query_values {
            shared.add(v);
        }
        for (user, pass) in &logins {
            set.add_login(user, pass);
            shared.add_login(user, pass);
        }
        Ok(Destination {
            index,
            label: mask_url(url),
            kind,
            verify,
            secrets: set,
            shared,
        })
    }

    /// The command hook: the value split on whitespace, the first word the program. No shell.
    pub fn command(line: &str) -> Option<Destination> {
        let mut words = line.split_whitespace().map(str::to_string);
        let program = words.next()?;
        let args: Vec<String> = words.collect();
        let (mut secrets, mut shared) = (Secrets::new(), Secrets::new());
        for a in &args {
            secrets.add(a);
            // `--token=abc…`: the value.
            let value = a.split_once('=').map_or(a.as_str(), |(_, v)| v);
            if crate::redact::token_like(value) {
                shared.add(value);
            }
        }
        Some(Destination {
            index: 0,
            label: format!("command {program}"),
            kind: Kind::Command { program, args },
            verify: true,
            secrets,
            shared,
        })
    }

    /// How logs and `notify-test` name it: `[2] slack://***`, `[command] /usr/local/bin/hook`.
    pub fn display(&self) -> String {
        match &self.kind {
            Kind::Command { program, .. } => format!("[command] {program}"),
            _ => format!("[{}] {}", self.index, self.label),
        }
    }

    /// What the `Notifications` table stores: `2 slack://***`, or `command`. Never the URL:
    /// it holds tokens and passwords, and the DB is often copied to people who must not get them.
    pub fn id(&self) -> String {
        match &self.kind {
            Kind::Command { .. } => "command".into(),
            _ => format!("{} {}", self.index, self.label),
        }
    }

    pub fn is_command(&self) -> bool {
        matches!(self.kind, Kind::Command { .. })
    }

    /// `text` with every secret of this destination replaced by `***`, and whatever is
    /// shaped like a credential ([`Secrets::scrub`]).
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }

    /// This destination's secrets for the process-wide set ([`crate::redact::register`]):
    /// passwords, secret query values, and tokens in the host or path.
    pub fn shared_secrets(&self) -> &Secrets {
        &self.shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(url: &str) -> Destination {
        Destination::parse(1, url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn masking() {
        let cases: &[(&str, &str)] = &[
            (
                "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
                "slack://***",
            ),
            (
                "slack://xoxb-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d/#x",
                "slack://***",
            ),
            (
                "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
                "discord://***",
            ),
            (
                "tgram://123456789:abcdefg_hijklmnop/12315544/",
                "tgram://***",
            ),
            ("msteams://team/a@b/c/d", "msteams://***"),
            ("msteams://a-b@c-d/e/f", "msteams://***"),
            (
                "mailtos://user:pass@example.com?to=x@y.z",
                "mailtos://example.com/***",
            ),
            ("mailto://user:p.a/ss@example.com", "mailto://***"),
            (
                "jsons://user:secret@hooks.example.org:8443/path/TOKEN?-k=v",
                "jsons://hooks.example.org/***",
            ),
            ("json://localhost:8080/x", "json://***"),
            (
                "mmosts://bot@mm.example.com/tok3n",
                "mmosts://mm.example.com/***",
            ),
            ("JSON://Host.Example", "json://Host.Example/***"),
            ("no scheme at all", "***"),
            ("sl@ck://secret.example/x", "***"),
            ("json://[::1]:80/x", "json://***"),
        ];
        for (url, want) in cases {
            assert_eq!(mask_url(url), *want, "{url}");
        }
    }

    #[test]
    fn parse_errors_name_no_secret() {
        let cases: &[(&str, &str)] = &[
            ("foo://SECRETTOKEN/x", "unsupported scheme \"foo\""),
            ("SECRETTOKEN", "not a URL"),
            ("slack://SECRETTOKEN", "write slack://"),
            ("slack://SECRET-TOKEN/B/C", "letters and digits"),
            ("slack://xoxb-SECRETTOKEN", "needs a channel"),
            ("discord://SECRETTOKEN", "discord://webhook_id"),
            ("msteams://team/SECRETTOKEN/b/c", "msteams://team"),
            ("mmost://mm.example.com", "mmost://host"),
            ("tgram://123:SECRETTOKEN", "no chat id"),
            ("tgram://SECRETTOKEN/1", "tgram://<bot_token>"),
            ("tgram://1:SECRETTOKEN/not a chat", "neither a number"),
            ("json://:SECRETTOKEN@", "no host"),
            ("json://h.example:SECRETTOKEN/", "port"),
            ("json://h.example?method=SECRETTOKEN", "method="),
            ("mailto://example.com", "no sender"),
            (
                "mailtos://u:SECRETTOKEN@example.com?mode=SECRETTOKEN",
                "mode=",
            ),
            (
                "mailtos://u:SECRETTOKEN@example.com?to=SECRETTOKEN",
                "recipient 1",
            ),
            ("mailtos://u:SECRETTOKEN@example.com?cc=a@b.c", "cc="),
            ("mailtos://u:SECRETTOKEN@example.com?verify=no", "verify=no"),
        ];
        for (url, want) in cases {
            let e = Destination::parse(1, url).expect_err(url);
            assert!(e.contains(want), "{url}: {e}");
            assert!(!e.contains("SECRETTOKEN"), "{url}: {e}");
        }
    }

    #[test]
    fn scrubbing() {
        let d = dest("slack://T1SECRET/B2SECRET/C3SECRET/#chan");
        assert_eq!(
            d.scrub("POST https://hooks.slack.com/services/T1SECRET/B2SECRET/C3SECRET failed"),
            "POST https://hooks.slack.com/services/***/***/*** failed"
        );
        let d = dest("mailtos://bob:hunter22@corp.example?to=soc@corp.example");
        assert_eq!(
            d.scrub("SMTP corp.example:587: AUTH bob hunter22 for soc@corp.example"),
            "SMTP corp.example:587: AUTH *** *** for soc@corp.example"
        );
        let d = dest("tgram://123456:ABCsecret/42");
        assert!(!d
            .scrub("bot123456:ABCsecret/sendMessage")
            .contains("ABCsecret"));
        assert_eq!(format!("{d:?}"), "Destination([1] tgram://***)");
    }
}
