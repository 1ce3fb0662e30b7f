//! An S3-compatible bucket as a [`Destination`]: Amazon S3, the government clouds'
//! object storage (OSS, OBS, COS) or MinIO in an intranet.
//!
//! Settings come from the environment as the AWS command line and SDKs read them:
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`
//! (or `AWS_DEFAULT_REGION`) and `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`) for a
//! service other than Amazon's. Requests are presigned (SigV4, signed headers
//! included) and sent by ureq; no message ever shows an address, which carries the
//! signature.

use std::path::Path;
use std::time::Duration;

use rusty_s3::actions::{DeleteObject, GetObject, PutObject};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use super::{Destination, Headers, PublishError};

/// How long a signed request stays valid: long enough for a slow upload to start.
const SIGNED_FOR: Duration = Duration::from_secs(15 * 60);

/// Addressing of objects: in the path (`host/bucket/key`, MinIO's default) or in the
/// host name (`bucket.host/key`, which Aliyun OSS and Tencent COS require).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `https://host/bucket/key`.
    Path,
    /// `https://bucket.host/key`.
    VirtualHost,
}

/// A bucket and a key prefix.
pub struct S3 {
    bucket: Bucket,
    credentials: Credentials,
    prefix: String,
    agent: ureq::Agent,
}

impl S3 {
    /// The bucket of `s3://bucket/prefix`, with the endpoint, region and credentials
    /// of `env` (the process environment, or a test's); `style` overrides the
    /// addressing, which is by path for an endpoint on a numeric address or
    /// `localhost`, by host name otherwise.
    pub fn new(
        url: &str,
        style: Option<Style>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<S3, PublishError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| PublishError::Destination(format!("`{url}` is not s3://bucket/…")))?;
        let (name, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".to_owned());
        let endpoint = var("AWS_ENDPOINT_URL_S3")
            .or_else(|| var("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let endpoint = url::Url::parse(&endpoint)
            .map_err(|e| PublishError::Destination(format!("endpoint `{endpoint}`: {e}")))?;
        let local = match endpoint.host() {
            Some(url::Host::Domain(domain)) => domain == "localhost",
            Some(_) => true,
            None => false,
        };
        let style = match style.unwrap_or(if local {
            Style::Path
        } else {
            Style::VirtualHost
        }) {
            Style::Path => UrlStyle::Path,
            Style::VirtualHost => UrlStyle::VirtualHost,
        };
        let bucket = Bucket::new(endpoint, style, name.to_owned(), region)
            .map_err(|e| PublishError::Destination(format!("bucket `{name}`: {e}")))?;
        let credentials = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(key), Some(secret)) => match var("AWS_SESSION_TOKEN") {
                Some(token) => Credentials::new_with_token(key, secret, token),
                None => Credentials::new(key, secret),
            },
            _ => return Err(PublishError::Credentials),
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(20)))
            .build()
            .new_agent();
        Ok(S3 {
            bucket,
            credentials,
            prefix,
            agent,
        })
    }

    fn key(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// Sends a signed PUT of `body` to `path`.
    fn put_body(
        &self,
        path: &str,
        headers: &Headers,
        send: impl FnOnce(
            ureq::RequestBuilder<ureq::typestate::WithBody>,
        ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(), PublishError> {
        let key = self.key(path);
        let mut action = PutObject::new(&self.bucket, Some(&self.credentials), &key);
        action
            .headers_mut()
            .insert("content-type", headers.content_type);
        action
            .headers_mut()
            .insert("cache-control", headers.cache_control);
        let request = self
            .agent
            .put(action.sign(SIGNED_FOR).as_str())
            .header("content-type", headers.content_type)
            .header("cache-control", headers.cache_control);
        answered(path, send(request), &[200])
    }
}

impl Destination for S3 {
    fn manifest(&self) -> Result<Option<Vec<u8>>, PublishError> {
        let path = crate::manifest::MANIFEST;
        let key = self.key(path);
        let action = GetObject::new(&self.bucket, Some(&self.credentials), &key);
        let response = self
            .agent
            .get(action.sign(SIGNED_FOR).as_str())
            .call()
            .map_err(|e| network(path, &e))?;
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let bytes = body
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .map_err(|e| network(path, &e))?;
        match status {
            200 => Ok(Some(bytes)),
            // No such key is a first publish; no such bucket is a mistake.
            404 if !error_code(&bytes).contains("Bucket") => Ok(None),
            _ => Err(refused(path, status, &bytes)),
        }
    }

    fn put(&self, path: &str, local: &Path, headers: &Headers) -> Result<(), PublishError> {
        let file = std::fs::File::open(local).map_err(|error| PublishError::Io {
            path: path.to_owned(),
            error,
        })?;
        self.put_body(path, headers, |request| request.send(file))
    }

    fn put_bytes(&self, path: &str, bytes: &[u8], headers: &Headers) -> Result<(), PublishError> {
        self.put_body(path, headers, |request| request.send(bytes))
    }

    fn delete(&self, path: &str) -> Result<(), PublishError> {
        let key = self.key(path);
        let action = DeleteObject::new(&self.bucket, Some(&self.credentials), &key);
        let response = self.agent.delete(action.sign(SIGNED_FOR).as_str()).call();
        answered(path, response, &[200, 204, 404])
    }
}

/// `Ok` when the response's status is one of `ok`, else the server's error.
fn answered(
    path: &str,
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ok: &[u16],
) -> Result<(), PublishError> {
    let response = response.map_err(|e| network(path, &e))?;
    let status = response.status().as_u16();
    if ok.contains(&status) {
        return Ok(());
    }
    let body = response
        .into_body()
        .with_config()
        .limit(64 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    Err(refused(path, status, &body))
}

/// A failure before any answer. ureq's message may quote the signed address: only
/// its kind is kept.
fn network(path: &str, error: &ureq::Error) -> PublishError {
    let detail = match error {
        ureq::Error::Io(e) => e.kind().to_string(),
        ureq::Error::Timeout(_) => "timeout".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::BodyExceedsLimit(_) => "answer too large".to_owned(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "TLS".to_owned(),
        _ => "request failed".to_owned(),
    };
    PublishError::Request {
        path: path.to_owned(),
        status: 0,
        detail,
    }
}

/// The server's refusal: its S3 error code and message.
fn refused(path: &str, status: u16, body: &[u8]) -> PublishError {
    let text = String::from_utf8_lossy(body);
    let message = between(&text, "<Message>", "</Message>").unwrap_or_default();
    PublishError::Request {
        path: path.to_owned(),
        status,
        detail: format!("{} {message}", error_code(body)).trim().to_owned(),
    }
}

/// The `<Code>` of an S3 error document.
fn error_code(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    between(&text, "<Code>", "</Code>")
        .unwrap_or_default()
        .to_owned()
}

fn between<'t>(text: &'t str, open: &str, close: &str) -> Option<&'t str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_and_settings_from_the_environment() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let keys = env(&[
            ("AWS_ACCESS_KEY_ID", "k"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
        ]);
        let s3 = S3::new("s3://site/city/zibo/", None, &keys).unwrap();
        assert_eq!(s3.key("index.html"), "city/zibo/index.html");
        assert_eq!(
            s3.bucket.object_url("k").as_str(),
            "http://127.0.0.1:9000/site/k"
        );
        let cloud = env(&[
            ("AWS_ACCESS_KEY_ID", "k"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_ENDPOINT_URL", "https://oss-cn-beijing.aliyuncs.com"),
        ]);
        let s3 = S3::new("s3://site", None, &cloud).unwrap();
        assert_eq!(
            s3.bucket.object_url("index.html").as_str(),
            "https://site.oss-cn-beijing.aliyuncs.com/index.html"
        );
        assert!(matches!(
            S3::new("s3://site", None, &env(&[])),
            Err(PublishError::Credentials)
        ));
        assert!(S3::new("https://site", None, &keys).is_err());
    }

    #[test]
    fn errors_name_the_code_and_message() {
        let body = b"<Error><Code>AccessDenied</Code><Message>Denied.</Message></Error>";
        let error = refused("index.html", 403, body);
        assert_eq!(
            error.to_string(),
            "index.html: HTTP 403: AccessDenied Denied."
        );
    }
}
