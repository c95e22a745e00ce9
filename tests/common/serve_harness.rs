#![allow(dead_code)]
//! certstream-python (PyPI `certstream`, in the test venv of `apprise.rs`) as a client of
//! `serve`: shared by tests/serve.rs (replay) and tests/serve_ct.rs (CT logs).

use crate::common::*;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A certstream-python client of `url` that writes the first `n` messages its callback
/// gets to `out` (JSON lines) and exits 0.
pub fn python_client(dir: &TempDir, url: &str, n: usize, out: &str) -> Child {
    let script = format!(
        r#"
import json, os, ssl, sys, certstream
got = []
def on_message(message, context):
    got.append(message)
    if len(got) == {n}:
        with open({out:?}, "w") as f:
            for m in got:
                f.write(json.dumps(m) + "\n")
        os._exit(0)
certstream.listen_for_events(on_message, url={url:?}, sslopt={{"cert_reqs": ssl.CERT_NONE}})
"#
    );
    dir.write("client.py", script);
    Command::new(apprise::venv().join("bin/python"))
        .current_dir(dir.path())
        .arg("client.py")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The client's exit within a minute, successful; its stderr.
pub fn wait_child(mut c: Child) -> String {
    let done = wait_until(Duration::from_secs(60), || c.try_wait().unwrap().is_some());
    if !done {
        let _ = c.kill();
    }
    let out = c.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(done && out.status.success(), "python client: {err}");
    err
}
