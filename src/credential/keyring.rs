//! The desktop's own keyring, through the keyring project's store for each
//! platform (keyring 4's default would try only the Secret Service).

use std::sync::Arc;

use keyring_core::Entry;
use keyring_core::api::CredentialStore as Native;

use super::{Account, CredentialStore, StoreError, StoreKind};
use crate::config::secret::Secret;

#[cfg(target_os = "linux")]
pub const NAME: &str = "the Secret Service (GNOME Keyring, KWallet)";
#[cfg(target_os = "macos")]
pub const NAME: &str = "the macOS Keychain";
#[cfg(windows)]
pub const NAME: &str = "the Windows Credential Manager";
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub const NAME: &str = "the OS keyring";

/// Connected afresh for each call: on a host without a session bus the
/// connection fails in milliseconds, and a keyring started later is found.
fn native() -> keyring_core::Result<Arc<Native>> {
    #[cfg(target_os = "linux")]
    let store: Arc<Native> = zbus_secret_service_keyring_store::Store::new()?;
    #[cfg(target_os = "macos")]
    let store: Arc<Native> = apple_native_keyring_store::keychain::Store::new()?;
    #[cfg(windows)]
    let store: Arc<Native> = windows_native_keyring_store::Store::new()?;
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    return Err(keyring_core::Error::NotSupportedByStore(
        "no OS keyring on this platform".into(),
    ));
    #[cfg(any(target_os = "linux", target_os = "macos", windows))]
    Ok(store)
}

/// The keyring's error in words, without the bytes some variants carry.
pub fn explain(e: &keyring_core::Error) -> StoreError {
    use keyring_core::Error;
    match e {
        Error::NoStorageAccess(why) => StoreError::Unavailable(why.to_string()),
        Error::PlatformFailure(why) => StoreError::Failed(format!("failed ({why})")),
        Error::BadEncoding(_) | Error::BadDataFormat(..) => {
            StoreError::Failed("the stored credential is not text; log in again".to_string())
        }
        Error::NoEntry => StoreError::Failed("no credential".to_string()),
        _ => StoreError::Failed("failed".to_string()),
    }
}

fn entry(account: &Account) -> Result<Entry, StoreError> {
    entry_for(&account.service(), &account.user)
}

/// The entry a token was kept under before tokens were bound to a desk.
fn legacy_entry(account: &Account) -> Result<Entry, StoreError> {
    entry_for(&account.legacy_service(), &account.user)
}

fn entry_for(service: &str, user: &str) -> Result<Entry, StoreError> {
    // Not reaching the keyring at all means it is not there.
    let store = native().map_err(|e| StoreError::Unavailable(explain(&e).to_string()))?;
    Entry::new_in_store(&store, service, user).map_err(|e| explain(&e))
}

/// Whether `entry` holds a credential.
fn holds(entry: &Entry) -> Result<bool, StoreError> {
    match entry.get_password() {
        Ok(_) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(e) => Err(explain(&e)),
    }
}

/// Forget what `entry` holds; whether it held anything.
fn forget(entry: &Entry) -> Result<bool, StoreError> {
    match entry.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(e) => Err(explain(&e)),
    }
}

/// What to say of a token kept before tokens were bound to a desk.
pub fn kept_before_binding(account: &Account, store: &str) -> String {
    format!(
        "the token for {profile} in {store} was kept before tokens were bound to a desk; \
         `deskterm login {profile}` signs in again (or, if {desk} is the desk it was made for, \
         `deskterm login {profile} --adopt` binds it there, sending nothing)",
        profile = account.profile,
        desk = account.desk(),
    )
}

/// The Secret Service, the macOS Keychain or the Windows Credential Manager.
pub struct OsKeyring;

impl CredentialStore for OsKeyring {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }

    fn get(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        match entry(account)?.get_password() {
            Ok(token) => Ok(Some(Secret::new(token))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(explain(&e)),
        }
    }

    fn set(&self, account: &Account, secret: &Secret) -> Result<(), StoreError> {
        entry(account)?
            .set_password(secret.expose())
            .map_err(|e| explain(&e))?;
        // A token kept before binding is replaced, not left behind.
        let _ = legacy_entry(account).and_then(|e| forget(&e));
        Ok(())
    }

    fn delete(&self, account: &Account) -> Result<bool, StoreError> {
        let bound = forget(&entry(account)?)?;
        let legacy = forget(&legacy_entry(account)?)?;
        Ok(bound || legacy)
    }

    fn writable(&self) -> bool {
        true
    }

    fn unbound(&self, account: &Account) -> Result<Option<String>, StoreError> {
        Ok(holds(&legacy_entry(account)?)?.then(|| kept_before_binding(account, NAME)))
    }

    fn kept_before_binding(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        match legacy_entry(account)?.get_password() {
            Ok(token) => Ok(Some(Secret::new(token))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(explain(&e)),
        }
    }
}
