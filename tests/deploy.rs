//! The deployment files under `deploy/` (README "Deploying"): the container image's
//! Containerfile, the compose file with its conf and Tor service, and the scan loop the
//! compose file runs. Building and running the image with Podman is `.ci/run`'s job
//! (`deploy/test-image.sh`); these tests check, without any container engine, that the
//! files hold together: the compose file parses as YAML and wires monitor, scan, Tor and
//! the volumes as the README says, the conf is valid for the binary and writes only under
//! /data, the Containerfile builds from nothing but the staged context, and the scan
//! loop never runs two scans at once and passes SIGTERM on.

mod common;

use common::{run, wait_until, TempDir};
use serde_json::Value;
use std::collections::BTreeSet;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A Python with PyYAML: the system's, else the test venv's (apprise depends on PyYAML,
/// so `tests/requirements.txt` brings it). Never skipped.
fn python_with_yaml() -> PathBuf {
    let system = Command::new("python3")
        .args(["-c", "import yaml"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if system.is_ok_and(|s| s.success()) {
        return PathBuf::from("python3");
    }
    common::apprise::venv().join("bin/python")
}

/// deploy/compose.yaml as JSON, read by PyYAML's safe loader (a YAML syntax error fails).
fn compose() -> Value {
    let out = Command::new(python_with_yaml())
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(repo_file("deploy/compose.yaml"))
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "deploy/compose.yaml does not parse: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json from python")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("not a string: {s}"))
                .to_string()
        })
        .collect()
}

/// `[section] key` of an INI text (first occurrence, key case-insensitive).
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_string();
            continue;
        }
        if current != section || line.starts_with(['#', ';', ' ', '\t']) {
            continue;
        }
        if let Some((k, v)) = line.split_once(['=', ':']) {
            if k.trim().eq_ignore_ascii_case(key) {
                return Some(v.trim().to_string());
            }
        }
    }
    None
}

const CONF_IN_CONTAINER: &str = "/config/certstreammonitor.conf";

#[test]
fn compose_wires_monitor_scan_tor_and_named_volumes() {
    let c = compose();
    let services = c["services"].as_object().expect("services");
    let names: BTreeSet<&str> = services.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        BTreeSet::from(["monitor", "scan", "tor"]),
        "services"
    );
    let declared_volumes: BTreeSet<&str> = c["volumes"]
        .as_object()
        .expect("top-level volumes")
        .keys()
        .map(String::as_str)
        .collect();
    let networks = c["networks"].as_object().expect("top-level networks");

    for (name, s) in services {
        assert_eq!(s["restart"], "always", "{name}: restart");
        for net in strings(&s["networks"]) {
            assert!(
                networks.contains_key(&net),
                "{name}: undeclared network {net}"
            );
        }
        for v in strings(&s["volumes"]) {
            let source = v.split(':').next().unwrap();
            if source.starts_with("./") {
                // A bind mount: of a file beside compose.yaml, read-only.
                assert!(
                    repo_file("deploy").join(source).is_file(),
                    "{name}: {source} missing beside compose.yaml"
                );
                let opts = v.rsplit(':').next().unwrap();
                assert!(
                    opts.split(',').any(|o| o == "ro"),
                    "{name}: {v} not read-only"
                );
            } else {
                assert!(
                    declared_volumes.contains(source),
                    "{name}: {v}: not a declared named volume"
                );
            }
        }
    }

    // monitor and scan: the image of deploy/build-image.sh, DB volume at /data, the conf
    // beside compose.yaml at /config, as non-root as the image.
    let conf_mount = format!("./certstreammonitor.conf:{CONF_IN_CONTAINER}:ro,z");
    for (name, image) in [
        ("monitor", "localhost/certstreammonitor:latest"),
        ("scan", "localhost/certstreammonitor:scan-loop"),
    ] {
        let s = &services[name];
        assert_eq!(s["image"], image, "{name}: image");
        let vols = strings(&s["volumes"]);
        assert!(vols.contains(&"data:/data".to_string()), "{name}: {vols:?}");
        assert!(vols.contains(&conf_mount), "{name}: {vols:?}");
        assert_eq!(s["read_only"], true, "{name}: read_only");
        assert_eq!(strings(&s["cap_drop"]), ["ALL"], "{name}: cap_drop");
    }
    assert_eq!(
        strings(&services["monitor"]["command"]),
        ["monitor", "-c", CONF_IN_CONTAINER]
    );
    assert_eq!(
        services["scan"]["environment"]["CSM_CONF"],
        CONF_IN_CONTAINER
    );
    let interval = services["scan"]["environment"]["SCAN_INTERVAL"]
        .as_str()
        .expect("SCAN_INTERVAL a string");
    assert!(interval.parse::<u32>().is_ok_and(|n| n > 0), "{interval}");

    // The scan reaches the world through Tor only: its networks are internal ones that
    // the tor service is on; the conf's proxy names the tor service and its SOCKS port.
    let conf = read("deploy/certstreammonitor.conf");
    assert_eq!(
        ini_value(&conf, "CONNECT", "Proxy").as_deref(),
        Some("socks5h://tor:9050")
    );
    assert_eq!(
        ini_value(&conf, "ENRICH", "WhoisViaProxy").as_deref(),
        Some("yes")
    );
    let tor_nets = strings(&services["tor"]["networks"]);
    for net in strings(&services["scan"]["networks"]) {
        assert_eq!(
            networks[&net]["internal"], true,
            "scan network {net} not internal"
        );
        assert!(tor_nets.contains(&net), "tor not on scan's network {net}");
    }
    assert!(strings(&services["scan"]["depends_on"]).contains(&"tor".to_string()));
    // Tor listens on 9050 for the compose networks, from the image built beside.
    let tor_build = services["tor"]["build"].as_str().expect("tor build dir");
    let tor_dir = repo_file("deploy").join(tor_build);
    let torrc = std::fs::read_to_string(tor_dir.join("torrc")).expect("deploy/tor/torrc");
    assert!(
        torrc.lines().any(|l| l == "SocksPort 0.0.0.0:9050"),
        "{torrc}"
    );
    let tor_cf = std::fs::read_to_string(tor_dir.join("Containerfile")).expect("Containerfile");
    assert!(tor_cf.contains("COPY torrc /etc/tor/torrc"), "{tor_cf}");
    // The monitor is not on the scan's internal network only: it needs the CT logs.
    let monitor_nets = strings(&services["monitor"]["networks"]);
    assert!(
        monitor_nets.iter().any(|n| networks[n]["internal"] != true),
        "monitor has no way out: {monitor_nets:?}"
    );
}

/// Every non-comment `KEYWORD args` line of the Containerfile.
fn instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(line);
        let (k, rest) = pending.split_once(' ').unwrap_or((&pending, ""));
        out.push((k.to_ascii_uppercase(), rest.trim().to_string()));
        pending.clear();
    }
    out
}

#[test]
fn containerfile_is_scratch_non_root_with_data_and_config() {
    let text = read("deploy/Containerfile");
    let ins = instructions(&text);
    let mut stages = Vec::new();
    for (k, args) in &ins {
        if k == "FROM" {
            let words: Vec<&str> = args.split_whitespace().collect();
            // No base image to download: scratch, or a stage of this file.
            assert!(
                words[0] == "scratch" || stages.iter().any(|s| s == words[0]),
                "FROM {args}"
            );
            assert!(
                words.len() == 3 && words[1].eq_ignore_ascii_case("AS"),
                "FROM {args}"
            );
            stages.push(words[2].to_string());
        }
        assert!(
            k != "RUN",
            "RUN needs a shell the image does not have: {args}"
        );
        assert!(k != "ADD", "ADD can download: {args}");
    }
    // The default stage (the last one) is the monitor image.
    assert_eq!(stages.last().map(String::as_str), Some("monitor"));
    assert!(stages.iter().any(|s| s == "scan-loop"), "{stages:?}");
    let base: Vec<&(String, String)> = ins
        .iter()
        .skip_while(|(k, a)| !(k == "FROM" && a.ends_with("AS base")))
        .skip(1)
        .take_while(|(k, _)| k != "FROM")
        .collect();
    let get = |key: &str| -> Vec<&str> {
        base.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, a)| a.as_str())
            .collect()
    };
    let user = get("USER");
    assert_eq!(user.len(), 1, "{user:?}");
    let (uid, gid) = user[0].split_once(':').expect("USER uid:gid");
    for id in [uid, gid] {
        let n: u32 = id
            .parse()
            .unwrap_or_else(|_| panic!("USER {id}: not numeric"));
        assert!(n >= 1000, "USER {id}: not an unprivileged id");
    }
    assert_eq!(get("VOLUME"), [r#"["/data"]"#]);
    assert_eq!(get("WORKDIR"), ["/data"]);
    assert_eq!(
        get("ENTRYPOINT"),
        [r#"["/usr/local/bin/certstreammonitor"]"#]
    );
    assert_eq!(
        get("CMD"),
        [format!(r#"["monitor", "-c", "{CONF_IN_CONTAINER}"]"#)]
    );
    let copies = get("COPY");
    // The CA bundle where native-tls's openssl-probe looks first, and named for OpenSSL.
    assert!(
        copies.contains(&"ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"),
        "{copies:?}"
    );
    assert!(
        get("ENV").contains(&"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"),
        "{base:?}"
    );
    // /data belongs to the run-time user, so a fresh named volume there is writable.
    assert!(
        copies.contains(&format!("--chown={uid}:{gid} data /data").as_str()),
        "{copies:?}"
    );
    // The UAfile of the deploy conf is in the image.
    let conf = read("deploy/certstreammonitor.conf");
    let ua = ini_value(&conf, "CONNECT", "UAfile").expect("UAfile");
    assert!(
        copies.contains(&format!("ua.txt {ua}").as_str()),
        "{copies:?}"
    );

    // Every COPY source is staged into the context by build-image.sh.
    let script = read("deploy/build-image.sh");
    for (k, args) in &ins {
        if k != "COPY" {
            continue;
        }
        let src = args
            .split_whitespace()
            .find(|w| !w.starts_with("--"))
            .unwrap();
        assert!(
            script.contains(&format!("\"$ctx/{src}\""))
                || script.contains(&format!(" {src} "))
                || script.contains(&format!(" {src} \"$ctx/\"")),
            "COPY {src}: build-image.sh does not stage it"
        );
    }
}

/// deploy/certstreammonitor.conf with /data/ moved into `dir`.
fn deploy_conf_in(dir: &TempDir) -> String {
    let conf = read("deploy/certstreammonitor.conf");
    let data = dir.join("data");
    let moved = conf
        .replace("/data/", &format!("{}/", data.display()))
        .replace(
            "/usr/local/share/certstreammonitor/ua.txt",
            repo_file("ua.txt").to_str().unwrap(),
        );
    dir.write("certstreammonitor.conf", moved);
    "certstreammonitor.conf".into()
}

#[test]
fn deploy_conf_writes_only_under_data_and_runs() {
    let conf = read("deploy/certstreammonitor.conf");
    for (section, key) in [
        ("DATABASE", "DBFile"),
        ("LOGGING", "LogFile"),
        ("REPORTING", "Alerts_dir"),
    ] {
        let v = ini_value(&conf, section, key).unwrap_or_else(|| panic!("{key}"));
        assert!(
            v.starts_with("/data/"),
            "[{section}] {key} = {v}: not in /data"
        );
    }
    // Every key it sets is one example.conf documents (unknown keys would be ignored).
    let example = read("example.conf");
    let mut section = String::new();
    for line in conf.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        if line.starts_with(['#', ';', ' ', '\t']) || line.trim().is_empty() {
            continue;
        }
        let key = line.split_once(['=', ':']).expect("key = value").0.trim();
        let documented = example.lines().any(|l| {
            let l = l.trim_start_matches('#');
            l.split_once(['=', ':'])
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        });
        assert!(documented, "[{section}] {key}: not in example.conf");
    }

    let dir = TempDir::new("deploy-conf");
    let conf = deploy_conf_in(&dir);
    let out = run(
        dir.path(),
        &["check-rules", "-c", &conf, "-d", "paypal-login-secure.com"],
        None,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    // scan accepts the proxy and enrichment settings. On an empty DB (before the replay
    // below): nothing is probed, so nothing is sent anywhere, not even a lookup of `tor`.
    let out = run(dir.path(), &["scan", "-c", &conf], None);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("Scan finished: 0 probed"), "{out:?}");
    // The README's replay job, as deploy/test-image.sh runs it in the container.
    let sample = repo_file("samples/certstream-sample.jsonl");
    let out = run(
        dir.path(),
        &["monitor", "-c", &conf, "--replay", sample.to_str().unwrap()],
        None,
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.lines().any(|l| l.starts_with('[')), "{out:?}");
    assert!(dir.join("data/certstreammonitor.sqlite").is_file());
    assert!(dir.join("data/certstreammonitor.log").is_file());
}

/// A shell to run scan-loop.sh with: the image's busybox when this machine has one.
fn loop_shell() -> Vec<String> {
    for bb in ["/bin/busybox", "/usr/bin/busybox"] {
        if Path::new(bb).is_file() {
            return vec![bb.into(), "sh".into()];
        }
    }
    eprintln!("no busybox here: scan-loop.sh runs under /bin/sh");
    vec!["/bin/sh".into()]
}

/// A fake `certstreammonitor` on PATH: appends `start N`/`end N` to `runs.log`, takes
/// a moment per run, and blocks in its third run until SIGTERM (then logs `term N`).
const FAKE_SCAN: &str = r#"#!/bin/sh
dir=$(dirname "$0")
n=$(( $(grep -c '^start' "$dir/runs.log" 2>/dev/null || true) + 1 ))
s=
trap 'kill $s 2>/dev/null; echo "term $n" >> "$dir/runs.log"; exit 0' TERM
echo "start $n $*" >> "$dir/runs.log"
if [ "$n" -ge 3 ]; then
    sleep 60 &
    s=$!
    wait $s
fi
sleep 0.3
echo "end $n" >> "$dir/runs.log"
"#;

#[test]
fn scan_loop_never_overlaps_and_passes_sigterm_on() {
    let dir = TempDir::new("scan-loop");
    let fake = dir.write("certstreammonitor", FAKE_SCAN);
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let shell = loop_shell();
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    let mut child = Command::new(&shell[0])
        .args(&shell[1..])
        .arg(repo_file("deploy/scan-loop.sh"))
        .arg("-f")
        .env("PATH", &path)
        .env("SCAN_INTERVAL", "0")
        .env("CSM_CONF", "/config/x.conf")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start scan-loop.sh");
    // On failure, the loop and whatever it started go (its own process group).
    let kill_all = |pid: u32| {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status();
    };
    let log = || std::fs::read_to_string(dir.join("runs.log")).unwrap_or_default();
    let started = wait_until(Duration::from_secs(30), || log().contains("start 3"));
    if !started {
        kill_all(child.id());
        panic!("third scan never started: {}", log());
    }
    // SIGTERM to the loop (what podman stop sends to PID 1) while a scan runs.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let exited = wait_until(Duration::from_secs(20), || {
        child.try_wait().ok().flatten().is_some()
    });
    if !exited {
        kill_all(child.id());
        panic!("scan-loop.sh did not end on SIGTERM: {}", log());
    }
    let status = child.wait().unwrap();
    let runs = log();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(
        lines,
        [
            "start 1 scan -c /config/x.conf -f",
            "end 1",
            "start 2 scan -c /config/x.conf -f",
            "end 2",
            "start 3 scan -c /config/x.conf -f",
            "term 3",
        ],
        "runs overlapped, or SIGTERM did not reach the scan"
    );
    assert_eq!(
        status.code(),
        Some(0),
        "the scan's own status (0) is the loop's"
    );

    // A bad interval is a configuration error, before any scan.
    let out = Command::new(&shell[0])
        .args(&shell[1..])
        .arg(repo_file("deploy/scan-loop.sh"))
        .env("PATH", &path)
        .env("SCAN_INTERVAL", "10m")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SCAN_INTERVAL"));
}
