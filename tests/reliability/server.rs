//! The release binary as a child process on a loopback port, read through its JSON
//! log lines; killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const JWT_SECRET: &str = "reliability-jwt-secret-that-is-long-enough-0123456789";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `SERVER_BIN` (what `make reliability` builds), or the release build.
pub fn binary() -> PathBuf {
    std::env::var_os("SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join("target"));
            target.join("release/investment-system")
        })
}

pub struct Server {
    pub child: Child,
    pub url: String,
    lines: Receiver<Value>,
}

impl Server {
    /// Starts `serve` with `vars` on top of a quiet, permissive-for-load environment.
    pub fn start(data_dir: &Path, database_url: &str, vars: &[(&str, &str)]) -> Server {
        let mut command = Command::new(binary());
        command
            .current_dir(root())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("DATA_DIR", data_dir)
            .env("JWT_SECRET_KEY", JWT_SECRET)
            .env("LOG_FORMAT", "json")
            .env("LOG_LEVEL", "warn,investment_system::server::serve=info")
            // The load comes from one address: per-IP and per-session guards would
            // measure themselves rather than the server.
            .env("AUTH_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("SESSION_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("SLOW_REQUEST_MS", "5000");
        for (name, value) in vars {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e} (run `make build`)", binary().display()));
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    if sender.send(value).is_err() {
                        break;
                    }
                }
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
            lines,
        };
        let listening = server.wait_for_message("listening on ");
        server.url = listening.trim_start_matches("listening on ").to_string();
        server
    }

    /// Waits (up to 60 s) for a log line whose message starts with `prefix`.
    pub fn wait_for_message(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                let message = line["message"].as_str().unwrap_or_default();
                if message.starts_with(prefix) {
                    return message.to_string();
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited ({status}) before logging {prefix:?}");
            }
        }
        panic!("no log line starting {prefix:?}");
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
