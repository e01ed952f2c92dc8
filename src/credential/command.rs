//! A command that prints the token, like git's credential helpers or aerc's
//! cred-cmd: `pass show desk/rt`, `op read op://desk/rt/token`. It runs
//! through the shell with no input; its first line of output is the token.
//! It learns which profile is asked for from DESKTERM_PROFILE, DESKTERM_USER
//! and DESKTERM_URL, and which desk from DESKTERM_BACKEND and DESKTERM_ORIGIN
//! (`https://rt.example.org:443`), never from its arguments: binding the
//! token it prints to a desk is its own business.

use std::process::{Command, Stdio};

use super::{Account, CredentialStore, StoreError, StoreKind};
use crate::config::secret::Secret;

pub struct CredentialCommand {
    command: String,
}

impl CredentialCommand {
    pub fn new(command: &str) -> Self {
        Self {
            command: command.to_string(),
        }
    }

    fn shell(&self) -> Command {
        #[cfg(unix)]
        {
            let mut shell = Command::new("sh");
            shell.arg("-c").arg(&self.command);
            shell
        }
        #[cfg(not(unix))]
        {
            let mut shell = Command::new("cmd");
            shell.arg("/C").arg(&self.command);
            shell
        }
    }
}

impl CredentialStore for CredentialCommand {
    fn kind(&self) -> StoreKind {
        StoreKind::Command
    }

    fn location(&self) -> String {
        format!("credential_command `{}`", self.command)
    }

    fn get(&self, account: &Account) -> Result<Option<Secret>, StoreError> {
        let output = self
            .shell()
            .env("DESKTERM_PROFILE", &account.profile)
            .env("DESKTERM_USER", &account.user)
            .env("DESKTERM_URL", &account.url)
            .env("DESKTERM_BACKEND", &account.backend)
            .env("DESKTERM_ORIGIN", account.origin())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run it: {e}"))?;
        if !output.status.success() {
            // Its own complaint, in short; never its output, which may be
            // half a token.
            let stderr = String::from_utf8_lossy(&output.stderr);
            let said: String = stderr
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(160)
                .collect();
            return Err(StoreError::Failed(format!(
                "it failed ({}){}",
                output.status,
                if said.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", crate::text::SafeText::line(said.trim()))
                }
            )));
        }
        let stdout = String::from_utf8(output.stdout)
            .map_err(|_| "it printed something that is not text".to_string())?;
        let token = stdout.lines().next().unwrap_or_default().trim();
        if token.is_empty() {
            return Err("it printed nothing".into());
        }
        Ok(Some(Secret::new(token)))
    }

    fn set(&self, _: &Account, _: &Secret) -> Result<(), StoreError> {
        Err("a credential_command is only read; keep the token where it reads from".into())
    }

    fn delete(&self, _: &Account) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn writable(&self) -> bool {
        false
    }

    fn runs_a_program(&self) -> bool {
        true
    }
}
