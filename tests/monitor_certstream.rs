//! `certstreammonitor monitor` against loopback certstream servers: message formats, DB rows,
//! stdout lines, CONNECT proxy, reconnection, keepalive, hostile input and SIGTERM.

mod common;

use common::limits;
use common::*;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tungstenite::protocol::frame::coding::{Data as OpData, OpCode};
use tungstenite::protocol::frame::Frame;
use tungstenite::Message;

/// Base64 of `user:pass` and `user:wrong`, computed independently of the crate.
const AUTH_USER_PASS: &str = "Basic dXNlcjpwYXNz";
const AUTH_USER_WRONG: &str = "Basic dXNlcjp3cm9uZw==";

fn conf_for(servers: Vec<String>) -> Conf {
    Conf {
        servers,
        ..Conf::default()
    }
}

fn db_path(dir: &TempDir) -> PathBuf {
    dir.join(DB)
}

#[test]
fn fixture_messages_become_rows_and_stdout_lines() {
    let dir = TempDir::new("fixtures");
    let m1 = Cert::new(&[
        "paypal-login.example.com",
        "www.paypal-login.example.com",
        "other.example.com",
    ]);
    let m4 = Cert::new(&["secure-login.example.net", "www.paypal.com"])
        .with_issuer("/C=US/O=DigiCert Inc/CN=DigiCert TLS RSA SHA256 2020 CA1");
    let m6 = Cert::new(&["paypal-login.example.com"]).with_fingerprint("00:11:22");
    let mut m7 = Cert::new(&["login-secure.example.io"]);
    m7.not_before = json!(1509908649.0);
    let msgs = vec![
        m1.lite(),
        heartbeat(),
        unknown_type(),
        m4.full(),
        dns_entries(&["paypal-secure.example.org", "cdn.example.org"]),
        m6.lite(), // known Domain with a new fingerprint: neither a row nor a line
        m7.lite(),
    ];
    let server = serve_once(msgs);
    let mut conf = conf_for(vec![server.url()]);
    conf.log_level = "DEBUG".into();
    let cfg = conf.write(&dir);
    let t0 = now();
    // UTC+5 without DST, so "local time" on stdout is visibly not UTC.
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", &cfg],
        &[("TZ", "XYZ-5")],
        None,
    );

    let want = [
        "paypal-login.example.com",
        "www.paypal-login.example.com",
        "secure-login.example.net",
        "paypal-secure.example.org",
        "login-secure.example.io",
    ];
    let rows = wait_for_domains(&db_path(&dir), TABLE, &want);
    let t1 = now();
    assert!(p.running(), "monitor exited; stderr:\n{}", p.stderr());
    let status = p.stop();
    assert_eq!(status.code(), Some(0), "stderr:\n{}", p.stderr());

    let domains: Vec<&str> = rows.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(domains, want, "exactly the matching names, in stream order");

    // (domain, SAN, Issuer, Fingerprint, Startime)
    let expected: Vec<(&str, String, &str, &str, &str)> = vec![
        (
            want[0],
            m1.san_for(want[0]),
            LE_ISSUER,
            m1.fingerprint.as_str(),
            NOT_BEFORE_ISO,
        ),
        (
            want[1],
            m1.san_for(want[1]),
            LE_ISSUER,
            m1.fingerprint.as_str(),
            NOT_BEFORE_ISO,
        ),
        (
            want[2],
            "www.paypal.com".into(),
            m4.issuer.as_str(),
            m4.fingerprint.as_str(),
            NOT_BEFORE_ISO,
        ),
        (want[3], "cdn.example.org".into(), "", "", ""), // dns_entries: names only
        (
            want[4],
            String::new(),
            LE_ISSUER,
            m7.fingerprint.as_str(),
            "2017-11-05T19:04:09",
        ),
    ];
    assert_eq!(
        m1.san_for(want[0]),
        "www.paypal-login.example.com, other.example.com"
    );
    for (row, (d, san, issuer, fp, start)) in rows.iter().zip(&expected) {
        assert_eq!(row.domain, *d);
        assert_eq!(row.san.as_deref(), Some(san.as_str()), "SAN of {d}");
        assert_eq!(
            row.issuer.as_deref(),
            Some(*issuer),
            "Issuer of {d} (issuer DN, not subject)"
        );
        assert_eq!(row.fingerprint.as_deref(), Some(*fp), "Fingerprint of {d}");
        assert_eq!(row.startime.as_deref(), Some(*start), "Startime of {d}");
        assert_eq!(row.still, None, "StillInvestig of {d}");
        let seen = parse_iso(row.first_seen.as_deref().unwrap_or(""))
            .unwrap_or_else(|| panic!("FirstSeen of {d}: {:?}", row.first_seen));
        assert!(
            seen >= t0 - 1 && seen <= t1 + 1,
            "FirstSeen {:?} is UTC now",
            row.first_seen
        );
    }

    let lines = p.stdout_lines();
    assert_eq!(lines.len(), 5, "one line per new row:\n{}", p.stdout());
    for (line, (row, (d, san, issuer, fp, start))) in lines.iter().zip(rows.iter().zip(&expected)) {
        let (ts, body) = split_match_line(line);
        assert_eq!(body, match_body(d, san, issuer, fp, start));
        let local = parse_iso(&ts).unwrap();
        let utc = parse_iso(row.first_seen.as_deref().unwrap()).unwrap();
        assert!(
            (local - utc - 5 * 3600).abs() <= 2,
            "stdout time {ts} is local (UTC+5), FirstSeen {utc}"
        );
    }
    for never in [
        CHAIN_NAME,
        "paypal-login-stats.example",
        "www.paypal.com",
        "other.example.com",
    ] {
        assert!(
            !p.stdout().contains(&format!("] {never} ")),
            "{never} must not be reported"
        );
    }

    let err = p.stderr();
    let log_line = |level: &str, logger: &str, msg: &str| {
        regex::Regex::new(&format!(
            r"(?m)^\[{level}:{logger}\] \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} - {}",
            regex::escape(msg)
        ))
        .unwrap()
    };
    assert!(
        log_line(
            "INFO",
            "root",
            "Looking for these strings: paypal|login|secure, detection threshold: 2"
        )
        .is_match(&err),
        "{err}"
    );
    assert!(
        log_line(
            "INFO",
            "certstream",
            "Connection established to CertStream! Listening for events..."
        )
        .is_match(&err),
        "{err}"
    );
    let below = format!(
        "DETECTION THRESHOLD VALUE NOT REACHED - {}",
        match_body(
            "www.paypal.com",
            "secure-login.example.net",
            &m4.issuer,
            &m4.fingerprint,
            NOT_BEFORE_ISO
        )
    );
    assert!(
        log_line("DEBUG", "root", &below).is_match(&err),
        "below-threshold debug line missing:\n{err}"
    );
    assert_eq!(
        counter(&err, "malformed"),
        Some(0),
        "heartbeat and unknown types are not errors:\n{err}"
    );
}

#[test]
fn connect_proxy_with_basic_auth_carries_the_stream() {
    let dir = TempDir::new("proxy-ok");
    let cert = Cert::new(&["paypal-login.via-proxy.example"]);
    let server = serve_once(vec![cert.lite()]);
    let proxy = ConnectProxy::start(AUTH_USER_PASS);
    let mut conf = conf_for(vec![server.url()]);
    conf.server_extra = vec![
        "Proxy_Host = 127.0.0.1".into(),
        format!("Proxy_Port = {}", proxy.port),
        "Proxy_Username = \"user\"".into(),
        "Proxy_Password = \"pass\"".into(),
    ];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);

    let rows = wait_for_domains(&db_path(&dir), TABLE, &["paypal-login.via-proxy.example"]);
    find(&rows, "paypal-login.via-proxy.example");
    let reqs = proxy.requests();
    assert!(!reqs.is_empty());
    assert_eq!(
        reqs[0].request_line,
        format!("CONNECT 127.0.0.1:{} HTTP/1.1", server.port)
    );
    assert!(
        reqs.iter()
            .all(|r| r.auth.as_deref() == Some(AUTH_USER_PASS)),
        "{reqs:?}"
    );
    assert!(reqs[0].accepted);
    assert_eq!(
        server.accepts(),
        1,
        "the websocket came through the proxy tunnel"
    );
    assert_eq!(p.stop().code(), Some(0));
}

#[test]
fn connect_proxy_refusing_with_407_is_logged_and_retried() {
    let dir = TempDir::new("proxy-407");
    let server = serve_once(vec![Cert::new(&["paypal-login.never.example"]).lite()]);
    let proxy = ConnectProxy::start(AUTH_USER_PASS);
    let mut conf = conf_for(vec![server.url()]);
    conf.server_extra = vec![
        "Proxy_Host = 127.0.0.1".into(),
        format!("Proxy_Port = {}", proxy.port),
        "Proxy_Username = \"user\"".into(),
        "Proxy_Password = \"wrong\"".into(),
    ];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);

    assert!(
        wait_until(WAIT, || proxy.requests().len() >= 2),
        "monitor should retry after a 407; stderr:\n{}",
        p.stderr()
    );
    let reqs = proxy.requests();
    assert!(
        reqs.iter()
            .all(|r| !r.accepted && r.auth.as_deref() == Some(AUTH_USER_WRONG)),
        "{reqs:?}"
    );
    assert!(
        p.wait_stderr("407", WAIT),
        "the proxy's answer is logged:\n{}",
        p.stderr()
    );
    let logged = wait_until(WAIT, || {
        p.stderr().lines().any(|l| {
            l.starts_with("[ERROR:certstream]") && l.contains("Error connecting to CertStream")
        })
    });
    assert!(logged, "{}", p.stderr());
    assert!(p.running(), "a refused proxy is not fatal");
    assert_eq!(server.accepts(), 0);
    assert!(rows(&db_path(&dir), TABLE).is_empty());
    assert_eq!(p.stop().code(), Some(0));
    assert_eq!(p.stdout(), "");
}

#[test]
fn http_proxy_from_the_environment_when_no_proxy_host_is_configured() {
    let dir = TempDir::new("proxy-env");
    let server = serve_once(vec![Cert::new(&["paypal-login.env-proxy.example"]).lite()]);
    let proxy = ConnectProxy::start(AUTH_USER_PASS);
    // A name only the proxy can reach (it tunnels to loopback): a direct connection would fail.
    let cfg = conf_for(vec![format!("ws://certstream.invalid:{}/", server.port)]).write(&dir);
    let env_proxy = format!("http://user:pass@127.0.0.1:{}", proxy.port);
    let mut p = Proc::spawn(
        dir.path(),
        &["monitor", "-c", &cfg],
        &[("http_proxy", &env_proxy)],
        None,
    );
    let rows = wait_for_domains(&db_path(&dir), TABLE, &["paypal-login.env-proxy.example"]);
    find(&rows, "paypal-login.env-proxy.example");
    let reqs = proxy.requests();
    assert_eq!(
        reqs[0].request_line,
        format!("CONNECT certstream.invalid:{} HTTP/1.1", server.port)
    );
    assert_eq!(reqs[0].auth.as_deref(), Some(AUTH_USER_PASS));
    assert_eq!(p.stop().code(), Some(0));
}

/// `n` certificates with one matching name each (plus a non-matching one).
fn numbered_certs(tag: &str, n: usize) -> (Vec<Cert>, Vec<String>) {
    let hosts: Vec<String> = (0..n)
        .map(|i| format!("paypal-login-{i:02}.{tag}.example"))
        .collect();
    let certs = hosts
        .iter()
        .map(|h| Cert::new(&[h, &format!("static.{tag}.example")]))
        .collect();
    (certs, hosts)
}

#[test]
fn connection_dropped_mid_frame_loses_nothing_and_duplicates_nothing() {
    let dir = TempDir::new("drop");
    let (certs, hosts) = numbered_certs("drop", 12);
    let msgs: Vec<String> = certs.iter().map(Cert::lite).collect();
    let m = msgs.clone();
    let server = WsServer::start(move |i, ws, ctl| match i {
        0 => {
            send_all(ws, &m[..6]);
            // Half of the next frame, then the connection goes away.
            let payload = m[6].as_bytes();
            assert!(payload.len() < 65536);
            let mut raw = vec![0x81, 126, (payload.len() >> 8) as u8, payload.len() as u8];
            raw.extend_from_slice(&payload[..payload.len() / 2]);
            let _ = ws.get_mut().write_all(&raw);
            let _ = ws.get_mut().flush();
            let _ = ws.get_ref().shutdown(std::net::Shutdown::Write);
            hold(ws, ctl); // until the client hangs up
        }
        1 => {
            // The rest, starting again one message early (a message seen twice must not make two rows).
            send_all(ws, &m[5..]);
            hold(ws, ctl);
        }
        _ => {
            hold(ws, ctl);
        }
    });
    let cfg = conf_for(vec![server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let want: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let rows = wait_for_domains(&db_path(&dir), TABLE, &want);
    assert_eq!(p.stop().code(), Some(0), "stderr:\n{}", p.stderr());

    assert!(server.accepts() >= 2, "client reconnected");
    let mut got: Vec<String> = rows.iter().map(|r| r.domain.clone()).collect();
    got.sort();
    assert_eq!(got, hosts, "every match stored once, nothing else");
    let lines = p.stdout_lines();
    for h in &hosts {
        let n = lines
            .iter()
            .filter(|l| split_match_line(l).1.starts_with(&format!("{h} ")))
            .count();
        assert_eq!(n, 1, "{h} reported {n} times:\n{}", p.stdout());
    }
    assert_eq!(lines.len(), hosts.len());
}

#[test]
fn silent_server_is_abandoned_after_idle_timeout() {
    let dir = TempDir::new("silent");
    let before = Cert::new(&["paypal-login.before-silence.example"]);
    let after = Cert::new(&["paypal-login.after-reconnect.example"]);
    let (b, a) = (before.lite(), after.lite());
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            send_all(ws, std::slice::from_ref(&b));
            // Accepts, then never a byte again: no data, no pong.
            hold_silent(ctl, Duration::from_secs(60));
        } else {
            send_all(ws, std::slice::from_ref(&a));
            hold(ws, ctl);
        }
    });
    let mut conf = conf_for(vec![server.url()]);
    conf.server_extra = vec!["IdleTimeout = 2".into()];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let rows = wait_for_domains(
        &db_path(&dir),
        TABLE,
        &[
            "paypal-login.before-silence.example",
            "paypal-login.after-reconnect.example",
        ],
    );
    find(&rows, "paypal-login.after-reconnect.example");
    assert!(server.accepts() >= 2);
    assert!(
        p.wait_stderr("Error connecting to CertStream", WAIT),
        "{}",
        p.stderr()
    );
    assert_eq!(p.stop().code(), Some(0));
}

#[test]
fn act_server_list_falls_through_to_the_next_url() {
    let dir = TempDir::new("actlist");
    let server = serve_once(vec![Cert::new(&["paypal-login.second-url.example"]).lite()]);
    let dead = closed_port();
    let cfg = conf_for(vec![format!("ws://127.0.0.1:{dead}/"), server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let rows = wait_for_domains(&db_path(&dir), TABLE, &["paypal-login.second-url.example"]);
    find(&rows, "paypal-login.second-url.example");
    assert_eq!(server.accepts(), 1);
    let logged = wait_until(WAIT, || {
        p.stderr().lines().any(|l| {
            l.contains("Error connecting to CertStream") && l.contains(&format!("127.0.0.1:{dead}"))
        })
    });
    assert!(logged, "the dead URL's failure is logged:\n{}", p.stderr());
    assert_eq!(p.stop().code(), Some(0));
}

#[derive(Default)]
struct PingLog {
    pong_for_our_ping: bool,
    client_pings: usize,
}

#[test]
fn client_answers_server_pings_and_sends_its_own() {
    let dir = TempDir::new("ping");
    let log = Arc::new(Mutex::new(PingLog::default()));
    let l = log.clone();
    let server = WsServer::start(move |_, ws, ctl| {
        if ws.send(Message::Ping(b"csm-probe".to_vec())).is_err() {
            return;
        }
        // Read by hand (tungstenite answers the client's pings for us when reading).
        while !ctl.stopped() {
            match ws.read() {
                Ok(Message::Pong(p)) if p == b"csm-probe" => {
                    l.lock().unwrap().pong_for_our_ping = true
                }
                Ok(Message::Ping(_)) => l.lock().unwrap().client_pings += 1,
                Ok(Message::Close(_)) => return,
                Ok(_) => {}
                Err(e) if timed_out(&e) => {}
                Err(_) => return,
            }
        }
    });
    let mut conf = conf_for(vec![server.url()]);
    conf.server_extra = vec!["PingInterval = 0.5".into(), "IdleTimeout = 2".into()];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    // Six pings at 0.5 s take longer than IdleTimeout: the server's pongs must count as traffic.
    let ok = wait_until(WAIT, || {
        let g = log.lock().unwrap();
        g.pong_for_our_ping && g.client_pings >= 6
    });
    let (pong, pings) = {
        let g = log.lock().unwrap();
        (g.pong_for_our_ping, g.client_pings)
    };
    assert!(
        ok,
        "pong for server ping: {pong}, client pings: {pings}; stderr:\n{}",
        p.stderr()
    );
    assert_eq!(
        server.accepts(),
        1,
        "a connection that answers pings is alive, even without data"
    );
    assert_eq!(p.stop().code(), Some(0));
}

#[test]
fn hostile_messages_are_survived_and_stored_safely() {
    let dir = TempDir::new("hostile");
    let quote = r#"a'b".paypal-login.com"#;
    let inject = r#"x"); DROP TABLE CertMon;--.paypal-secure.com"#;
    let sql = Cert::new(&[quote, inject]);
    let lenient = r#"{"message_type":"certificate_update","data":{"leaf_cert":{"all_domains":["paypal-login-lenient.example",null,7,{"x":1}],"fingerprint":12345,"not_before":"1509908649","issuer":{"aggregated":["x"]},"subject":null}}}"#;
    let mut bulk_names: Vec<String> = (0..10_000)
        .map(|i| format!("n{i:05}.bulk.example"))
        .collect();
    bulk_names.push("paypal-login.bulk.example".into());
    let bulk = Cert::new(&bulk_names.iter().map(String::as_str).collect::<Vec<_>>());
    let ansi = "paypal-login\u{1b}[31m.ansi.example";
    let truncated = Cert::new(&["paypal-login-truncated.example"]).lite();
    let last = Cert::new(&["secure-login-after-hostile.example.com"]);

    let texts_before: Vec<String> = vec![sql.lite()];
    let texts_after: Vec<String> = vec![
        truncated[..truncated.len() / 2].to_string(),
        r#"{"message_type":"certificate_update","data":{"leaf_cert":{"all_domains":"paypal-login-notalist.example"}}}"#.into(),
        r#"{"message_type":"certificate_update","data":"paypal-login-datastring.example"}"#.into(),
        r#"{"message_type":null,"data":{"leaf_cert":{"all_domains":["paypal-login-notype.example"]}}}"#.into(),
        r#"{"message_type":42}"#.into(),
        lenient.into(),
        bulk.lite(),
        Cert::new(&[ansi]).lite(),
        last.lite(),
    ];
    let bad_utf8_text = b"{\"message_type\":\"certificate_update\",\"data\":{\"leaf_cert\":{\"all_domains\":[\"paypal-login-\xff.example\"]}}}".to_vec();
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            send_all(ws, &texts_before);
            let _ = ws.send(Message::Binary(b"\xff\xfe\x00garbage{".to_vec()));
            let _ = ws.send(Message::Frame(Frame::message(
                bad_utf8_text.clone(),
                OpCode::Data(OpData::Text),
                true,
            )));
            send_all(ws, &texts_after);
        }
        hold(ws, ctl);
    });
    let cfg = conf_for(vec![server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let want = [
        quote,
        inject,
        "paypal-login-lenient.example",
        "paypal-login.bulk.example",
        ansi,
        "secure-login-after-hostile.example.com",
    ];
    let rows = wait_for_domains(&db_path(&dir), TABLE, &want);
    assert!(p.running(), "stderr:\n{}", p.stderr());
    assert_eq!(
        server.accepts(),
        1,
        "bad messages must not cost the connection (later messages on it would be lost)"
    );
    assert_eq!(p.stop().code(), Some(0), "stderr:\n{}", p.stderr());

    let got: Vec<&str> = rows.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(
        got, want,
        "exactly these rows, nothing from the broken messages"
    );
    assert_eq!(
        table_sql(&db_path(&dir), TABLE).as_deref(),
        Some(stored_ddl(TABLE).as_str()),
        "table intact"
    );
    assert!(integrity_ok(&db_path(&dir)));
    assert_eq!(find(&rows, quote).san.as_deref(), Some(inject));
    assert_eq!(find(&rows, inject).san.as_deref(), Some(quote));
    let len = find(&rows, "paypal-login-lenient.example");
    assert_eq!(
        len.startime.as_deref(),
        Some("2017-11-05T19:04:09"),
        "numeric string not_before"
    );
    assert_eq!(
        len.san.as_deref(),
        Some(""),
        "non-string names are not names"
    );
    assert_eq!(len.issuer.as_deref(), Some(""));
    let big = find(&rows, "paypal-login.bulk.example");
    assert_eq!(
        big.san.as_deref(),
        Some(bulk_names[..10_000].join(", ").as_str())
    );

    let out = p.stdout();
    assert_eq!(out.lines().count(), want.len(), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "control characters never reach stdout raw"
    );
    assert!(
        out.contains("paypal-login\\x1b[31m.ansi.example (SAN: )"),
        "{out}"
    );
    assert!(
        out.contains(&format!("] {quote} (SAN: {inject}) ")),
        "{out}"
    );
    let err = p.stderr();
    let skipped = counter(&err, "malformed").unwrap_or(0) + counter(&err, "rejected").unwrap_or(0);
    // binary garbage, non-UTF-8 text, truncated JSON, `data` a string, `message_type` null
    assert_eq!(skipped, 5, "skipped messages are counted:\n{err}");
}

/// One certificate per wrongly-typed field; each must still be stored (src/monitor/certstream_wire.rs's
/// own doc: "a field of an unexpected type becomes 'unknown' instead of failing the message").
/// Regression: a `subject` or `issuer` that is not an object (string, number) used to fail
/// the whole message, so its names were never matched.
#[test]
fn wrongly_typed_fields_do_not_lose_the_certificate() {
    let dir = TempDir::new("lenient");
    let cases: &[(&str, &str)] = &[
        ("paypal-login.fp-number.example", r#""fingerprint":12345"#),
        (
            "paypal-login.nb-string.example",
            r#""not_before":"1509908649""#,
        ),
        (
            "paypal-login.nb-junk.example",
            r#""not_before":"no_expiration""#,
        ),
        ("paypal-login.issuer-null.example", r#""issuer":null"#),
        (
            "paypal-login.aggregated-list.example",
            r#""issuer":{"aggregated":["x"]}"#,
        ),
        ("paypal-login.subject-string.example", r#""subject":"nope""#),
        ("paypal-login.issuer-number.example", r#""issuer":5"#),
        (
            "paypal-login.subject-list.example",
            r#""subject":["/CN=x"]"#,
        ),
    ];
    let msgs: Vec<String> = cases
        .iter()
        .map(|(host, field)| {
            format!(r#"{{"message_type":"certificate_update","data":{{"leaf_cert":{{"all_domains":["{host}",null,7],{field}}}}}}}"#)
        })
        .collect();
    let server = serve_once(msgs);
    let cfg = conf_for(vec![server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let want: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let rows = wait_for_domains(&db_path(&dir), TABLE, &want);
    assert_eq!(p.stop().code(), Some(0));
    let missing: Vec<&str> = want
        .iter()
        .copied()
        .filter(|w| rows.iter().all(|r| r.domain != *w))
        .collect();
    assert!(
        missing.is_empty(),
        "certificates lost to a wrongly typed field: {missing:?}\nstderr:\n{}",
        p.stderr()
    );
    assert_eq!(
        find(&rows, "paypal-login.nb-string.example")
            .startime
            .as_deref(),
        Some("2017-11-05T19:04:09")
    );
    assert_eq!(
        find(&rows, "paypal-login.nb-junk.example")
            .startime
            .as_deref(),
        Some("")
    );
    assert_eq!(
        find(&rows, "paypal-login.fp-number.example").san.as_deref(),
        Some(""),
        "null and 7 are not names"
    );
}

#[test]
fn oversize_websocket_message_is_skipped_and_the_client_recovers() {
    let dir = TempDir::new("oversize-ws");
    let a = Cert::new(&["paypal-login.before-big.example"]).lite();
    let c = Cert::new(&["paypal-login.after-big.example"]).lite();
    let big = Cert::new(&["paypal-login.oversize.example", &"x".repeat(17 << 20)]).lite();
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            send_all(ws, std::slice::from_ref(&a));
            let _ = ws.send(Message::text(big.clone()));
        } else {
            send_all(ws, std::slice::from_ref(&c));
        }
        hold(ws, ctl);
    });
    let cfg = conf_for(vec![server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let rows = wait_for_domains(
        &db_path(&dir),
        TABLE,
        &[
            "paypal-login.before-big.example",
            "paypal-login.after-big.example",
        ],
    );
    assert!(rows
        .iter()
        .all(|r| r.domain != "paypal-login.oversize.example"));
    assert!(p.running());
    assert_eq!(p.stop().code(), Some(0));
    assert!(
        counter(&p.stderr(), "rejected").unwrap_or(0) >= 1,
        "{}",
        p.stderr()
    );
}

#[test]
fn sigterm_or_sigint_while_streaming_exits_zero_with_every_printed_row_committed() {
    for sig in ["TERM", "INT"] {
        let dir = TempDir::new("signal");
        let server = WsServer::start(|_, ws, ctl| {
            let mut i = 0u64;
            while !ctl.stopped() {
                let host = format!("paypal-login-{i:06}.stream.example");
                if ws
                    .send(Message::text(
                        Cert::new(&[&host, "cdn.stream.example"]).lite(),
                    ))
                    .is_err()
                {
                    return;
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let cfg = conf_for(vec![server.url()]).write(&dir);
        let mut p = Proc::monitor(&dir, &cfg);
        let db = db_path(&dir);
        assert!(
            wait_until(WAIT, || rows(&db, TABLE).len() >= 20),
            "SIG{sig}: stderr:\n{}",
            p.stderr()
        );
        p.signal(sig);
        let status = p
            .wait_exit(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("still running 10 s after SIG{sig}"));
        assert_eq!(status.code(), Some(0), "SIG{sig}: stderr:\n{}", p.stderr());

        let stored = rows(&db, TABLE);
        let printed: Vec<String> = p
            .stdout_lines()
            .iter()
            .map(|l| split_match_line(l).1.split(' ').next().unwrap().to_string())
            .collect();
        assert!(stored.len() >= 20);
        assert_eq!(
            printed.len(),
            stored.len(),
            "SIG{sig}: every stored row was printed, every printed row is stored"
        );
        for (row, host) in stored.iter().zip(&printed) {
            assert_eq!(&row.domain, host);
        }
        assert!(integrity_ok(&db));
        assert!(
            p.stderr().contains("Kill command received, exiting!!"),
            "{}",
            p.stderr()
        );
    }
}

/// A proxy whose 407 status line echoes the `Proxy-Authorization` it got (and the
/// credentials decoded, percent-encoded): the log file gets the refusal, not the password,
/// for `Proxy_Username`/`Proxy_Password` and for a password in `http_proxy` alike.
#[test]
fn proxy_407_echoing_the_credentials_leaks_them_to_no_log() {
    const PASS: &str = "s3cr3t PW";
    const PASS_PCT: &str = "s3cr3t%20PW";
    // base64 of `user:s3cr3t PW` (Python's base64.b64encode).
    const BASIC: &str = "dXNlcjpzM2NyM3QgUFc=";
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut b = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16384 {
                match std::io::Read::read(&mut s, &mut b) {
                    Ok(1) => head.push(b[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let auth = head
                .lines()
                .find_map(|l| l.strip_prefix("Proxy-Authorization: "))
                .unwrap_or("none")
                .to_string();
            seen2.lock().unwrap().push(auth.clone());
            let reply = format!(
                "HTTP/1.1 407 Refused Proxy-Authorization: {auth} = user:{PASS} = {PASS_PCT}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = s.write_all(reply.as_bytes());
        }
    });
    let conf_proxy = vec![
        "Proxy_Host = 127.0.0.1".to_string(),
        format!("Proxy_Port = {port}"),
        "Proxy_Username = \"user\"".into(),
        format!("Proxy_Password = \"{PASS}\""),
    ];
    let env_proxy = format!("http://user:{PASS_PCT}@127.0.0.1:{port}");
    for (tag, extra, env) in [
        ("conf", conf_proxy, None),
        ("env", Vec::new(), Some(env_proxy.as_str())),
    ] {
        let dir = TempDir::new(&format!("proxy-407-echo-{tag}"));
        let before = seen.lock().unwrap().len();
        let mut conf = conf_for(vec!["ws://certstream.invalid:9/".into()]);
        conf.server_extra = extra;
        conf.log_type = "file".into();
        conf.log_file = Some("logs/monitor.log".into());
        let cfg = conf.write(&dir);
        let envs: Vec<(&str, &str)> = env.map(|e| ("http_proxy", e)).into_iter().collect();
        let mut p = Proc::spawn(dir.path(), &["monitor", "-c", &cfg], &envs, None);
        let log = dir.join("logs/monitor.log");
        let read = || std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            wait_until(WAIT, || read().contains("407 Refused")),
            "{tag}: the refusal is logged:\n{}\nstderr:\n{}",
            read(),
            p.stderr()
        );
        assert_eq!(p.stop().code(), Some(0));
        let got = seen.lock().unwrap()[before..].to_vec();
        assert!(
            got.iter().all(|a| a == &format!("Basic {BASIC}")),
            "{tag}: {got:?}"
        );
        let text = format!("{}\n{}\n{}", read(), p.stderr(), p.stdout());
        for s in [PASS, PASS_PCT, BASIC, &BASIC[..12]] {
            assert!(
                !text.contains(s),
                "{tag}: {s:?} in the log or output:\n{text}"
            );
        }
    }
}

/// Under a thread limit (RLIMIT_NPROC) the certstream source waits for a thread instead of
/// ending the monitor: the refusal is an error line, retried until a thread is available.
/// The child runs as a uid of its own (see `common::limits`) allowed 1 task (its main
/// thread), then 2. Before this test, the refused source thread ended the monitor.
#[test]
fn thread_limit_delays_the_certstream_source_and_loses_nothing() {
    let Some(uid) = limits::unused_uid() else {
        return limits::skipped_not_root();
    };
    let dir = TempDir::new("nproc-certstream");
    let cert = Cert::new(&["paypal-login.nproc.example"]);
    let server = serve_once(vec![cert.lite()]);
    let cfg = conf_for(vec![server.url()]).write(&dir);
    limits::chown_tree(dir.path(), uid);
    let mut p = Proc::spawn_adjusted(dir.path(), &["monitor", "-c", &cfg], &[], None, |c| {
        limits::limit_tasks(c, uid, 1)
    });
    assert!(
        p.wait_stderr("cannot start the certstream thread", WAIT),
        "{}",
        p.stderr()
    );
    assert!(p.running(), "alive under the limit:\n{}", p.stderr());
    assert_eq!(server.accepts(), 0);
    limits::set_task_limit(p.pid(), uid, 2);
    let rows = wait_for_domains(&db_path(&dir), TABLE, &["paypal-login.nproc.example"]);
    assert_eq!(rows.len(), 1);
    let status = p.stop();
    assert_eq!(status.code(), Some(0), "stderr:\n{}", p.stderr());
    assert!(
        p.stderr()
            .lines()
            .any(|l| l.starts_with("[ERROR:root]") && l.contains("retrying in")),
        "{}",
        p.stderr()
    );
    // Two tasks: main and the source; the stall watch (which only reports) is done without.
    assert!(
        p.stderr().contains("cannot start the stall-watch thread"),
        "{}",
        p.stderr()
    );
}

// ---------------------------------------------------------------------------------------
// Backpressure: a message that reached the monitor is never discarded (issue #10)

/// The rows without FirstSeen (the clock's, not the match's).
fn decided(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .map(|r| Row {
            first_seen: None,
            ..r.clone()
        })
        .collect()
}

/// Wait until `db` holds `want` rows, or until its row count has not moved for `quiet`
/// (then something was lost and the caller's comparison says what); returns the rows.
fn wait_for_count(db: &std::path::Path, want: usize, quiet: Duration, max: Duration) -> Vec<Row> {
    let start = std::time::Instant::now();
    let (mut last_len, mut last_move) = (usize::MAX, std::time::Instant::now());
    loop {
        let got = rows(db, TABLE);
        if got.len() >= want || start.elapsed() >= max {
            return got;
        }
        if got.len() != last_len {
            (last_len, last_move) = (got.len(), std::time::Instant::now());
        } else if last_move.elapsed() >= quiet {
            return got;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The bench's keywords, every score ≥ 1 stored, no blacklist: ~1 % of generated messages match.
fn flood_conf(servers: Vec<String>, db: &str) -> Conf {
    Conf {
        search: certstream_feed::BENCH_KEYWORDS.into(),
        blacklist: None,
        threshold: Some("1".into()),
        db: db.into(),
        servers,
        ..Conf::default()
    }
}

/// A server writing `count` generated messages as fast as TCP allows (a server flushing
/// its buffer after a reconnect) must leave exactly the rows `--replay` of the same file
/// leaves; it used to fill the reader→matcher queue and drop messages.
fn flood_stores_what_replay_stores(tag: &str, count: u64, full: bool) {
    let dir = TempDir::new(tag);
    let feed = dir.join("feed.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&feed).unwrap());
        let mut gen = certstream_feed::MessageGenerator::new(full);
        for _ in 0..count {
            w.write_all(gen.next_message().as_bytes()).unwrap();
        }
        // A matching last message: once its row is stored, every message before it has
        // been handled (they are handled in order), so stopping then cannot race the
        // reader for the non-matching tail of the feed.
        let sentinel = Cert::new(&[&format!("paypal-login.{tag}.sentinel.example")]);
        let last = if full {
            sentinel.full()
        } else {
            sentinel.lite()
        };
        writeln!(w, "{last}").unwrap();
        w.flush().unwrap();
    }
    let count = count + 1;
    let cfg = flood_conf(vec!["ws://127.0.0.1:9/".into()], "data/replay.sqlite").write(&dir);
    // A few seconds on an idle machine; minutes when the suite shares two cores with builds.
    let replay = run_within(
        dir.path(),
        &["monitor", "-c", &cfg, "--replay", "feed.jsonl"],
        &[],
        None,
        Duration::from_secs(600),
    );
    assert_eq!(replay.code, Some(0), "{}", replay.stderr);
    let want = rows(&dir.join("data/replay.sqlite"), TABLE);
    assert!(
        want.len() > (count / 200) as usize,
        "the feed has matches: {}",
        want.len()
    );

    let f = feed.clone();
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            use std::io::BufRead;
            let r = std::io::BufReader::new(std::fs::File::open(&f).unwrap());
            for line in r.lines() {
                // Buffered writes, flushed by tungstenite whenever 128 KiB are pending: no pause.
                if ws.write(Message::text(line.unwrap())).is_err() {
                    return;
                }
            }
            let _ = ws.flush();
        }
        hold(ws, ctl);
    });
    let cfg = flood_conf(vec![server.url()], DB).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let got = wait_for_count(
        &db_path(&dir),
        want.len(),
        Duration::from_secs(20),
        Duration::from_secs(600),
    );
    assert_eq!(
        p.stop().code(),
        Some(0),
        "stderr tail:\n{}",
        tail(&p.stderr())
    );
    let err = p.stderr();
    assert_eq!(
        got.len(),
        want.len(),
        "live stored {} of the {} rows replay stored; stderr tail:\n{}",
        got.len(),
        want.len(),
        tail(&err)
    );
    assert_eq!(decided(&got), decided(&want), "same rows, same order");
    assert_eq!(
        counter(&err, "messages"),
        Some(count),
        "every message handled:\n{}",
        tail(&err)
    );
    assert!(!err.contains("dropped message"), "{}", tail(&err));
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

#[test]
fn flood_of_200000_lite_messages_loses_nothing() {
    flood_stores_what_replay_stores("flood-lite", 200_000, false);
}

#[test]
fn flood_of_50000_full_messages_loses_nothing() {
    flood_stores_what_replay_stores("flood-full", 50_000, true);
}

/// Another connection write-locks the DB for 10 s mid-stream: the matcher waits for the
/// lock (one stall, reported once), the reader stops reading meanwhile, nothing is lost.
#[test]
fn db_write_locked_for_10_s_mid_stream_is_one_stall_and_no_loss() {
    let dir = TempDir::new("db-locked");
    let total = 30_000usize;
    let first = 2_000usize;
    let host = |i: usize| format!("paypal-login-{i:05}.locked.example");
    let msgs: Vec<String> = (0..total)
        .map(|i| {
            if i % 10 == 0 {
                Cert::new(&[&host(i), "static.locked.example"]).lite()
            } else {
                Cert::new(&[&format!("www{i}.locked.example")]).lite()
            }
        })
        .collect();
    let hosts: Vec<String> = (0..total).step_by(10).map(host).collect();
    let go = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let g = go.clone();
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            send_all(ws, &msgs[..first]);
            // The rest once the test holds the lock, as fast as TCP allows.
            wait_until(Duration::from_secs(60), || {
                g.load(std::sync::atomic::Ordering::SeqCst)
            });
            for m in &msgs[first..] {
                if ws.write(Message::text(m.clone())).is_err() {
                    return;
                }
            }
            let _ = ws.flush();
        }
        hold(ws, ctl);
    });
    let mut conf = conf_for(vec![server.url()]);
    // The reader waits for the matcher for ~10 s: that is not the server's silence.
    conf.server_extra = vec!["IdleTimeout = 5".into(), "PingInterval = 1".into()];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let db = db_path(&dir);
    let early: Vec<&str> = hosts[..first / 10].iter().map(String::as_str).collect();
    wait_for_domains(&db, TABLE, &early);
    let lock = open_rw(&db).expect("db");
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    go.store(true, std::sync::atomic::Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(10));
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    let got = wait_for_count(
        &db,
        hosts.len(),
        Duration::from_secs(20),
        Duration::from_secs(300),
    );
    assert_eq!(
        p.stop().code(),
        Some(0),
        "stderr tail:\n{}",
        tail(&p.stderr())
    );
    let err = p.stderr();
    let got: Vec<String> = got.into_iter().map(|r| r.domain).collect();
    assert_eq!(got.len(), hosts.len(), "stderr tail:\n{}", tail(&err));
    assert_eq!(got, hosts);
    let stall_warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("[WARNING") && l.contains("stall"))
        .collect();
    assert_eq!(
        stall_warnings.len(),
        1,
        "one warning per stall:\n{}",
        tail(&err)
    );
    let over = err
        .lines()
        .find(|l| l.contains("stall over after"))
        .unwrap_or_else(|| panic!("the stall's length is logged when it ends:\n{}", tail(&err)));
    let secs: f64 = over
        .split("stall over after ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{over}"));
    assert!((8.0..60.0).contains(&secs), "{over}");
    assert_eq!(counter(&err, "stalls"), Some(1), "{}", tail(&err));
    assert_eq!(
        server.accepts(),
        1,
        "a reader waiting for the matcher is not a dead connection:\n{}",
        tail(&err)
    );
    assert_eq!(counter(&err, "db_errors"), Some(0), "{}", tail(&err));
}

/// A valid 12 MiB message is under the documented 16 MiB limit: it is processed (it used
/// to be dropped, with an empty queue, for exceeding the queue's byte budget).
#[test]
fn twelve_mib_message_is_processed() {
    let dir = TempDir::new("twelve-mib");
    let mut big: serde_json::Value =
        serde_json::from_str(&Cert::new(&["paypal-login.twelve-mib.example"]).full()).unwrap();
    big["data"]["leaf_cert"]["as_der"] = json!("A".repeat(12 << 20));
    let big = big.to_string();
    assert!(big.len() > 12 << 20 && big.len() < 16 << 20);
    let server = serve_once(vec![
        Cert::new(&["paypal-login.before-12.example"]).lite(),
        big,
        Cert::new(&["paypal-login.after-12.example"]).lite(),
    ]);
    let cfg = conf_for(vec![server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let want = [
        "paypal-login.before-12.example",
        "paypal-login.twelve-mib.example",
        "paypal-login.after-12.example",
    ];
    let rows = wait_for_domains(&db_path(&dir), TABLE, &want);
    assert_eq!(p.stop().code(), Some(0));
    let got: Vec<&str> = rows.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(got, want, "stderr:\n{}", tail(&p.stderr()));
    assert_eq!(counter(&p.stderr(), "rejected"), Some(0));
    assert_eq!(server.accepts(), 1);
}

// ---------------------------------------------------------------------------------------
// Keepalive that cannot be fooled (issue #10)

/// A server floods pings for a few seconds without ever reading our pongs, then stays
/// silent with the socket open. Its pings are not data: the idle timer runs out (or the
/// pong writes time out), the connection is dropped, and the next ACTServer is used.
/// It used to keep the client forever: every buffered ping reset the idle timer and each
/// blocked pong write was swallowed.
#[test]
fn ping_flood_then_silence_moves_to_the_next_server() {
    let dir = TempDir::new("ping-flood");
    let flooder = WsServer::start(|_, ws, ctl| {
        let _ = ws
            .get_ref()
            .set_write_timeout(Some(Duration::from_millis(100)));
        let t0 = std::time::Instant::now();
        let payload = vec![b'p'; 125];
        while t0.elapsed() < Duration::from_secs(4) && !ctl.stopped() {
            // Never read: the client's pongs pile up.
            if !write_unread(ws, Message::Ping(payload.clone())) {
                return;
            }
        }
        hold_silent(ctl, Duration::from_secs(300));
    });
    let good = serve_once(vec![Cert::new(&["paypal-login.next-server.example"]).lite()]);
    let mut conf = conf_for(vec![flooder.url(), good.url()]);
    // Our own pings are rare here: the idle timer alone must notice (a ping whose write
    // times out would end the connection too, but only after PingInterval).
    conf.server_extra = vec!["IdleTimeout = 3".into(), "PingInterval = 120".into()];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let db = db_path(&dir);
    // Idle timeout (3 s) or a pong write timing out (10 s), then 1 s of backoff: 30 s is generous.
    let moved = wait_until(Duration::from_secs(30), || {
        rows(&db, TABLE)
            .iter()
            .any(|r| r.domain == "paypal-login.next-server.example")
    });
    assert!(
        moved,
        "still on the flooding server after 30 s; stderr:\n{}",
        tail(&p.stderr())
    );
    assert!(flooder.accepts() >= 1);
    assert!(good.accepts() >= 1);
    let err = p.stderr();
    assert!(
        err.lines().any(|l| l.starts_with("[ERROR:certstream]")
            && l.contains(&format!(
                "Error connecting to CertStream - {}",
                flooder.url()
            ))),
        "the flooder's connection is dropped and logged:\n{}",
        tail(&err)
    );
    assert_eq!(p.stop().code(), Some(0));
}

/// A server that keeps sending heartbeats (application data, so the idle timer never
/// fires) and pings, but never reads: the pongs pile up until a write blocks. That write
/// gets 10 s (the connect timeout), then the connection is dropped and the next server
/// tried. Without the write deadline the client would stay blocked on this server.
#[test]
fn a_write_that_cannot_finish_drops_the_connection() {
    let dir = TempDir::new("write-deadline");
    let hog = WsServer::start(|_, ws, ctl| {
        let _ = ws
            .get_ref()
            .set_write_timeout(Some(Duration::from_millis(100)));
        let payload = vec![b'p'; 125];
        let mut last_heartbeat = std::time::Instant::now();
        let t0 = std::time::Instant::now();
        while t0.elapsed() < Duration::from_secs(120) && !ctl.stopped() {
            let msg = if last_heartbeat.elapsed() >= Duration::from_millis(300) {
                last_heartbeat = std::time::Instant::now();
                Message::Text(heartbeat())
            } else {
                Message::Ping(payload.clone())
            };
            if !write_unread(ws, msg) {
                return;
            }
        }
    });
    let good = serve_once(vec![Cert::new(&["paypal-login.after-hog.example"]).lite()]);
    let mut conf = conf_for(vec![hog.url(), good.url()]);
    // Neither timer can end the connection: only the write deadline can.
    conf.server_extra = vec!["IdleTimeout = 600".into(), "PingInterval = 600".into()];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let db = db_path(&dir);
    let moved = wait_until(Duration::from_secs(60), || {
        rows(&db, TABLE)
            .iter()
            .any(|r| r.domain == "paypal-login.after-hog.example")
    });
    let err = p.stderr();
    assert!(
        moved,
        "still on the server that never reads after 60 s:\n{}",
        tail(&err)
    );
    assert!(
        err.lines().any(|l| l.starts_with("[ERROR:certstream]")
            && l.contains("answering a ping: the server took no data for")),
        "the blocked write is what ended the connection:\n{}",
        tail(&err)
    );
    assert_eq!(p.stop().code(), Some(0));
}

/// SIGTERM while another process holds the DB write lock: the monitor does not wait a busy
/// timeout per queued message (it used to take 4 × 5 s each); it exits 0 promptly, and
/// every match it received is either stored or logged in full as `LOST MATCH`: what is
/// neither is a suffix of the stream it never read.
#[test]
fn sigterm_while_the_db_is_locked_exits_promptly_and_accounts_for_every_match() {
    let dir = TempDir::new("sigterm-locked");
    let host = |i: usize| format!("paypal-login-{i:05}.sigterm-locked.example");
    let hosts: Vec<String> = (0..5_000).map(host).collect();
    let msgs: Vec<String> = hosts.iter().map(|h| Cert::new(&[h]).lite()).collect();
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            for m in &msgs {
                if ws.write(Message::text(m.clone())).is_err() {
                    return;
                }
            }
            let _ = ws.flush();
        }
        hold(ws, ctl);
    });
    let cfg = conf_for(vec![server.url()]).write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let db = db_path(&dir);
    assert!(
        wait_until(WAIT, || rows(&db, TABLE).len() >= 50),
        "{}",
        tail(&p.stderr())
    );
    let lock = open_rw(&db).expect("db");
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert!(
        p.wait_stderr("matcher stalled", WAIT),
        "{}",
        tail(&p.stderr())
    );
    p.sigterm();
    let status = p.wait_exit(Duration::from_secs(20));
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    let status = status.unwrap_or_else(|| {
        panic!(
            "still running 20 s after SIGTERM with the DB locked:\n{}",
            tail(&p.stderr())
        )
    });
    assert_eq!(status.code(), Some(0), "{}", tail(&p.stderr()));
    let err = p.stderr();
    let stored: Vec<String> = rows(&db, TABLE).into_iter().map(|r| r.domain).collect();
    let lost: Vec<String> = err
        .lines()
        .filter_map(|l| l.split("LOST MATCH, could not store it: ").nth(1))
        .map(|l| {
            l.split(" - ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(!lost.is_empty(), "{}", tail(&err));
    let mut accounted: Vec<&String> = stored.iter().chain(&lost).collect();
    accounted.sort();
    let prefix: Vec<&String> = hosts[..accounted.len()].iter().collect();
    assert_eq!(
        accounted, prefix,
        "stored or logged as lost, each once, in stream order"
    );
}

/// The reader waits for a stalled matcher (DB locked) while the server sends its backlog and
/// then goes silent with the socket open. Once the matcher moves again, the buffered
/// backlog is read and stored, and the silence after it is still noticed: the client
/// reconnects (here to the same URL, which now serves one more message).
#[test]
fn silence_after_a_stall_is_still_detected_once_reading_resumes() {
    let dir = TempDir::new("stall-then-silence");
    let host = |i: usize| format!("paypal-login-{i:05}.stall-silence.example");
    let hosts: Vec<String> = (0..6_000).step_by(10).map(host).collect();
    let msgs: Vec<String> = (0..6_000)
        .map(|i| {
            if i % 10 == 0 {
                Cert::new(&[&host(i)]).lite()
            } else {
                Cert::new(&[&format!("www{i}.stall-silence.example")]).lite()
            }
        })
        .collect();
    let go = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let g = go.clone();
    let server = WsServer::start(move |i, ws, ctl| {
        if i == 0 {
            send_all(ws, &msgs[..10]);
            wait_until(Duration::from_secs(60), || {
                g.load(std::sync::atomic::Ordering::SeqCst)
            });
            for m in &msgs[10..] {
                if ws.write(Message::text(m.clone())).is_err() {
                    return;
                }
            }
            let _ = ws.flush();
            // Gone, without closing: no data, no pong.
            hold_silent(ctl, Duration::from_secs(300));
        } else {
            send_all(
                ws,
                &[Cert::new(&["paypal-login.after-silence.example"]).lite()],
            );
            hold(ws, ctl);
        }
    });
    let mut conf = conf_for(vec![server.url()]);
    conf.server_extra = vec!["IdleTimeout = 3".into(), "PingInterval = 1".into()];
    let cfg = conf.write(&dir);
    let mut p = Proc::monitor(&dir, &cfg);
    let db = db_path(&dir);
    wait_for_domains(&db, TABLE, &[hosts[0].as_str()]);
    let lock = open_rw(&db).expect("db");
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    go.store(true, std::sync::atomic::Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(8));
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    let mut want: Vec<&str> = hosts.iter().map(String::as_str).collect();
    want.push("paypal-login.after-silence.example");
    let got = wait_for_count(
        &db,
        want.len(),
        Duration::from_secs(20),
        Duration::from_secs(120),
    );
    assert_eq!(p.stop().code(), Some(0));
    let err = p.stderr();
    let got: Vec<&str> = got.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(got.len(), want.len(), "stderr tail:\n{}", tail(&err));
    assert_eq!(got, want);
    assert_eq!(server.accepts(), 2, "{}", tail(&err));
    assert!(
        err.contains("no data and no pong for 3.0 s"),
        "{}",
        tail(&err)
    );
}
