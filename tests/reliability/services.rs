//! A PostgreSQL cluster and a Redis server of the test's own, from the installed
//! Debian binaries, on spare loopback ports: they can be stopped and started without
//! touching the machine's shared services.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn spare_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn accepts(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// The newest installed server binaries, e.g. /usr/lib/postgresql/15/bin.
fn postgres_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's postgresql package")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().expect("pg_ctl")
}

pub struct OwnPostgres {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
}

impl OwnPostgres {
    pub fn start() -> OwnPostgres {
        let port = spare_port();
        let dir = std::env::temp_dir().join(format!("reliability-pg-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let pg = OwnPostgres {
            port,
            dir,
            bin: postgres_bin(),
        };
        // initdb refuses to run as root: the cluster belongs to the postgres user.
        as_postgres(
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&pg.dir),
            false,
        );
        let data = pg.data();
        as_postgres(
            Command::new(pg.bin.join("initdb"))
                .args(["-U", "postgres", "--auth=trust", "-D"])
                .arg(&data),
            true,
        );
        pg.start_again();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn start_again(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c max_connections=100",
            self.port,
            self.dir.display()
        );
        as_postgres(
            Command::new(self.bin.join("pg_ctl"))
                .args(["-w", "-D"])
                .arg(self.data())
                .args(["-l"])
                .arg(self.dir.join("log"))
                .args(["-o", &options, "start"]),
            true,
        );
        wait_until("postgres", || accepts(self.port));
    }

    /// A fast shutdown: connections are cut, committed work is kept.
    pub fn stop(&self) {
        as_postgres(
            Command::new(self.bin.join("pg_ctl"))
                .args(["-w", "-m", "fast", "-D"])
                .arg(self.data())
                .arg("stop"),
            true,
        );
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `command` (as the postgres user when we are root and `switch` is set).
fn as_postgres(command: &mut Command, switch: bool) {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let status = if is_root && switch {
        let program = command.get_program().to_owned();
        let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(program)
            .args(args)
            .stdout(Stdio::null())
            .status()
    } else {
        command.stdout(Stdio::null()).status()
    }
    .unwrap();
    assert!(status.success(), "{command:?} failed");
}

pub struct OwnRedis {
    pub port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    pub fn start() -> OwnRedis {
        let mut redis = OwnRedis {
            port: spare_port(),
            child: None,
        };
        redis.start_again();
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn start_again(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (Debian's redis-server package)");
        self.child = Some(child);
        wait_until("redis", || accepts(self.port));
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The directory for one test's SQLite file and development secrets.
pub fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reliability-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}/reliability.db", dir.display())
}
