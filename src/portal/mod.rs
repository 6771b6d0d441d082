//! The courts' public SOAP service (portalquery.just.ro): one client, polite and bounded. No
//! key, no account; plain HTTP (the service has no HTTPS). Every way it can fail is a
//! `PortalError`, shown to the legal department as it is: nothing is written for that case.

pub mod soap;

use std::time::Duration;

pub use soap::CaseQuery;

use crate::config::PortalConfig;
use crate::domain::portal::PortalCase;

/// Largest answer read; a bigger one is refused (1,000 cases with hearings are about 17 MB,
/// far beyond one case or one school).
pub const MAX_ANSWER_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalError {
    #[error("portalul nu a răspuns în {0} secunde")]
    Timeout(u64),
    #[error("portalul a răspuns cu HTTP {0}")]
    Status(u16),
    #[error("portalul a trimis o pagină fără răspunsul CautareDosare (mentenanță?)")]
    NotAnAnswer,
    #[error("portalul a raportat o eroare: {0}")]
    Fault(String),
    #[error("răspuns XML invalid: {0}")]
    Malformed(String),
    #[error("răspunsul depășește {} MiB", MAX_ANSWER_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("portalul nu poate fi contactat: {0}")]
    Unreachable(String),
    /// The answer sent the request elsewhere: never followed (the portal is plain HTTP, so
    /// anyone on the way could steer the client to any address).
    #[error("portalul a redirecționat cererea (HTTP {0}); redirecționările nu sunt urmate")]
    Redirected(u16),
}

impl PortalError {
    /// Worth another try in the same run: the service or the network may be back in a moment;
    /// a malformed or oversized answer would come back the same.
    pub fn is_transient(&self) -> bool {
        match self {
            PortalError::Timeout(_) | PortalError::NotAnAnswer | PortalError::Unreachable(_) => {
                true
            }
            PortalError::Status(code) => *code >= 500 || *code == 429,
            _ => false,
        }
    }
}

/// The client: one HTTP connection pool, the configured endpoint and limits.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    url: String,
    timeout: u64,
}

impl Client {
    pub fn new(config: &PortalConfig) -> Result<Client, PortalError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout.max(1)))
            .connect_timeout(Duration::from_secs(config.timeout.clamp(1, 30)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "isj-tracker/",
                env!("CARGO_PKG_VERSION"),
                " (registrul de dosare al unui inspectorat școlar)"
            ))
            .build()
            .map_err(|e| PortalError::Unreachable(e.to_string()))?;
        Ok(Client {
            http,
            url: config.url.clone(),
            timeout: config.timeout.max(1),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One `CautareDosare` call.
    pub async fn search(&self, query: &CaseQuery) -> Result<Vec<PortalCase>, PortalError> {
        let body = self.post(soap::search_envelope(query)).await?;
        soap::parse_search(&body)
    }

    async fn post(&self, envelope: String) -> Result<String, PortalError> {
        let mut response = self
            .http
            .post(&self.url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", soap::SEARCH_ACTION)
            .body(envelope)
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            return Err(PortalError::Redirected(status));
        }
        // ASMX answers a fault with 500 and the fault in the body: read it to say why.
        if status != 200 && status != 500 {
            return Err(PortalError::Status(status));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(e))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(PortalError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        if status == 500 {
            return match soap::parse_search(&text) {
                Err(fault @ PortalError::Fault(_)) => Err(fault),
                _ => Err(PortalError::Status(500)),
            };
        }
        Ok(text)
    }

    fn transport(&self, error: reqwest::Error) -> PortalError {
        if error.is_timeout() {
            PortalError::Timeout(self.timeout)
        } else {
            PortalError::Unreachable(without_url(error))
        }
    }
}

/// reqwest's message names the URL; the endpoint is shown elsewhere, the cause here.
fn without_url(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
