//! The Linux kernel keyring: where an SSH jump host with no desktop keyring
//! can keep a token. Keys live in the session keyring and are linked into
//! the user's persistent keyring, so the next login finds them; a reboot, or
//! three days unused, clears them: a cache, and the user is told so.
//!
//! A process with no session keyring (cron, some containers) is refused, and
//! one in a tmux server that outlived its SSH login finds its keyring
//! revoked. Both recover by joining a fresh session keyring and asking again:
//! the persistent keyring is linked into the new one.

use keyring_core::Entry;
use keyring_core::api::CredentialStore as Native;

use super::keyring::{explain, kept_before_binding};
use super::{Account, CredentialStore, StoreError, StoreKind};
use crate::config::secret::Secret;

fn entry(account: &Account) -> Result<Entry, keyring_core::Error> {
    entry_for(&account.service(), &account.user)
}

/// The entry a token was kept under before tokens were bound to a desk.
fn legacy_entry(account: &Account) -> Result<Entry, keyring_core::Error> {
    entry_for(&account.legacy_service(), &account.user)
}

fn entry_for(service: &str, user: &str) -> Result<Entry, keyring_core::Error> {
    let store: std::sync::Arc<Native> = linux_keyutils_keyring_store::Store::new()?;
    Entry::new_in_store(&store, service, user)
}

/// Forget what an entry holds; whether it held anything.
fn forget(entry: keyring_core::Result<Entry>) -> keyring_core::Result<bool> {
    match entry?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Run `call`; when the session keyring is missing or revoked, join a fresh
/// one and run it once more.
fn with_session<T>(
    call: impl Fn() -> Result<T, keyring_core::Error>,
) -> Result<T, keyring_core::Error> {
    match call() {
        Err(keyring_core::Error::NoStorageAccess(why)) => {
            tracing::debug!(%why, "no usable session keyring; joining a fresh one");
            if join_fresh_session_keyring() {
                call()
            } else {
                Err(keyring_core::Error::NoStorageAccess(why))
            }
        }
        other => other,
    }
}

/// `keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL)`: a new anonymous session
/// keyring for this thread. No crate offers it safely.
#[allow(unsafe_code)]
fn join_fresh_session_keyring() -> bool {
    const KEYCTL_JOIN_SESSION_KEYRING: libc::c_long = 1;
    // SAFETY: keyctl with a null name reads no memory of ours; it only
    // replaces the calling thread's session keyring.
    let id = unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_JOIN_SESSION_KEYRING,
            std::ptr::null::<libc::c_char>(),
        )
    };
    id >= 0
}

/// The kernel keyring (keyutils).
pub struct KernelKeyring;

impl CredentialStore for KernelKeyring {
    fn kind(&self) -> StoreKind {
        StoreKind::KernelKeyring
    }

    fn get(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        match with_session(|| entry(account)?.get_password()) {
            Ok(token) => Ok(Some(Secret::new(token))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(explain(&e)),
        }
    }

    fn set(&self, account: &Account, secret: &Secret) -> Result<(), StoreError> {
        with_session(|| entry(account)?.set_password(secret.expose())).map_err(|e| explain(&e))?;
        // A token kept before binding is replaced, not left behind.
        let _ = with_session(|| forget(legacy_entry(account)));
        Ok(())
    }

    fn delete(&self, account: &Account) -> Result<bool, StoreError> {
        let bound = with_session(|| forget(entry(account))).map_err(|e| explain(&e))?;
        let legacy = with_session(|| forget(legacy_entry(account))).map_err(|e| explain(&e))?;
        Ok(bound || legacy)
    }

    fn writable(&self) -> bool {
        true
    }

    fn unbound(&self, account: &Account) -> Result<Option<String>, StoreError> {
        Ok(CredentialStore::kept_before_binding(self, account)?
            .map(|_| kept_before_binding(account, "the kernel keyring")))
    }

    fn kept_before_binding(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        match with_session(|| legacy_entry(account)?.get_password()) {
            Ok(token) => Ok(Some(Secret::new(token))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(explain(&e)),
        }
    }
}
