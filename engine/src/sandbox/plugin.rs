//! One isolated plugin file: what it exports, and its pool of worker processes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use thiserror::Error;

use super::protocol::WireStrategy;
use super::Isolation;

/// An isolated plugin could not be started, or its worker misbehaved before playing.
#[derive(Debug, Error)]
pub enum SandboxError {
    #[error("isolated plugins need Linux (seccomp, resource limits); run without --isolate only plugins you trust")]
    Unsupported,
    #[error("{path}: cannot start a worker process: {message}")]
    Spawn { path: String, message: String },
    #[error("{path}: {message}")]
    LoadFailed { path: String, message: String },
    #[error("{path}: the worker {message}")]
    Protocol { path: String, message: String },
    #[error("{path}: strategy #{index} is malformed ({what})")]
    BadDescriptor {
        path: String,
        index: usize,
        what: String,
    },
}

/// The longest strategy name, description and default parameters accepted from a plugin.
pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 4096;
/// The most strategies one plugin may export.
pub const MAX_STRATEGIES: usize = 4096;

/// A plugin file run in worker processes.
pub struct IsolatedPlugin {
    path: PathBuf,
    isolation: Isolation,
    plugin: String,
    version: String,
    strategies: Vec<WireStrategy>,
    #[cfg(target_os = "linux")]
    idle: Mutex<Vec<super::supervisor::WorkerProcess>>,
    #[cfg(not(target_os = "linux"))]
    idle: Mutex<Vec<()>>,
}

impl std::fmt::Debug for IsolatedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IsolatedPlugin")
            .field("path", &self.path)
            .field("plugin", &self.plugin)
            .finish_non_exhaustive()
    }
}

/// Checks what a worker says its plugin exports, as the loader checks a header in-process.
fn check_strategies(path: &str, strategies: &[WireStrategy]) -> Result<(), SandboxError> {
    if strategies.len() > MAX_STRATEGIES {
        return Err(SandboxError::BadDescriptor {
            path: path.into(),
            index: MAX_STRATEGIES,
            what: format!("{} strategies, at most {MAX_STRATEGIES}", strategies.len()),
        });
    }
    for (index, s) in strategies.iter().enumerate() {
        let bad = |what: String| SandboxError::BadDescriptor {
            path: path.into(),
            index,
            what,
        };
        if s.name.trim().is_empty() {
            return Err(bad("empty display name".into()));
        }
        if s.name.chars().count() > MAX_NAME || s.name.chars().any(char::is_control) {
            return Err(bad(format!(
                "the name must be at most {MAX_NAME} printable characters"
            )));
        }
        if s.description.len() > MAX_TEXT || s.default_params.len() > MAX_TEXT {
            return Err(bad(format!(
                "description and default parameters must be at most {MAX_TEXT} bytes"
            )));
        }
        if s.memory_depth < -1 {
            return Err(bad(format!("memory depth {}", s.memory_depth)));
        }
    }
    Ok(())
}

impl IsolatedPlugin {
    /// Starts a first worker for `path` and learns what the plugin exports.
    #[cfg(target_os = "linux")]
    pub fn start(path: &Path, isolation: &Isolation) -> Result<IsolatedPlugin, SandboxError> {
        use super::protocol::Response;
        let shown = path.display().to_string();
        let canonical =
            super::supervisor::plugin_path(path).map_err(|e| SandboxError::LoadFailed {
                path: shown.clone(),
                message: format!("cannot load as a shared library ({e})"),
            })?;
        let (worker, first) = super::supervisor::WorkerProcess::spawn(
            &isolation.command,
            &canonical,
            &isolation.limits,
            60,
        )
        .map_err(|e| SandboxError::Spawn {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        match first {
            Response::Ready {
                plugin,
                version,
                strategies,
            } => {
                check_strategies(&shown, &strategies)?;
                Ok(IsolatedPlugin {
                    path: path.to_path_buf(),
                    isolation: isolation.clone(),
                    plugin,
                    version,
                    strategies,
                    idle: Mutex::new(vec![worker]),
                })
            }
            Response::LoadFailed { message } => Err(SandboxError::LoadFailed {
                path: shown,
                message: strip_path(&message, &canonical, path),
            }),
            other => Err(SandboxError::Protocol {
                path: shown,
                message: format!("answered {other:?} instead of saying it is ready"),
            }),
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub fn start(_path: &Path, _isolation: &Isolation) -> Result<IsolatedPlugin, SandboxError> {
        Err(SandboxError::Unsupported)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn isolation(&self) -> &Isolation {
        &self.isolation
    }

    /// The plugin's name and version, as it declares them.
    pub fn plugin(&self) -> (&str, &str) {
        (&self.plugin, &self.version)
    }

    /// What the plugin exports (checked).
    pub fn strategies(&self) -> &[WireStrategy] {
        &self.strategies
    }

    /// A ready worker: an idle one, or a new one whose plugin must export the same strategies.
    #[cfg(target_os = "linux")]
    pub(crate) fn checkout(
        &self,
        cpu_seconds: u64,
    ) -> Result<super::supervisor::WorkerProcess, SandboxError> {
        use super::protocol::Response;
        if let Some(w) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(w);
        }
        let shown = self.path.display().to_string();
        let canonical =
            super::supervisor::plugin_path(&self.path).map_err(|e| SandboxError::LoadFailed {
                path: shown.clone(),
                message: e.to_string(),
            })?;
        let (worker, first) = super::supervisor::WorkerProcess::spawn(
            &self.isolation.command,
            &canonical,
            &self.isolation.limits,
            cpu_seconds,
        )
        .map_err(|e| SandboxError::Spawn {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        match first {
            Response::Ready { strategies, .. } if strategies == self.strategies => Ok(worker),
            Response::Ready { .. } => Err(SandboxError::Protocol {
                path: shown,
                message: "exported different strategies when started again".into(),
            }),
            Response::LoadFailed { message } => Err(SandboxError::LoadFailed {
                message: strip_path(&message, &canonical, Path::new(&shown)),
                path: shown,
            }),
            other => Err(SandboxError::Protocol {
                path: shown,
                message: format!("answered {other:?} instead of saying it is ready"),
            }),
        }
    }

    /// Returns a healthy worker to the pool.
    #[cfg(target_os = "linux")]
    pub(crate) fn checkin(&self, worker: super::supervisor::WorkerProcess) {
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(worker);
    }
}

impl Drop for IsolatedPlugin {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        for w in self
            .idle
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            w.shutdown();
        }
    }
}

/// The worker names the canonical path in its messages; say it as the user wrote it.
/// The worker's message in the user's terms: the path as given, named once (the error
/// around it already starts with it).
fn strip_path(message: &str, canonical: &Path, shown: &Path) -> String {
    let message = message.replace(
        &canonical.display().to_string(),
        &shown.display().to_string(),
    );
    let prefix = format!("{}: ", shown.display());
    match message.strip_prefix(&prefix) {
        Some(rest) => rest.to_string(),
        None => message,
    }
}
