//! `WWW-Authenticate` challenges, parsed leniently.
//!
//! Hand-written rather than built on `http-auth`: that crate is strict RFC 7235 and rejects
//! what registries really send (unquoted values, stray commas, several challenges spread over
//! several header lines). This parser never fails; it returns what it could understand.

use std::collections::BTreeMap;

/// How a registry wants to be authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// Token auth: get a token from `realm` (may be relative to the request URL).
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
        /// `insufficient_scope`, `invalid_token`, … on a 401 for a resource.
        error: Option<String>,
    },
    Basic {
        realm: Option<String>,
    },
    /// The registry answered the ping with 200: no auth needed.
    Anonymous,
}

/// One parsed challenge: a scheme and its parameters (keys lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Raw {
    scheme: String,
    params: BTreeMap<String, String>,
}

impl Challenge {
    /// The challenge without per-response parts (a resource's scope, an error), as cached.
    pub fn stripped(&self) -> Challenge {
        match self {
            Challenge::Bearer { realm, service, .. } => Challenge::Bearer {
                realm: realm.clone(),
                service: service.clone(),
                scope: None,
                error: None,
            },
            other => other.clone(),
        }
    }

    /// Its scope when it names no repository: one the registry wants asked for whatever is
    /// read (public.ecr.aws's ping: `scope="aws"`). A repository scope in a ping is a
    /// placeholder (GHCR's `repository:user/image:pull`), never a registry-wide one.
    pub fn registry_scope(&self) -> Option<String> {
        match self {
            Challenge::Bearer {
                scope: Some(scope), ..
            } if !scope.starts_with("repository:") && !scope.trim().is_empty() => {
                Some(scope.clone())
            }
            _ => None,
        }
    }

    /// The same challenge with `scope` in place of its own (Bearer only).
    pub fn with_scope(self, scope: Option<String>) -> Challenge {
        match self {
            Challenge::Bearer {
                realm,
                service,
                error,
                ..
            } => Challenge::Bearer {
                realm,
                service,
                scope,
                error,
            },
            other => other,
        }
    }

    /// The scopes to ask a token for: the caller's first (some token servers read only the
    /// first), then the challenge's own where it adds some (space-separated, as the token
    /// spec allows): public.ecr.aws's `aws`, or the scope a resource's 401 named.
    pub fn token_scopes(&self, scopes: &[String]) -> Vec<String> {
        let mut wanted = scopes.to_vec();
        if let Challenge::Bearer {
            scope: Some(scope), ..
        } = self
        {
            for scope in scope.split_whitespace() {
                if !wanted.iter().any(|w| w == scope) {
                    wanted.push(scope.to_string());
                }
            }
        }
        wanted
    }
}

/// Picks the challenge to answer from all `WWW-Authenticate` values: Bearer over Basic.
pub fn select<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Challenge> {
    let raws: Vec<Raw> = values.into_iter().flat_map(parse).collect();
    let bearer = raws.iter().find(|r| r.scheme == "bearer").and_then(|r| {
        Some(Challenge::Bearer {
            realm: r.params.get("realm")?.clone(),
            service: r.params.get("service").cloned(),
            scope: r.params.get("scope").cloned(),
            error: r.params.get("error").cloned(),
        })
    });
    bearer.or_else(|| {
        raws.iter()
            .find(|r| r.scheme == "basic")
            .map(|r| Challenge::Basic {
                realm: r.params.get("realm").cloned(),
            })
    })
}

/// Splits one header value into challenges. A token followed by `=` is a parameter of the
/// current challenge; any other token starts a new challenge.
fn parse(value: &str) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::new();
    let mut chars = value.char_indices().peekable();
    let bytes = value;
    loop {
        while chars
            .next_if(|(_, c)| c.is_whitespace() || *c == ',')
            .is_some()
        {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        while chars
            .next_if(|(_, c)| !c.is_whitespace() && *c != ',' && *c != '=')
            .is_some()
        {}
        let end = chars.peek().map_or(bytes.len(), |(i, _)| *i);
        let token = &bytes[start..end];
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            let value = read_value(&mut chars, bytes);
            if let Some(current) = out.last_mut() {
                current.params.insert(token.to_ascii_lowercase(), value);
            }
        } else if !token.is_empty() {
            out.push(Raw {
                scheme: token.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
        } else {
            // A lone '=' or similar junk: skip one character so the loop always advances.
            chars.next();
        }
    }
    out
}

fn read_value(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, text: &str) -> String {
    if chars.next_if(|(_, c)| *c == '"').is_some() {
        let mut value = String::new();
        while let Some((_, c)) = chars.next() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                c => value.push(c),
            }
        }
        return value;
    }
    let Some(&(start, _)) = chars.peek() else {
        return String::new();
    };
    while chars
        .next_if(|(_, c)| *c != ',' && !c.is_whitespace())
        .is_some()
    {}
    let end = chars.peek().map_or(text.len(), |(i, _)| *i);
    text[start..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(realm: &str, service: Option<&str>, scope: Option<&str>) -> Challenge {
        Challenge::Bearer {
            realm: realm.into(),
            service: service.map(Into::into),
            scope: scope.map(Into::into),
            error: None,
        }
    }

    #[test]
    fn parses_real_world_challenges() {
        let cases: Vec<(Vec<&str>, Option<Challenge>)> = vec![
            (
                vec![r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#],
                Some(bearer(
                    "https://auth.docker.io/token",
                    Some("registry.docker.io"),
                    None,
                )),
            ),
            (
                vec![
                    r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push""#,
                ],
                Some(bearer(
                    "https://ghcr.io/token",
                    Some("ghcr.io"),
                    Some("repository:a/b:pull,push"),
                )),
            ),
            // Unquoted values and spaces around '='.
            (
                vec!["Bearer realm = https://r.example/token , service=r.example"],
                Some(bearer("https://r.example/token", Some("r.example"), None)),
            ),
            // Several challenges in one header: Bearer preferred.
            (
                vec![r#"Basic realm="x", Bearer realm="/token",service="s""#],
                Some(bearer("/token", Some("s"), None)),
            ),
            // Several header lines.
            (
                vec![
                    r#"Basic realm="Registry Realm""#,
                    r#"Bearer realm="https://t/""#,
                ],
                Some(bearer("https://t/", None, None)),
            ),
            (
                vec![r#"Basic realm="Registry Realm""#],
                Some(Challenge::Basic {
                    realm: Some("Registry Realm".into()),
                }),
            ),
            (vec!["basic"], Some(Challenge::Basic { realm: None })),
            // Escaped quote inside a quoted value; case-insensitive scheme and keys.
            (
                vec![r#"BEARER REALM="https://t/\"q\"",Service="s""#],
                Some(bearer("https://t/\"q\"", Some("s"), None)),
            ),
            // Bearer without realm cannot be answered.
            (vec![r#"Bearer service="s""#], None),
            (vec!["", ",,,", "=", "Negotiate abc=="], None),
        ];
        for (values, want) in cases {
            assert_eq!(select(values.iter().copied()), want, "{values:?}");
        }
    }

    fn basic(realm: &str) -> Challenge {
        Challenge::Basic {
            realm: Some(realm.into()),
        }
    }

    /// Every vendor's `WWW-Authenticate`, literally as REGISTRIES.md records it.
    #[test]
    fn parses_every_vendors_challenge() {
        let ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
        let ecr_header = format!(r#"Basic realm="https://{ecr}/",service="ecr.amazonaws.com""#);
        let cases: Vec<(&str, Challenge)> = vec![
            (
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull""#,
                bearer(
                    "https://auth.docker.io/token",
                    Some("registry.docker.io"),
                    Some("repository:library/redis:pull"),
                ),
            ),
            (
                r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull""#,
                bearer(
                    "https://ghcr.io/token",
                    Some("ghcr.io"),
                    Some("repository:user/image:pull"),
                ),
            ),
            // gcr.io: the service unquoted.
            (
                r#"Bearer realm="https://gcr.io/v2/token",service=gcr.io"#,
                bearer("https://gcr.io/v2/token", Some("gcr.io"), None),
            ),
            // Artifact Registry: no service at all.
            (
                r#"Bearer realm="https://us-docker.pkg.dev/v2/token""#,
                bearer("https://us-docker.pkg.dev/v2/token", None, None),
            ),
            (
                r#"Bearer realm="https://quay.io/v2/auth",service="quay.io""#,
                bearer("https://quay.io/v2/auth", Some("quay.io"), None),
            ),
            // ECR: Basic only, its realm a URL that is never fetched.
            (&ecr_header, basic(&format!("https://{ecr}/"))),
            (
                r#"Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws""#,
                bearer(
                    "https://public.ecr.aws/token/",
                    Some("public.ecr.aws"),
                    Some("aws"),
                ),
            ),
            (
                r#"Bearer realm="https://myreg.azurecr.io/oauth2/token",service="myreg.azurecr.io""#,
                bearer(
                    "https://myreg.azurecr.io/oauth2/token",
                    Some("myreg.azurecr.io"),
                    None,
                ),
            ),
            // GitLab: the service is a literal, not the host.
            (
                r#"Bearer realm="https://gitlab.com/jwt/auth",service="container_registry""#,
                bearer(
                    "https://gitlab.com/jwt/auth",
                    Some("container_registry"),
                    None,
                ),
            ),
            (
                r#"Bearer realm="https://harbor.example/service/token",service="harbor-registry""#,
                bearer(
                    "https://harbor.example/service/token",
                    Some("harbor-registry"),
                    None,
                ),
            ),
            // Harbor once an Authorization header was sent.
            (r#"Basic realm="harbor""#, basic("harbor")),
            (
                r#"Basic realm="Artifactory Realm""#,
                basic("Artifactory Realm"),
            ),
        ];
        for (header, want) in cases {
            assert_eq!(select([header]), Some(want), "{header}");
        }
    }

    #[test]
    fn a_registry_wide_scope_is_kept_and_asked_for() {
        let pull = vec!["repository:docker/library/alpine:pull".to_string()];
        let ecr = select([
            r#"Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws""#,
        ])
        .unwrap();
        assert_eq!(ecr.registry_scope().as_deref(), Some("aws"));
        let cached = ecr.stripped().with_scope(ecr.registry_scope());
        assert_eq!(
            cached.token_scopes(&pull),
            ["repository:docker/library/alpine:pull", "aws"]
        );
        // GHCR's ping names a placeholder repository: not asked for.
        let ghcr = select([r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull""#]).unwrap();
        assert_eq!(ghcr.registry_scope(), None);
        // A resource's 401 may name several scopes at once; none is asked for twice.
        let two = bearer("r", None, Some("repository:a:pull  repository:b:pull"));
        let wanted = two.token_scopes(&["repository:a:pull".to_string()]);
        assert_eq!(wanted, ["repository:a:pull", "repository:b:pull"]);
        assert_eq!(basic("harbor").token_scopes(&pull), pull);
    }

    #[test]
    fn reads_the_error_of_insufficient_scope() {
        let value = r#"Bearer realm="https://t",service="s",scope="repository:x:pull",error="insufficient_scope""#;
        match select([value]) {
            Some(Challenge::Bearer { error, scope, .. }) => {
                assert_eq!(error.as_deref(), Some("insufficient_scope"));
                assert_eq!(scope.as_deref(), Some("repository:x:pull"));
            }
            other => panic!("{other:?}"),
        }
    }
}
