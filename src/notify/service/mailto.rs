//! `mailto://` and `mailtos://`: e-mail through an SMTP relay, read the way apprise 1.7.1
//! reads these URLs (the sender it builds, the providers it knows, `to=`, `smtp=`, `mode=`,
//! `user=`/`pass=`). One mail per recipient; the session itself is [`crate::notify::smtp`].

use super::{Request, APP_ID};
use crate::notify::sender::Target;
use crate::notify::smtp::{Mail, SmtpSecurity, SmtpSettings};
use crate::notify::url::{parse_list, UrlParts};
use std::time::Duration;

/// A parsed `mailto(s)://` URL.
#[derive(Clone, PartialEq)]
pub(crate) struct Email {
    security: SmtpSecurity,
    smtp_host: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    from: String,
    /// `From:` display name; `None` sends the bare address.
    from_name: Option<String>,
    to: Vec<String>,
}

impl Email {
    /// The URL's parts, checked at startup; an error says what is wrong, never a token.
    pub(crate) fn parse(u: &UrlParts) -> Result<Email, String> {
        let domain = u.host.clone();
        if domain.is_empty() {
            return Err("no domain (mailto://[user:pass@]domain…)".into());
        }
        if u.query.value("cc").is_some() || u.query.value("bcc").is_some() {
            return Err("cc= and bcc= are not supported; list every address in to=".into());
        }
        let mut user = u
            .query
            .value("user")
            .map(str::to_string)
            .or_else(|| u.user.clone());
        let password = u
            .query
            .get("pass")
            .map(str::to_string)
            .or_else(|| u.password.clone());
        let mut security = match u
            .query
            .value("mode")
            .map(|m| m.to_ascii_lowercase())
            .as_deref()
        {
            None => {
                if u.scheme == "mailtos" {
                    SmtpSecurity::StartTls
                } else {
                    SmtpSecurity::Plain
                }
            }
            Some("starttls") => SmtpSecurity::StartTls,
            Some("ssl") => SmtpSecurity::ImplicitTls,
            Some("insecure") | Some("plain") => SmtpSecurity::Plain,
            Some(_) => return Err("mode= must be starttls, ssl or insecure".into()),
        };
        let mut port = u.port.unwrap_or(security.default_port());
        let smtp_host = match u.query.value("smtp") {
            Some(h) => h.to_string(),
            None => match EMAIL_PROVIDERS
                .iter()
                .find(|(domains, ..)| domains.iter().any(|d| d.eq_ignore_ascii_case(&domain)))
            {
                Some((_, host, p, sec)) => {
                    port = *p;
                    security = *sec;
                    if let Some(us) = &user {
                        if !us.contains('@') {
                            user = Some(format!("{us}@{domain}"));
                        }
                    }
                    host.to_string()
                }
                None => domain.clone(),
            },
        };
        // The sender as apprise 1.7.1 builds it (NotifyEmail.__init__): user@domain named
        // "Apprise" (its app id); name= renames it; from= an address replaces both, keeping only
        // the name written in it ("Name <addr>") or given by name=; from= that is no address
        // only names user@domain.
        let user_addr = user.as_ref().map(|us| {
            format!(
                "{}@{domain}",
                us.split(|c: char| c == '@' || c.is_whitespace())
                    .next()
                    .unwrap_or("")
            )
        });
        let name_param = u
            .query
            .value("name")
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let (from, from_name) = match u.query.value("from").filter(|f| !f.is_empty()) {
            Some(f) => {
                let (name_in_from, addr) = match f.rsplit_once('<') {
                    Some((name, addr)) if addr.ends_with('>') => {
                        let name = name.trim().trim_matches('"').trim();
                        (
                            (!name.is_empty()).then(|| name.to_string()),
                            addr.trim_end_matches('>').trim().to_string(),
                        )
                    }
                    _ => (None, f.to_string()),
                };
                match &user_addr {
                    Some(ua) if !looks_like_email(&addr) => (
                        ua.clone(),
                        Some(name_param.unwrap_or_else(|| f.to_string())),
                    ),
                    _ => (addr, name_param.or(name_in_from)),
                }
            }
            None => match user_addr {
                Some(ua) => (ua, Some(name_param.unwrap_or_else(|| APP_ID.to_string()))),
                None => return Err("no sender: give from=address (or a user)".into()),
            },
        };
        if !looks_like_email(&from) {
            return Err("the sender (from=, or user@domain) is not an e-mail address".into());
        }
        let mut to: Vec<String> = u.segments.clone();
        if let Some(v) = u.query.value("to") {
            to.extend(parse_list(v));
        }
        if to.is_empty() {
            to.push(from.clone());
        }
        if let Some(bad) = to.iter().position(|t| !looks_like_email(t)) {
            return Err(format!("recipient {} is not an e-mail address", bad + 1));
        }
        Ok(Email {
            security,
            smtp_host,
            port,
            user,
            password,
            from,
            from_name,
            to,
        })
    }

    /// One mail per recipient.
    pub(crate) fn requests(&self, r: &Request) -> Vec<Target> {
        let (title, body) = (r.title, r.body);
        let Email {
            from,
            from_name,
            to,
            ..
        } = self;
        to.iter()
            .map(|addr| {
                Target::Mail(Mail {
                    from: from.clone(),
                    from_name: from_name.clone(),
                    to: vec![addr.clone()],
                    subject: title.to_string(),
                    body: body.to_string(),
                })
            })
            .collect()
    }

    /// The SMTP session's settings for this relay.
    pub(crate) fn smtp_settings(
        &self,
        helo_name: String,
        timeout: Duration,
        extra_roots: Vec<native_tls::Certificate>,
    ) -> SmtpSettings {
        SmtpSettings {
            host: self.smtp_host.clone(),
            port: self.port,
            security: self.security,
            username: self.user.clone(),
            password: self.password.clone(),
            helo_name,
            timeout,
            extra_roots,
        }
    }

    /// The names a reader needs to see in an error, so not masked as secrets: the relay,
    /// the sender and the recipients.
    pub(crate) fn public_names(&self) -> Vec<String> {
        let mut p = vec![self.smtp_host.clone(), self.from.clone()];
        p.extend(self.to.iter().cloned());
        p
    }
}

/// Providers apprise knows, applied when `smtp=` is not given: (domain, SMTP host, port,
/// security). They log in with the full address.
const EMAIL_PROVIDERS: &[(&[&str], &str, u16, SmtpSecurity)] = &[
    (
        &["gmail.com", "googlemail.com"],
        "smtp.gmail.com",
        587,
        SmtpSecurity::StartTls,
    ),
    (
        &[
            "outlook.com",
            "hotmail.com",
            "live.com",
            "hotmail.com.au",
            "live.com.au",
        ],
        "smtp-mail.outlook.com",
        587,
        SmtpSecurity::StartTls,
    ),
    (
        &["yahoo.com", "yahoo.ca"],
        "smtp.mail.yahoo.com",
        465,
        SmtpSecurity::ImplicitTls,
    ),
    (
        &["fastmail.com", "fastmail.fm"],
        "smtp.fastmail.com",
        465,
        SmtpSecurity::ImplicitTls,
    ),
    (
        &["zoho.com"],
        "smtp.zoho.com",
        465,
        SmtpSecurity::ImplicitTls,
    ),
    (
        &["yandex.com", "yandex.ru", "yandex.ua"],
        "smtp.yandex.ru",
        465,
        SmtpSecurity::ImplicitTls,
    ),
];

fn looks_like_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::destination::{Destination, Kind};

    fn dest(url: &str) -> Destination {
        Destination::parse(1, url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn email_parameters() {
        let kind = |url: &str| match dest(url).kind {
            Kind::Email(Email {
                security,
                smtp_host,
                port,
                user,
                password,
                from,
                from_name,
                to,
            }) => (
                security, smtp_host, port, user, password, from, from_name, to,
            ),
            _ => panic!(),
        };
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (sec, host, port, user, pass, from, name, to) =
            kind("mailto://example.com?from=a@example.com");
        assert_eq!(
            (
                sec,
                host.as_str(),
                port,
                user,
                pass,
                from.as_str(),
                name.as_deref(),
                to
            ),
            (
                SmtpSecurity::Plain,
                "example.com",
                25,
                None,
                None,
                "a@example.com",
                None,
                v(&["a@example.com"])
            )
        );
        let (sec, host, port, user, pass, from, name, to) = kind(
            "mailtos://domain.xyz?user=alice&pass=s3cret&smtp=smtp-server-hostname&to=x@y.z,w@y.z&from=csm@domain.xyz&format=text&name=CertStreamMonitor-notification",
        );
        assert_eq!(
            (
                sec,
                host.as_str(),
                port,
                user.as_deref(),
                pass.as_deref(),
                from.as_str(),
                name.as_deref(),
                to
            ),
            (
                SmtpSecurity::StartTls,
                "smtp-server-hostname",
                587,
                Some("alice"),
                Some("s3cret"),
                "csm@domain.xyz",
                Some("CertStreamMonitor-notification"),
                v(&["x@y.z", "w@y.z"])
            )
        );
        let (sec, _, port, user, pass, from, _, to) =
            kind("mailtos://bob:pw@corp.example/soc@corp.example?mode=ssl");
        assert_eq!(
            (
                sec,
                port,
                user.as_deref(),
                pass.as_deref(),
                from.as_str(),
                to
            ),
            (
                SmtpSecurity::ImplicitTls,
                465,
                Some("bob"),
                Some("pw"),
                "bob@corp.example",
                v(&["soc@corp.example"])
            )
        );
        let (sec, _, port, ..) = kind("mailto://bob:pw@corp.example:2525?mode=starttls");
        assert_eq!((sec, port), (SmtpSecurity::StartTls, 2525));
        let (sec, host, port, user, ..) = kind("mailto://bob:pw@gmail.com");
        assert_eq!(
            (sec, host.as_str(), port, user.as_deref()),
            (
                SmtpSecurity::StartTls,
                "smtp.gmail.com",
                587,
                Some("bob@gmail.com")
            )
        );
        let (_, _, _, _, _, from, name, _) =
            kind("mailto://x.example?from=SOC Bot <soc@x.example>");
        assert_eq!(
            (from.as_str(), name.as_deref()),
            ("soc@x.example", Some("SOC Bot"))
        );
        // As apprise 1.7.1: user@domain is named "Apprise"; name= renames it; from= that is
        // no address names user@domain; from= an address drops the default name.
        let sender = |url: &str| {
            let (.., from, name, _) = kind(url);
            (from, name)
        };
        let s = |a: &str, n: Option<&str>| (a.to_string(), n.map(str::to_string));
        for (url, want) in [
            (
                "mailto://bob:pw@x.example",
                s("bob@x.example", Some("Apprise")),
            ),
            (
                "mailto://bob:pw@x.example?name=SOC",
                s("bob@x.example", Some("SOC")),
            ),
            (
                "mailto://bob:pw@x.example?from=SOC%20Bot",
                s("bob@x.example", Some("SOC Bot")),
            ),
            (
                "mailto://bob:pw@x.example?from=soc@x.example",
                s("soc@x.example", None),
            ),
            (
                "mailto://bob:pw@x.example?from=soc@x.example&name=SOC",
                s("soc@x.example", Some("SOC")),
            ),
            (
                "mailto://bob:pw@x.example?from=&name=",
                s("bob@x.example", Some("Apprise")),
            ),
        ] {
            assert_eq!(sender(url), want, "{url}");
        }
        assert!(Destination::parse(1, "mailto://x.example?from=SOC%20Bot").is_err());
    }
}
