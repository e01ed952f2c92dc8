//! Opening a profile: its credential from the stores, its desk, its drafts
//! store and the console's settings for it. Start-up opens one; `:profile`
//! opens another while the console runs.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::config::profile::{self, Target};
use crate::credential::{Chain, StoreKind};
use crate::desk::Desk;
use crate::desk::DeskError;
use crate::desk::demo::DemoDesk;
use crate::desk::demo::simulator::ArrivalSpec;
use crate::desk::helpdesk::HelpdeskDesk;
use crate::desk::rt::RtDesk;
use crate::state::Settings;
use crate::store::Store;

/// What opening any profile needs: the config and what the command line
/// said, and the settings every profile shares.
#[derive(Clone)]
pub struct Launcher {
    pub config: Config,
    /// The config file (`--config`, else the platform's), for `:profile new`.
    pub config_path: PathBuf,
    /// Relative paths in the config (CA file, token file) start here.
    pub config_dir: PathBuf,
    /// Where profiles keep their drafts.
    pub data_dir: PathBuf,
    pub demo_db: PathBuf,
    pub seed: Option<u64>,
    pub arrivals: ArrivalSpec,
    /// `--read-only`: no profile may write.
    pub read_only: bool,
    pub clock: Clock,
    /// The settings before a profile is chosen.
    pub base: Settings,
}

/// An opened profile.
pub struct Session {
    pub selected: profile::Selected,
    pub desk: Arc<dyn Desk>,
    pub demo: Option<Arc<DemoDesk>>,
    /// Where its credential was found.
    pub credential: Option<(StoreKind, String)>,
    pub store: Option<Arc<Store>>,
    /// Why drafts will not be kept, when they will not.
    pub store_error: Option<String>,
    simulator: Option<tokio::task::JoinHandle<()>>,
    /// The console's hold on the outbox, while it runs.
    claim: Option<crate::store::Claim>,
}

impl Session {
    /// Start what runs beside the console (the demo's simulator); inside a
    /// tokio runtime.
    pub fn start(&mut self, arrivals: &ArrivalSpec) {
        // The outbox is this console's to send while it runs.
        self.claim = self
            .store
            .as_ref()
            .and_then(|store| store.claim().ok().flatten());
        if let (Some(demo), Some(arrivals)) = (&self.demo, arrivals.0) {
            self.simulator = demo.start_simulator(arrivals);
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(simulator) = self.simulator.take() {
            simulator.abort();
        }
    }
}

/// The desk of a profile on a server (not the demo, which needs its store).
pub fn remote_desk(target: &Target) -> Result<Arc<dyn Desk>, DeskError> {
    Ok(match target {
        Target::Rt(settings) => {
            tracing::info!(url = %settings.url, user = %settings.user, "opening an RT desk");
            Arc::new(RtDesk::new((**settings).clone())?)
        }
        Target::Helpdesk(settings) => {
            tracing::info!(url = %settings.url, user = %settings.user, "opening a django-helpdesk desk");
            Arc::new(HelpdeskDesk::new((**settings).clone())?)
        }
        Target::Redmine(settings) => {
            tracing::info!(url = %settings.url, user = %settings.user, "opening a Redmine desk");
            Arc::new(crate::desk::redmine::RedmineDesk::new(
                (**settings).clone(),
            )?)
        }
        Target::Zendesk(settings) => {
            tracing::info!(url = %settings.url, user = %settings.user, "opening a Zendesk desk");
            Arc::new(crate::desk::zendesk::ZendeskDesk::new(
                (**settings).clone(),
            )?)
        }
        Target::Demo => {
            return Err(DeskError::Unsupported(
                "open the demo desk without its store",
            ));
        }
    })
}

impl Launcher {
    /// Open the profile `name` (the default one when `None`). Blocks on the
    /// credential stores for at most their timeout each: call it off the
    /// console's thread.
    pub fn open(&self, name: Option<&str>) -> anyhow::Result<Session> {
        let (chosen, profile) = profile::chosen(&self.config, name)?;
        let mut credential = None;
        let mut token = None;
        if let Some(profile) = profile.filter(|p| p.needs_credential()) {
            // A profile with a mistake (a url that is not one) is refused
            // before any store is asked for its token.
            if let Some(problem) = profile::problems(&chosen, profile, &self.config_dir)
                .into_iter()
                .next()
            {
                anyhow::bail!("{problem}");
            }
            let chain = Chain::for_profile(profile, &self.config_dir);
            let lookup = chain.find(&profile.account(&chosen));
            for why in &lookup.unavailable {
                tracing::info!(profile = %chosen, %why, "credential store skipped");
            }
            let Some(found) = lookup.found else {
                anyhow::bail!(
                    "{}",
                    profile::no_credential(&chosen, profile, &lookup.unbound)
                );
            };
            tracing::info!(profile = %chosen, store = found.kind.short(), "credential found");
            credential = Some((found.kind, found.location));
            token = Some(found.secret);
        }
        let mut selected = profile::select(&self.config, name, token, &self.config_dir)?;
        if self.read_only {
            selected.read_only = Some("deskterm was started with --read-only".into());
        }
        let (desk, demo): (Arc<dyn Desk>, Option<Arc<DemoDesk>>) = match &selected.target {
            Target::Demo => {
                if !self.demo_db.exists() {
                    tracing::info!(path = %self.demo_db.display(), "building the demo desk");
                }
                let latency =
                    std::time::Duration::from_millis(self.config.demo.latency_ms.unwrap_or(0));
                let demo = Arc::new(
                    DemoDesk::open(&self.demo_db, self.seed, self.clock)?.with_latency(latency),
                );
                (demo.clone(), Some(demo))
            }
            remote => (remote_desk(remote)?, None),
        };
        let (store, store_error) =
            match Store::open(&self.data_dir.join("profiles"), &selected.name) {
                Ok(store) => (Some(Arc::new(store)), None),
                Err(e) => {
                    tracing::warn!(error = %e, "no local store");
                    (None, Some(format!("drafts will not be kept: {e}")))
                }
            };
        Ok(Session {
            selected,
            desk,
            demo,
            credential,
            store,
            store_error,
            simulator: None,
            claim: None,
        })
    }

    /// The console's settings for an opened profile.
    pub fn settings(&self, session: &Session) -> Settings {
        let mut settings = self.base.clone();
        settings.profile = session.selected.name.clone();
        if let Some(every) = session.selected.refresh_seconds {
            settings.refresh_every = every;
        }
        settings.page_size = if session.demo.is_some() { 500 } else { 100 };
        settings.read_only = session.selected.read_only.clone();
        settings.credential = session
            .credential
            .as_ref()
            .map(|(kind, _)| kind.short().to_string());
        settings.profiles = self.profile_names();
        settings.lacks = session.desk.capabilities().lacks();
        settings.delivers = session.desk.capabilities().delivers;
        settings.server_search = session.desk.capabilities().server_search;
        settings.uploads = session.desk.capabilities().uploads;
        settings.display = crate::opener::has_display();
        settings.web_page = session.desk.web_page();
        settings
    }

    /// Sign in to the profile `name` again with `token`: checked with the
    /// desk, kept, and a desk signed in with it.
    pub async fn sign_in(
        &self,
        name: &str,
        token: crate::config::secret::Secret,
    ) -> anyhow::Result<(Arc<dyn Desk>, String, StoreKind)> {
        let signed =
            crate::signin::login(&self.config, &self.config_dir, Some(name), token, None).await?;
        Ok((signed.desk, signed.told, signed.kept_in))
    }

    /// Every profile's name, the demo last unless config defines one.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.config.profiles.keys().cloned().collect();
        if !names.iter().any(|n| n == profile::DEMO) {
            names.push(profile::DEMO.to_string());
        }
        names
    }
}
