//! The desktop Secret Service for real: gnome-keyring on a private session
//! bus, which `scripts/live/secret-service.sh` starts (`.ci/run` runs these
//! with it). Without a session bus they fail rather than pass for nothing.
#![allow(clippy::unwrap_used)]

mod common;

use deskterm::config::secret::Secret;
use deskterm::credential::{Account, CredentialStore, OsKeyring};
use tempfile::TempDir;

use common::{run, stderr, stdout, write_config};

const TOKEN: &str = "deskterm-secret-service-token-81d4";

#[test]
#[ignore = "needs a Secret Service: run under scripts/live/secret-service.sh"]
fn the_secret_service_keeps_a_token_for_the_next_process() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .expect("no session bus: run under scripts/live/secret-service.sh");
    let home = TempDir::new().unwrap();
    write_config(
        home.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"https://rt.example.org\"\nuser = \"alice\"\n",
    );
    let account = Account {
        profile: "district".into(),
        user: "alice".into(),
        url: "https://rt.example.org".into(),
        backend: "rt".into(),
    };
    OsKeyring.set(&account, &Secret::new(TOKEN)).unwrap();
    assert_eq!(
        OsKeyring
            .get(&account)
            .unwrap()
            .map(|s| s.expose().to_string()),
        Some(TOKEN.to_string())
    );

    // The keyring comes first in the chain, and another process finds it.
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.as_str())];
    let out = run(home.path(), &["profiles"], &env, "");
    assert!(stdout(&out).contains("district"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("the Secret Service"),
        "{}",
        stdout(&out)
    );

    let out = run(home.path(), &["logout", "district"], &env, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("removed district's token from the Secret Service"),
        "{}",
        stdout(&out)
    );
    assert_eq!(OsKeyring.get(&account).unwrap(), None);
}
