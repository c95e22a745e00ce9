//! Every secret a configuration holds, gathered once at startup for [`crate::redact`]:
//! each subcommand registers them before it logs its first line, so no password, token or
//! their encoded forms reach a log, a console line or a DB row.
//!
//! This is the one module that knows every section holding a secret, so it sits above the
//! stages (it reads the notification destinations the way [`crate::notify`] parses them);
//! the redaction itself stays a leaf every stage and the logger can use.

use crate::config::{split_list, strip_quotes, Config};
use crate::notify::{split_urls, Destination};
use crate::redact::Secrets;

/// The secrets a configuration holds: the notification destinations (tokens, passwords,
/// webhook paths: see [`Destination`]) and the arguments of both command hooks, the
/// credentials in `[SERVER] ACTServer`, `Proxy_Username`/`Proxy_Password`, `[CONNECT]
/// Proxy`, `[CTLOGS] Logs` and `LogList`, `[ENRICH] RDAPServer`, the Safe Browsing API
/// key, the `[SERVE] Token` clients of `serve` present, and those of the `*_proxy` environment variables (the certstream client and the
/// CT log readers use them).
pub fn in_config(c: &Config) -> Secrets {
    let get = |s: &str, k: &str| c.get(s, k).ok().flatten().unwrap_or_default();
    let mut out = Secrets::new();
    for u in split_list(&get("SERVER", "ACTServer")) {
        out.add_url_credentials(&u);
    }
    let (user, pass) = (
        get("SERVER", "Proxy_Username"),
        get("SERVER", "Proxy_Password"),
    );
    let (user, pass) = (strip_quotes(&user), strip_quotes(&pass));
    if !pass.is_empty() {
        out.add_login(user, pass);
    }
    for (s, k) in [
        ("CONNECT", "Proxy"),
        ("CTLOGS", "LogList"),
        ("ENRICH", "RDAPServer"),
        ("ENRICH", "WhoisServer"),
    ] {
        out.add_url_credentials(&get(s, k));
    }
    for item in get("CTLOGS", "Logs").split([',', ' ', '\t', '\n']) {
        out.add_url_credentials(item.trim().trim_start_matches("tiled:"));
    }
    out.add(&get("SAFEBROWSING", "Safe_Browsing_API_Key"));
    out.add(strip_quotes(get("SERVE", "Token").trim()));
    for (i, u) in split_urls(&get("REPORTING", "Notification_Destination"))
        .iter()
        .enumerate()
    {
        if let Ok(d) = Destination::parse(i + 1, u) {
            out.extend(d.shared_secrets());
        }
    }
    for (s, k) in [("REPORTING", "Notification_Command"), ("HEALTH", "Command")] {
        if let Some(d) = Destination::command(&get(s, k)) {
            out.extend(d.shared_secrets());
        }
    }
    for var in [
        "https_proxy",
        "HTTPS_PROXY",
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        if let Some(v) = std::env::var_os(var) {
            let v = v.to_string_lossy();
            let v = if v.contains("://") {
                v.into_owned()
            } else {
                format!("http://{v}")
            };
            out.add_url_credentials(&v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_of_a_config() {
        let c = Config::parse(
            "t.conf",
            "[SERVER]\nACTServer = wss://wsuser:WSPASS1@cs.example/, ws://plain.example/\n\
             Proxy_Host = p.example\nProxy_Username = \"puser\"\nProxy_Password = \"PPASS22\"\n\
             [CONNECT]\nProxy = socks5h://su:SOCKSPW3@127.0.0.1:1080\n\
             [CTLOGS]\nLogs = https://ct.example/a/?format=full&apikey=CK9, tiled:https://cu:CTPW44@ct.example/b/\n\
             [SAFEBROWSING]\nSafe_Browsing_API_Key = AIzaKEY555\n\
             [REPORTING]\nNotification_Destination = tgram://123:AAbbTGTOK66/5/, json://127.0.0.1/x?-apikey=QK777\n\
             Notification_Command = /bin/hook --token HOOK8888 --format json\n\
             [HEALTH]\nCommand = /bin/stallhook --key=STALL9999\n",
        )
        .unwrap();
        let s = in_config(&c);
        let basic = |u: &str, p: &str| crate::net::base64::encode(format!("{u}:{p}").as_bytes());
        for secret in [
            "WSPASS1".to_string(),
            "PPASS22".into(),
            basic("puser", "PPASS22"),
            "SOCKSPW3".into(),
            "CTPW44".into(),
            basic("cu", "CTPW44"),
            "AIzaKEY555".into(),
            "CK9".into(),
            "AAbbTGTOK66".into(),
            "QK777".into(),
            "HOOK8888".into(),
            "STALL9999".into(),
        ] {
            assert_eq!(s.scrub(&format!("<{secret}>")), "<***>", "{secret}");
        }
        // Public parts stay readable.
        for public in [
            "cs.example",
            "plain.example",
            "ct.example/a/",
            "puser",
            "/bin/hook",
            "--token --format json",
            "format=full",
            "tgram://123:",
            "127.0.0.1/x?",
        ] {
            assert_eq!(s.scrub(public), public);
        }
    }
}
