//! What `deploy/` ships: the systemd unit verifies, the example settings name only real
//! settings, and the README's server steps work with them (the state folder in a temporary
//! directory instead of /var/lib, no systemd, no root).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::helpers::*;

fn deploy(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(name)
}

fn systemd_analyze_present() -> bool {
    tool_present(
        "systemd-analyze",
        &["--version"],
        "ISJ_REQUIRE_SYSTEMD",
        "systemd-analyze",
    )
}

#[test]
fn the_unit_verifies_and_is_hardened() {
    let unit = std::fs::read_to_string(deploy("isj-tracker.service")).expect("unit");
    for directive in [
        "User=isj-tracker",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/isj-tracker",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=\n",
        "EnvironmentFile=/etc/isj-tracker/isj-tracker.env",
        "ExecStart=/usr/local/bin/isj-tracker serve",
    ] {
        assert!(unit.contains(directive), "the unit has {directive:?}");
    }
    if !systemd_analyze_present() {
        eprintln!("systemd-analyze missing: verification skipped");
        return;
    }
    // The one change: the binary where this build put it (verify checks it is executable).
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("isj-tracker.service");
    let unit = unit.replace(
        "/usr/local/bin/isj-tracker",
        env!("CARGO_BIN_EXE_isj-tracker"),
    );
    std::fs::write(&copy, unit).expect("copy");
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&copy)
        .output()
        .expect("systemd-analyze");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.trim().is_empty(), "no warnings: {stderr}");
}

/// `VARIABLE=value` lines of the example settings, commented-out ones included.
fn example_settings() -> Vec<(String, String, bool)> {
    std::fs::read_to_string(deploy("isj-tracker.env"))
        .expect("env")
        .lines()
        .filter_map(|line| {
            let (active, line) = match line.strip_prefix("# ") {
                Some(rest) => (false, rest),
                None => (true, line),
            };
            let (name, value) = line.split_once('=')?;
            let is_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            // systemd (and a shell) drop the quotes around a value.
            let value = value.trim_matches('"');
            is_name.then(|| (name.to_string(), value.to_string(), active))
        })
        .collect()
}

#[test]
fn the_example_settings_name_only_real_settings() {
    let help = Command::new(env!("CARGO_BIN_EXE_isj-tracker"))
        .arg("--help")
        .output()
        .expect("help");
    let help = String::from_utf8_lossy(&help.stdout);
    let settings = example_settings();
    assert!(settings.len() > 10, "{settings:?}");
    // deploy/isj-tracker-cli sources the file in a shell: it must read as systemd reads it.
    let shell = Command::new("sh")
        .args(["-c", "set -a; . \"$1\"; env", "sh"])
        .arg(deploy("isj-tracker.env"))
        .env_clear()
        .output()
        .expect("sh");
    assert!(
        shell.status.success(),
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
    let shell = String::from_utf8_lossy(&shell.stdout);
    for (name, value, active) in &settings {
        if *active {
            assert!(
                shell.lines().any(|l| l == format!("{name}={value}")),
                "{name} reads differently in a shell"
            );
        }
    }
    for (name, _, _) in settings {
        // Read by the logging set-up before the command line is parsed.
        let outside_clap = ["ISJ_LOG_FORMAT", "RUST_LOG"].contains(&name.as_str());
        assert!(
            outside_clap
                || help.contains(&format!("env: {name}="))
                || help.contains(&format!("env: {name}]")),
            "{name} is not a setting of this version"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_steps_work_with_the_example_settings() {
    let state = tempfile::tempdir().expect("state folder");
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_isj-tracker"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(state.path());
    for (name, value, active) in example_settings() {
        // No relay to reach from a test: mail is written to files.
        if !active || name == "ISJ_SMTP_URL" {
            continue;
        }
        let value = value
            .replace("/var/lib/isj-tracker", &state.path().display().to_string())
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
        command.env(name, value);
    }
    let mut serve = command
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let stdout = serve.stdout.take().expect("stdout");
    let mut serve = KillOnDrop(serve);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    assert!(
        line.contains("https://isj-tracker.isj.hd.edu.ro/setup/"),
        "the first administrator's link uses the public address: {line}"
    );
    let base = format!("http://127.0.0.1:{port}");
    for path in ["/health", "/ready", "/metrics"] {
        let response = reqwest::get(format!("{base}{path}")).await.expect(path);
        assert_eq!(response.status(), 200, "{path}");
    }
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).expect("file").permissions().mode() & 0o777
    };
    assert!(state.path().join("isj-tracker.db").exists());
    let mail_from = example_settings()
        .into_iter()
        .find(|(name, _, _)| name == "ISJ_MAIL_FROM")
        .expect("sender set");
    assert!(!mail_from.1.contains('"'), "{mail_from:?}");
    assert_eq!(mode(&state.path().join("secret.key")), 0o600);

    // systemctl stop sends SIGTERM: the server ends cleanly.
    let pid =
        rustix::process::Pid::from_raw(i32::try_from(serve.0.id()).expect("pid")).expect("pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let mut stopped = None;
    for _ in 0..100 {
        if let Some(status) = serve.0.try_wait().expect("wait") {
            stopped = Some(status);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(stopped.expect("stopped within 5 s").success());

    // The backup the README shows, with the same settings.
    command = Command::new(env!("CARGO_BIN_EXE_isj-tracker"));
    command.env_clear().current_dir(state.path());
    for (name, value, active) in example_settings() {
        if active && name != "ISJ_SMTP_URL" {
            command.env(
                name,
                value.replace("/var/lib/isj-tracker", &state.path().display().to_string()),
            );
        }
    }
    let backup = CliRun::from(command.arg("backup").output().expect("backup"));
    assert_eq!(backup.status, 0, "{}", backup.stderr);
    let archive = std::fs::read_dir(state.path().join("backups"))
        .expect("backups folder")
        .next()
        .expect("an archive")
        .expect("entry")
        .path();
    assert_eq!(mode(&archive), 0o600);
}
