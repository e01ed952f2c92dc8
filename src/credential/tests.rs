//! The chain's rules with stores kept in memory (in-memory stand-ins, named
//! so), and the command and file stores for real. The OS and kernel keyrings
//! are tested for real in tests/credentials.rs.

use std::collections::HashMap;
use std::sync::Mutex;

use super::*;

/// A store kept in memory, standing in for a keyring.
struct InMemory {
    kind: StoreKind,
    tokens: Mutex<HashMap<String, String>>,
    broken: Option<&'static str>,
}

impl InMemory {
    fn new(kind: StoreKind) -> Arc<Self> {
        Arc::new(Self {
            kind,
            tokens: Mutex::new(HashMap::new()),
            broken: None,
        })
    }

    fn broken(kind: StoreKind, why: &'static str) -> Arc<Self> {
        Arc::new(Self {
            kind,
            tokens: Mutex::new(HashMap::new()),
            broken: Some(why),
        })
    }

    fn holding(kind: StoreKind, token: &str) -> Arc<Self> {
        let store = Self::new(kind);
        store.lock().insert(account().service(), token.into());
        store
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl CredentialStore for InMemory {
    fn kind(&self) -> StoreKind {
        self.kind
    }
    fn get(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        if let Some(why) = self.broken {
            return Err(StoreError::Unavailable(why.into()));
        }
        Ok(self.lock().get(&account.service()).map(Secret::new))
    }
    fn set(&self, account: &Account, secret: &Secret) -> Result<(), StoreError> {
        if let Some(why) = self.broken {
            return Err(StoreError::Unavailable(why.into()));
        }
        self.lock()
            .insert(account.service(), secret.expose().into());
        Ok(())
    }
    fn delete(&self, account: &Account) -> Result<bool, StoreError> {
        Ok(self.lock().remove(&account.service()).is_some())
    }
    fn writable(&self) -> bool {
        true
    }
}

/// A store that never answers, standing in for a locked keyring whose
/// unlock prompt nobody can see.
struct NeverAnswers;

impl CredentialStore for NeverAnswers {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }
    fn get(&self, _: &Account) -> Result<Option<Secret>, StoreError> {
        std::thread::sleep(Duration::from_secs(3600));
        Ok(None)
    }
    fn set(&self, _: &Account, _: &Secret) -> Result<(), StoreError> {
        std::thread::sleep(Duration::from_secs(3600));
        Ok(())
    }
    fn delete(&self, _: &Account) -> Result<bool, StoreError> {
        Ok(false)
    }
    fn writable(&self) -> bool {
        true
    }
}

fn account() -> Account {
    Account {
        profile: "district".into(),
        user: "alice".into(),
        url: "https://rt.example.org".into(),
        backend: "rt".into(),
    }
}

fn chain(stores: Vec<Arc<dyn CredentialStore>>) -> Chain {
    Chain::new(stores, Duration::from_millis(300))
}

#[test]
fn the_first_store_holding_a_credential_wins_and_broken_ones_are_named() {
    let chain = chain(vec![
        InMemory::broken(StoreKind::Keyring, "no D-Bus session bus"),
        InMemory::new(StoreKind::KernelKeyring),
        InMemory::holding(StoreKind::File, "from-file"),
        InMemory::holding(StoreKind::Env, "from-env"),
    ]);
    let lookup = chain.find(&account());
    let found = lookup.found.expect("found");
    assert_eq!(found.kind, StoreKind::File);
    assert_eq!(found.secret.expose(), "from-file");
    assert_eq!(lookup.unavailable.len(), 1);
    assert!(lookup.unavailable[0].contains("no D-Bus session bus"));
}

#[test]
fn a_keyring_that_never_answers_is_given_up_on() {
    let chain = chain(vec![
        Arc::new(NeverAnswers),
        InMemory::holding(StoreKind::KernelKeyring, "t"),
    ]);
    let started = std::time::Instant::now();
    let lookup = chain.find(&account());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(lookup.found.map(|f| f.kind), Some(StoreKind::KernelKeyring));
    assert!(
        lookup.unavailable[0].contains("no answer within"),
        "{:?}",
        lookup.unavailable
    );
}

#[test]
fn login_keeps_it_in_the_first_store_that_takes_it_or_the_one_asked_for() {
    let kernel = InMemory::new(StoreKind::KernelKeyring);
    let file = InMemory::new(StoreKind::File);
    let chain = chain(vec![
        InMemory::broken(StoreKind::Keyring, "not there"),
        kernel.clone(),
        Arc::new(EnvVar("DESKTERM_TEST_NEVER_SET")),
        file.clone(),
    ]);
    let secret = Secret::new("tok");
    let (kept, kind) = chain.save(&account(), &secret, None).expect("kept");
    assert_eq!(kept, StoreKind::KernelKeyring.name());
    assert_eq!(kind, StoreKind::KernelKeyring);
    assert_eq!(kernel.lock().len(), 1);
    let (kept, _) = chain
        .save(&account(), &secret, Some(StoreKind::File))
        .expect("file");
    assert_eq!(kept, StoreKind::File.name());
    // Nowhere to keep it: every reason is given.
    let reasons = chain
        .save(&account(), &secret, Some(StoreKind::Keyring))
        .expect_err("broken");
    assert_eq!(
        reasons,
        [format!(
            "{}: not available (not there)",
            StoreKind::Keyring.name()
        )]
    );
    // Logout forgets it everywhere.
    let (removed, failed) = chain.remove(&account());
    assert_eq!(removed.len(), 2);
    assert!(failed.is_empty());
    assert!(chain.find(&account()).found.is_none());
}

#[test]
fn the_environment_is_read_and_never_written() {
    let present = EnvVar("PATH");
    assert!(present.get(&account()).expect("read").is_some());
    let absent = EnvVar("DESKTERM_TEST_NEVER_SET");
    assert!(absent.get(&account()).expect("read").is_none());
    assert!(absent.set(&account(), &Secret::new("x")).is_err());
}

#[cfg(unix)]
#[test]
fn a_credential_command_prints_the_token_for_the_profile_asked_for() {
    let command =
        CredentialCommand::new("echo \"tok-$DESKTERM_PROFILE-$DESKTERM_USER\"; echo second line");
    let token = command.get(&account()).expect("ran").expect("token");
    assert_eq!(token.expose(), "tok-district-alice");

    let failing = CredentialCommand::new("echo 'gpg: decryption failed' >&2; exit 3");
    let why = failing.get(&account()).expect_err("failed").to_string();
    assert!(why.contains("exit status: 3"), "{why}");
    assert!(why.contains("gpg: decryption failed"), "{why}");

    let silent = CredentialCommand::new("true");
    assert_eq!(
        silent.get(&account()).expect_err("empty"),
        StoreError::Failed("it printed nothing".into())
    );
    assert!(command.set(&account(), &Secret::new("x")).is_err());
}

#[cfg(unix)]
#[test]
fn a_token_file_must_be_the_users_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("desk/district.token");
    let file = TokenFile::new(path.clone());
    assert!(file.get(&account()).expect("missing is fine").is_none());

    file.set(&account(), &Secret::new("tok")).expect("written");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        file.get(&account())
            .expect("read")
            .map(|s| s.expose().to_string()),
        Some("tok".into())
    );

    // Like ssh with a loose private key: refused, with the fix.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let why = file.get(&account()).expect_err("refused").to_string();
    assert!(why.contains("mode 644"), "{why}");
    assert!(
        why.contains(&format!("chmod 600 {}", path.display())),
        "{why}"
    );

    assert!(file.delete(&account()).expect("deleted"));
    assert!(!file.delete(&account()).expect("gone already"));
}

/// `account()` with its desk elsewhere.
fn at(url: &str, backend: &str) -> Account {
    Account {
        url: url.into(),
        backend: backend.into(),
        ..account()
    }
}

#[test]
fn a_credential_is_bound_to_the_desks_origin_and_backend() {
    let kernel = InMemory::new(StoreKind::KernelKeyring);
    let chain = chain(vec![kernel.clone()]);
    chain
        .save(&account(), &Secret::new("tok"), None)
        .expect("kept");
    // The same desk, however its address is written.
    for same in [
        "https://rt.example.org",
        "https://RT.example.org:443/rt",
        "https://rt.example.org/",
    ] {
        let found = chain.find(&at(same, "rt")).found;
        assert_eq!(
            found.map(|f| f.secret.expose().to_string()),
            Some("tok".into()),
            "{same}"
        );
    }
    // Another host, port, scheme or backend: nothing.
    for (other, backend) in [
        ("https://evil.example.net", "rt"),
        ("https://rt.example.org:8443", "rt"),
        ("http://rt.example.org", "rt"),
        ("https://rt.example.org", "helpdesk"),
    ] {
        assert!(
            chain.find(&at(other, backend)).found.is_none(),
            "{backend} at {other}"
        );
    }
    assert_eq!(
        at("https://RT.example.org:443/rt", "rt").service(),
        "deskterm:district@rt+https://rt.example.org:443"
    );
    assert_eq!(
        super::origin("http://[::1]/x").as_deref(),
        Some("http://[::1]:80")
    );
}

/// A store holding a token under the name tokens had before they were bound
/// to a desk.
struct Legacy;

impl CredentialStore for Legacy {
    fn kind(&self) -> StoreKind {
        StoreKind::KernelKeyring
    }
    fn get(&self, _: &Account) -> Result<Option<Secret>, StoreError> {
        Ok(None)
    }
    fn set(&self, _: &Account, _: &Secret) -> Result<(), StoreError> {
        Ok(())
    }
    fn delete(&self, _: &Account) -> Result<bool, StoreError> {
        Ok(false)
    }
    fn writable(&self) -> bool {
        true
    }
    fn unbound(&self, account: &Account) -> Result<Option<String>, StoreError> {
        Ok(Some(super::keyring::kept_before_binding(
            account,
            "the kernel keyring",
        )))
    }
}

#[test]
fn a_token_kept_before_binding_is_named_and_never_used() {
    let lookup = chain(vec![Arc::new(Legacy)]).find(&account());
    assert!(lookup.found.is_none());
    assert_eq!(
        lookup.unbound,
        [
            "the token for district in the kernel keyring was kept before tokens were bound to \
          a desk; `deskterm login district` signs in again (or, if rt at \
          https://rt.example.org:443 is the desk it was made for, `deskterm login district \
          --adopt` binds it there, sending nothing)"
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_token_file_names_its_desk_and_another_desk_is_not_given_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("district.token");
    let file = TokenFile::new(path.clone());
    file.set(&account(), &Secret::new("tok")).expect("written");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text, "# deskterm rt https://rt.example.org:443\ntok\n");
    assert!(
        file.get(&at("https://RT.example.org/", "rt"))
            .expect("read")
            .is_some()
    );

    let elsewhere = at("https://evil.example.net", "rt");
    assert!(file.get(&elsewhere).expect("read").is_none());
    let why = file.unbound(&elsewhere).expect("read").expect("named");
    assert!(
        why.contains("is for rt at https://rt.example.org:443"),
        "{why}"
    );
    assert!(
        why.contains("deskterm login district --store file"),
        "{why}"
    );
    assert!(
        file.get(&at("https://rt.example.org", "helpdesk"))
            .expect("read")
            .is_none()
    );

    // A file from before binding names no desk: never used, and said how to fix.
    std::fs::write(&path, "tok\n").expect("old file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(file.get(&account()).expect("read").is_none());
    let why = file.unbound(&account()).expect("read").expect("named");
    assert!(why.contains("names no desk"), "{why}");
    assert!(why.contains("deskterm login district --adopt"), "{why}");
    // Adopted for the desk the profile names: bound there, and only there.
    let chain = Chain::new(vec![Arc::new(file)], Duration::from_secs(1));
    assert!(chain.adopt(&account()).expect("adopted").is_some());
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text, "# deskterm rt https://rt.example.org:443\ntok\n");
    assert_eq!(chain.adopt(&account()).expect("nothing left"), None);
    // One made for another desk is never adopted.
    assert_eq!(chain.adopt(&elsewhere).expect("nothing for it"), None);
}

#[cfg(unix)]
#[test]
fn a_credential_command_is_told_the_desk() {
    let command = CredentialCommand::new("echo \"$DESKTERM_BACKEND $DESKTERM_ORIGIN\"");
    let token = command
        .get(&at("https://RT.example.org/rt", "rt"))
        .expect("ran")
        .expect("token");
    assert_eq!(token.expose(), "rt https://rt.example.org:443");
}
