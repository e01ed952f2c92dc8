//! A token in a file, only where the profile asks for one (`token_file`), and
//! only if the file is the user's own and mode 0600: as ssh refuses a loose
//! private key, a token others can read is refused, not used.

use std::io::Write;
use std::path::PathBuf;

use super::{Account, CredentialStore, StoreError, StoreKind};
use crate::config::secret::Secret;
use crate::paths;

pub struct TokenFile {
    path: PathBuf,
}

impl TokenFile {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl CredentialStore for TokenFile {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn location(&self) -> String {
        format!("the token file {}", self.path.display())
    }

    fn get(&self, _: &Account) -> Result<Option<Secret>, StoreError> {
        if !self.path.exists() {
            return Ok(None);
        }
        if let Some(why) = paths::readable_by_others(&self.path) {
            return Err(format!("refused: {why}").into());
        }
        let text =
            std::fs::read_to_string(&self.path).map_err(|e| format!("cannot read it: {e}"))?;
        let token = text.lines().next().unwrap_or_default().trim();
        Ok((!token.is_empty()).then(|| Secret::new(token)))
    }

    fn set(&self, _: &Account, secret: &Secret) -> Result<(), StoreError> {
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
