//! `base64(username:password)`: the one credentials codec of browser, proxy and Basic auth.

/// `base64(username:password)`, the one codec for [`super::CREDENTIALS_HEADER`],
/// [`super::CREDENTIALS_FIELD`] and HTTP Basic: written once so the browser and the proxy agree.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for BasicCredentials {
    // Never print the password, even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Why a credentials value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    #[error("the credentials are not base64")]
    NotBase64,
    #[error("the credentials are not UTF-8 text")]
    NotText,
    #[error("the credentials have no \":\" between the user name and the password")]
    NoColon,
    #[error("the user name is empty")]
    EmptyUsername,
}

impl BasicCredentials {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> BasicCredentials {
        BasicCredentials {
            username: username.into(),
            password: password.into(),
        }
    }

    /// `base64(username:password)`, standard alphabet with padding.
    pub fn encode(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.password))
    }

    /// The value of an `Authorization` header: `Basic base64(username:password)`.
    pub fn authorization(&self) -> String {
        format!("Basic {}", self.encode())
    }

    /// Reads `base64(username:password)`; the password may contain `:`, the user name not.
    pub fn decode(value: &str) -> Result<BasicCredentials, CredentialsError> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| CredentialsError::NotBase64)?;
        let text = String::from_utf8(bytes).map_err(|_| CredentialsError::NotText)?;
        let (username, password) = text.split_once(':').ok_or(CredentialsError::NoColon)?;
        if username.is_empty() {
            return Err(CredentialsError::EmptyUsername);
        }
        Ok(BasicCredentials::new(username, password))
    }
}
