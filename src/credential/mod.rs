//! Where a desk's credential is kept, and finding it again.
//!
//! Stores are asked in order: the OS keyring (Secret Service, macOS Keychain,
//! Windows Credential Manager); on Linux the kernel keyring, for SSH hosts
//! with no Secret Service; the profile's `credential_command`;
//! `DESKTERM_TOKEN`; and, only where the profile names one, a token file that
//! must be the user's own and mode 0600. Every call runs on a thread of its
//! own with a timeout: a locked keyring can wait forever on a prompt nobody
//! sees, and that must not freeze the console.

mod command;
mod file;
#[cfg(target_os = "linux")]
mod kernel;
mod keyring;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use command::CredentialCommand;
pub use file::TokenFile;
#[cfg(target_os = "linux")]
pub use kernel::KernelKeyring;
pub use keyring::OsKeyring;

use crate::config::profile::Profile;
use crate::config::secret::Secret;

/// How long one store may take before it is given up on.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The kinds of store, in the order they are asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Keyring,
    KernelKeyring,
    Command,
    Env,
    File,
}

impl StoreKind {
    /// A word or two for the status line.
    pub fn short(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::KernelKeyring => "kernel keyring",
            StoreKind::Command => "command",
            StoreKind::Env => "env",
            StoreKind::File => "token file",
        }
    }

    /// The name people know it by, for `deskterm login`, `logout` and `profiles`.
    pub fn name(self) -> &'static str {
        match self {
            StoreKind::Keyring => keyring::NAME,
            StoreKind::KernelKeyring => {
                "the kernel keyring (a cache: a reboot, or 3 days unused, clears it)"
            }
            StoreKind::Command => "credential_command",
            StoreKind::Env => "DESKTERM_TOKEN",
            StoreKind::File => "the token file",
        }
    }

    /// Names for `deskterm login --store`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "keyring" => Some(StoreKind::Keyring),
            "kernel" | "keyutils" => Some(StoreKind::KernelKeyring),
            "file" => Some(StoreKind::File),
            _ => None,
        }
    }
}

/// Why a store could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The store is not there on this host (no session bus, no keyring).
    Unavailable(String),
    /// It is there and failed, or refused.
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(why) => write!(f, "not available ({why})"),
            StoreError::Failed(why) => f.write_str(why),
        }
    }
}

impl From<String> for StoreError {
    fn from(why: String) -> Self {
        StoreError::Failed(why)
    }
}

impl From<&str> for StoreError {
    fn from(why: &str) -> Self {
        StoreError::Failed(why.to_string())
    }
}

/// Whose credential, and for which desk: one for each profile, bound to the
/// desk's backend and origin as a browser binds a password to a site, so a
/// profile whose `url` now points elsewhere finds none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub profile: String,
    pub user: String,
    pub url: String,
    /// `rt` or `helpdesk`.
    pub backend: String,
}

/// `scheme://host:port` of a desk's address, the host in lower case and the
/// port always written (443 for https): `https://RT.example.org/rt` and
/// `https://rt.example.org:443` are one desk. `None` when it is not a URL.
pub fn origin(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let port = url.port_or_known_default()?;
    Some(format!("{}://{host}:{port}", url.scheme()))
}

impl Account {
    /// The desk's origin, or the url as written when it is not a URL (a
    /// profile with such a url is refused before any store is asked).
    pub fn origin(&self) -> String {
        origin(&self.url).unwrap_or_else(|| self.url.trim().to_ascii_lowercase())
    }

    /// The desk in words: `rt at https://rt.example.org:443`.
    pub fn desk(&self) -> String {
        format!("{} at {}", self.backend, self.origin())
    }

    /// The service name in keyrings:
    /// `deskterm:district@rt+https://rt.example.org:443`.
    pub fn service(&self) -> String {
        format!(
            "deskterm:{}@{}+{}",
            self.profile,
            self.backend,
            self.origin()
        )
    }

    /// The service name tokens were kept under before they were bound to a
    /// desk (`deskterm:district`): found, such a token is never sent, since
    /// nothing says which desk it was made for.
    pub fn legacy_service(&self) -> String {
        format!("deskterm:{}", self.profile)
    }
}

/// One place a credential can be kept.
pub trait CredentialStore: Send + Sync {
    fn kind(&self) -> StoreKind;

    /// Where, in words, when there is more to say than the kind (a path).
    fn location(&self) -> String {
        self.kind().name().to_string()
    }

    /// The credential, if this store has one.
    fn get(&self, account: &Account) -> Result<Option<Secret>, StoreError>;

    /// Keep the credential; stores that only read say why they cannot.
    fn set(&self, account: &Account, secret: &Secret) -> Result<(), StoreError>;

    /// Forget the credential; whether there was one.
    fn delete(&self, account: &Account) -> Result<bool, StoreError>;

    /// Whether `deskterm login` can keep a credential here.
    fn writable(&self) -> bool;

    /// Whether asking runs a program of the user's (which may prompt).
    fn runs_a_program(&self) -> bool {
        false
    }

    /// A credential this store keeps for the profile that is not bound to
    /// its desk (kept before binding, or for another desk), in words; it is
    /// never used, only named so the user knows to sign in again.
    fn unbound(&self, _account: &Account) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    /// The token this store kept for the profile before tokens were bound
    /// to a desk, for `deskterm login --adopt` alone.
    fn kept_before_binding(&self, _account: &Account) -> Result<Option<Secret>, StoreError> {
        Ok(None)
    }
}

/// A credential and where it was found.
#[derive(Debug)]
pub struct Found {
    pub secret: Secret,
    pub kind: StoreKind,
    pub location: String,
}

/// What asking the stores gave.
#[derive(Debug, Default)]
pub struct Lookup {
    pub found: Option<Found>,
    /// Stores that could not be asked, and why.
    pub unavailable: Vec<String>,
    /// When nothing was found: credentials kept for the profile that are not
    /// bound to its desk, and so were not used.
    pub unbound: Vec<String>,
}

/// The stores for one profile, in the order they are asked.
#[derive(Clone)]
pub struct Chain {
    stores: Vec<Arc<dyn CredentialStore>>,
    timeout: Duration,
}

impl Chain {
    pub fn new(stores: Vec<Arc<dyn CredentialStore>>, timeout: Duration) -> Self {
        Self { stores, timeout }
    }

    /// This platform's stores for `profile`; relative paths are read from
    /// `config_dir`.
    pub fn for_profile(profile: &Profile, config_dir: &Path) -> Self {
        let mut stores: Vec<Arc<dyn CredentialStore>> = vec![Arc::new(OsKeyring)];
        #[cfg(target_os = "linux")]
        stores.push(Arc::new(KernelKeyring));
        if let Some(command) = &profile.credential_command {
            stores.push(Arc::new(CredentialCommand::new(command)));
        }
        stores.push(Arc::new(EnvVar("DESKTERM_TOKEN")));
        if let Some(path) = &profile.token_file {
            stores.push(Arc::new(TokenFile::new(config_dir.join(path))));
        }
        Self::new(stores, TIMEOUT)
    }

    pub fn stores(&self) -> &[Arc<dyn CredentialStore>] {
        &self.stores
    }

    /// The first store that has a credential for `account`.
    pub fn find(&self, account: &Account) -> Lookup {
        let mut lookup = Lookup::default();
        for store in &self.stores {
            let asked = account.clone();
            match within(self.timeout, store, move |s| s.get(&asked)) {
                Ok(Some(secret)) => {
                    lookup.found = Some(Found {
                        secret,
                        kind: store.kind(),
                        location: store.location(),
                    });
                    break;
                }
                Ok(None) => {}
                Err(why) => lookup
                    .unavailable
                    .push(format!("{}: {why}", store.location())),
            }
        }
        self.note_unbound(account, &mut lookup);
        lookup
    }

    /// Where the credential would come from, without running a
    /// credential_command (it may prompt): for `deskterm profiles`.
    pub fn locate(&self, account: &Account) -> Lookup {
        let mut lookup = Lookup::default();
        for store in &self.stores {
            if store.runs_a_program() {
                lookup.found = Some(Found {
                    secret: Secret::new(""),
                    kind: store.kind(),
                    location: store.location(),
                });
                break;
            }
            let asked = account.clone();
            match within(self.timeout, store, move |s| s.get(&asked)) {
                Ok(Some(_)) => {
                    lookup.found = Some(Found {
                        secret: Secret::new(""),
                        kind: store.kind(),
                        location: store.location(),
                    });
                    break;
                }
                Ok(None) => {}
                Err(why) => lookup
                    .unavailable
                    .push(format!("{}: {why}", store.location())),
            }
        }
        self.note_unbound(account, &mut lookup);
        lookup
    }

    /// When nothing was found, what the stores keep for the profile that is
    /// not bound to its desk.
    fn note_unbound(&self, account: &Account, lookup: &mut Lookup) {
        if lookup.found.is_some() {
            return;
        }
        for store in &self.stores {
            let asked = account.clone();
            if let Ok(Some(why)) = within(self.timeout, store, move |s| s.unbound(&asked)) {
                lookup.unbound.push(why);
            }
        }
    }

    /// Keep `secret` in the first writable store that takes it (or in the
    /// one asked for); where it went, or every reason it went nowhere.
    pub fn save(
        &self,
        account: &Account,
        secret: &Secret,
        only: Option<StoreKind>,
    ) -> Result<(String, StoreKind), Vec<String>> {
        let mut reasons = Vec::new();
        let candidates = self
            .stores
            .iter()
            .filter(|s| s.writable() && only.is_none_or(|k| s.kind() == k));
        for store in candidates {
            let (asked, kept) = (account.clone(), secret.clone());
            match within(self.timeout, store, move |s| s.set(&asked, &kept)) {
                Ok(()) => return Ok((store.location(), store.kind())),
                Err(why) => reasons.push(format!("{}: {why}", store.location())),
            }
        }
        if reasons.is_empty() {
            reasons.push(match only {
                Some(kind) => format!("{} is not available for this profile", kind.name()),
                None => "no store that can keep a credential is available".to_string(),
            });
        }
        Err(reasons)
    }

    /// Bind a token kept before tokens were bound to a desk to `account`'s
    /// desk, in the store that kept it: where, or None when there is none.
    /// Nothing is sent: the user says this is the desk it was made for.
    pub fn adopt(&self, account: &Account) -> Result<Option<String>, Vec<String>> {
        let mut reasons = Vec::new();
        for store in self.stores.iter().filter(|s| s.writable()) {
            let asked = account.clone();
            let legacy = match within(self.timeout, store, move |s| s.kept_before_binding(&asked)) {
                Ok(Some(secret)) => secret,
                Ok(None) | Err(StoreError::Unavailable(_)) => continue,
                Err(why) => {
                    reasons.push(format!("{}: {why}", store.location()));
                    continue;
                }
            };
            let asked = account.clone();
            match within(self.timeout, store, move |s| s.set(&asked, &legacy)) {
                Ok(()) => return Ok(Some(store.location())),
                Err(why) => reasons.push(format!("{}: {why}", store.location())),
            }
        }
        if reasons.is_empty() {
            Ok(None)
        } else {
            Err(reasons)
        }
    }

    /// Forget the credential everywhere it can be forgotten: where it was
    /// removed, and what could not be done.
    pub fn remove(&self, account: &Account) -> (Vec<String>, Vec<String>) {
        let (mut removed, mut failed) = (Vec::new(), Vec::new());
        for store in self.stores.iter().filter(|s| s.writable()) {
            let asked = account.clone();
            match within(self.timeout, store, move |s| s.delete(&asked)) {
                Ok(true) => removed.push(store.location()),
                Ok(false) | Err(StoreError::Unavailable(_)) => {}
                Err(why) => failed.push(format!("{}: {why}", store.location())),
            }
        }
        (removed, failed)
    }
}

/// Run `call` on its own thread; give up after `timeout`. The thread is left
/// to finish (or hang) on its own.
fn within<T: Send + 'static>(
    timeout: Duration,
    store: &Arc<dyn CredentialStore>,
    call: impl FnOnce(&dyn CredentialStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let store = Arc::clone(store);
    let spawned = std::thread::Builder::new()
        .name("credential".into())
        .spawn(move || {
            let _ = tx.send(call(store.as_ref()));
        });
    if let Err(e) = spawned {
        return Err(StoreError::Failed(format!(
            "cannot start a thread to ask it: {e}"
        )));
    }
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(StoreError::Failed(format!(
            "no answer within {:.1} s (a locked keyring waiting for its password?)",
            timeout.as_secs_f64()
        ))),
    }
}

/// An environment variable: read, never written.
pub struct EnvVar(pub &'static str);

impl CredentialStore for EnvVar {
    fn kind(&self) -> StoreKind {
        StoreKind::Env
    }

    fn location(&self) -> String {
        self.0.to_string()
    }

    fn get(&self, _: &Account) -> Result<Option<Secret>, StoreError> {
        Ok(std::env::var(self.0)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .map(Secret::new))
    }

    fn set(&self, _: &Account, _: &Secret) -> Result<(), StoreError> {
        Err(format!("{} is read from the environment, never written", self.0).into())
    }

    fn delete(&self, _: &Account) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn writable(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests;
