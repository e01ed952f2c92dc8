//! A token in a file, only where the profile asks for one (`token_file`), and
//! only if the file is the user's own and mode 0600: as ssh refuses a loose
//! private key, a token others can read is refused, not used.
//!
//! Its first line names the desk the token is for, and a profile whose desk
//! is another is not given it:
//!
//! ```text
//! # deskterm rt https://rt.example.org:443
//! 1-14-0123456789abcdef
//! ```

use std::io::Write;
use std::path::PathBuf;

use super::{Account, CredentialStore, StoreError, StoreKind};
use crate::config::secret::Secret;
use crate::paths;

pub struct TokenFile {
    path: PathBuf,
}

/// How the first line of a token file begins.
const HEADER: &str = "# deskterm ";

/// The first line naming `account`'s desk.
fn header(account: &Account) -> String {
    format!("{HEADER}{} {}", account.backend, account.origin())
}

/// What a token file holds, read.
enum Held {
    Nothing,
    /// For this account's desk.
    Bound(Secret),
    /// For another desk: why not used.
    Unbound(String),
    /// For no desk (kept before binding): why not used, and the token, for
    /// `deskterm login --adopt` alone.
    Legacy(String, Secret),
}

impl TokenFile {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    fn read(&self, account: &Account) -> Result<Held, StoreError> {
        if !self.path.exists() {
            return Ok(Held::Nothing);
        }
        if let Some(why) = paths::readable_by_others(&self.path) {
            return Err(format!("refused: {why}").into());
        }
        let text =
            std::fs::read_to_string(&self.path).map_err(|e| format!("cannot read it: {e}"))?;
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = lines.next() else {
            return Ok(Held::Nothing);
        };
        let again = format!(
            "`deskterm login {} --store file` signs in again",
            account.profile
        );
        let Some(named) = first.strip_prefix(HEADER.trim_end()) else {
            return Ok(Held::Legacy(
                format!(
                    "{} names no desk (it was kept before tokens were bound to one): {again}, \
                     or, if {} is the desk it was made for, `deskterm login {} --adopt` binds \
                     it there, sending nothing",
                    self.location(),
                    account.desk(),
                    account.profile
                ),
                Secret::new(first),
            ));
        };
        let mut words = named.split_whitespace();
        let (backend, at) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let at = super::origin(at).unwrap_or_else(|| at.to_ascii_lowercase());
        if backend != account.backend || at != account.origin() {
            return Ok(Held::Unbound(format!(
                "{} is for {backend} at {at}: {again}",
                self.location()
            )));
        }
        Ok(match lines.next() {
            Some(token) => Held::Bound(Secret::new(token)),
            None => Held::Nothing,
        })
    }
}

impl CredentialStore for TokenFile {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn location(&self) -> String {
        format!("the token file {}", self.path.display())
    }

    fn get(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        Ok(match self.read(account)? {
            Held::Bound(secret) => Some(secret),
            Held::Nothing | Held::Unbound(_) | Held::Legacy(..) => None,
        })
    }

    fn unbound(&self, account: &Account) -> Result<Option<String>, StoreError> {
        Ok(match self.read(account)? {
            Held::Unbound(why) | Held::Legacy(why, _) => Some(why),
            Held::Nothing | Held::Bound(_) => None,
        })
    }

    fn kept_before_binding(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        Ok(match self.read(account)? {
            Held::Legacy(_, secret) => Some(secret),
            Held::Nothing | Held::Bound(_) | Held::Unbound(_) => None,
        })
    }

    fn set(&self, account: &Account, secret: &Secret) -> Result<(), StoreError> {
        if let Some(dir) = self.path.parent() {
            paths::private_dir(dir).map_err(|e| format!("cannot create its folder: {e}"))?;
        }
        // Written beside it and renamed: never half a token, never a moment
        // at a looser mode.
        let temporary = self.path.with_extension("new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temporary).and_then(|mut f| {
            f.write_all(header(account).as_bytes())?;
            f.write_all(b"\n")?;
            f.write_all(secret.expose().as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()
        });
        written
            .and_then(|()| paths::private_file(&temporary))
            .and_then(|()| std::fs::rename(&temporary, &self.path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&temporary);
                format!("cannot write it: {e}").into()
            })
    }

    fn delete(&self, _: &Account) -> Result<bool, StoreError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(format!("cannot remove it: {e}").into()),
        }
    }

    fn writable(&self) -> bool {
        true
    }
}
