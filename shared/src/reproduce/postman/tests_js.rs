//! The collection's scripts (Postman's sandbox JavaScript): each checks an answer the way
//! the sh and Python scripts do, and passes what later requests need through variables.
//! Every value from the view lands in them as a JSON string literal (valid JavaScript), so
//! a hostile name can never become code.

fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// Runs the named request next (`null`: stop the run) — `pm.execution` in current Postman,
/// `postman.setNextRequest` in older runners.
const SET_NEXT: &str = "function setNext(name) {
  if (pm.execution && pm.execution.setNextRequest) { pm.execution.setNextRequest(name); }
  else { postman.setNextRequest(name); }
}";

/// The body's sha256 as `sha256:HEX`, from the bytes as received.
const BODY_DIGEST: &str = "function bodyDigest() {
  var CryptoJS = require(\"crypto-js\");
  var words = CryptoJS.lib.WordArray.create(pm.response.stream);
  return \"sha256:\" + CryptoJS.SHA256(words).toString(CryptoJS.enc.Hex);
}";

pub(super) fn ping() -> String {
    "// 200: no authentication wanted; 401: the challenge says how to authenticate.
pm.test(\"the registry speaks the v2 API\", function () {
  pm.expect(pm.response.code).to.be.oneOf([200, 401]);
});
console.log(\"challenge: \" + (pm.response.headers.get(\"WWW-Authenticate\") || \"none\"));"
        .to_string()
}

/// Adds Basic credentials to the request only when `REGISTRY_USER` is set.
pub(super) fn basic_if_set() -> String {
    "// Credentials are optional here: sent only when REGISTRY_USER is set.
var user = pm.variables.get(\"REGISTRY_USER\");
if (user) {
  var CryptoJS = require(\"crypto-js\");
  var pair = user + \":\" + (pm.variables.get(\"REGISTRY_PASSWORD\") || \"\");
  var basic = CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(pair));
  pm.request.headers.upsert({ key: \"Authorization\", value: \"Basic \" + basic });
}"
    .to_string()
}

pub(super) fn token() -> String {
    "pm.test(\"the token server issued a token\", function () {
  pm.response.to.have.status(200);
});
var answer = pm.response.json();
// The spec's field is `token`; some servers send only `access_token`.
var token = answer.token || answer.access_token;
pm.test(\"the answer holds token or access_token\", function () {
  pm.expect(token).to.be.a(\"string\").and.not.empty;
});
pm.collectionVariables.set(\"token\", token);"
        .to_string()
}

pub(super) fn manifest_head(asked: Option<&str>) -> String {
    let mut s = String::from(
        "pm.test(\"the manifest exists\", function () {
  pm.response.to.have.status(200);
});
var digest = pm.response.headers.get(\"Docker-Content-Digest\");
console.log(\"digest \" + digest + \", mediaType \" + pm.response.headers.get(\"Content-Type\"));",
    );
    if let Some(asked) = asked {
        s.push_str(&format!(
            "
pm.test(\"Docker-Content-Digest is the digest asked for\", function () {{
  if (digest) {{ pm.expect(digest).to.eql({}); }}
}});",
            js(asked)
        ));
    }
    s
}

/// A manifest's checks: its sha256 against the digest asked for (else the header); the
/// platform listed (for an index); the config digest kept for the config request.
pub(super) fn manifest_get(asked: Option<&str>, child: Option<&str>) -> String {
    let mut s = format!(
        "{BODY_DIGEST}
pm.test(\"the manifest was returned\", function () {{
  pm.response.to.have.status(200);
}});
var expected = {} || pm.response.headers.get(\"Docker-Content-Digest\");
var actual = bodyDigest();
pm.test(\"the manifest's sha256 is its digest\", function () {{
  if (expected) {{ pm.expect(actual).to.eql(expected); }}
}});
var manifest = pm.response.json();
console.log(\"digest \" + actual + \", mediaType \" + (manifest.mediaType || pm.response.headers.get(\"Content-Type\")));
if (manifest.config && manifest.config.digest) {{
  pm.collectionVariables.set(\"config_digest\", manifest.config.digest);
}}",
        asked.map_or("null".to_string(), js)
    );
    if let Some(child) = child {
        s.push_str(&format!(
            "
pm.test(\"the index lists the platform\", function () {{
  var listed = (manifest.manifests || []).some(function (m) {{ return m.digest === {}; }});
  pm.expect(listed).to.be.true;
}});",
            js(child)
        ));
    }
    s
}

/// A blob's check: its sha256 equals its digest (`None`: the config digest variable).
pub(super) fn blob(digest: Option<&str>) -> String {
    let expected = digest.map_or("pm.variables.get(\"config_digest\")".to_string(), js);
    format!(
        "{BODY_DIGEST}
pm.test(\"the blob arrived\", function () {{
  pm.response.to.have.status(200);
}});
var expected = {expected};
pm.test(\"the blob's sha256 is its digest\", function () {{
  pm.expect(bodyDigest()).to.eql(expected);
}});
console.log(expected + \" \" + pm.response.stream.length);"
    )
}

/// A registry list page: its entries logged; the next page from `Link`, else the run ends.
pub(super) fn link_page(field: &str, next_name: &str) -> String {
    format!(
        "{SET_NEXT}
pm.test(\"the page was returned\", function () {{
  pm.response.to.have.status(200);
}});
(pm.response.json()[{field}] || []).forEach(function (name) {{ console.log(name); }});
var link = pm.response.headers.get(\"Link\");
var next = link && /<([^>]*)>\\s*;\\s*rel=\"?next\"?/.exec(link);
if (next) {{
  var url = next[1];
  // A relative link is relative to the registry.
  if (!/^https?:/.test(url)) {{ url = pm.variables.get(\"registry\") + (url.charAt(0) === \"/\" ? \"\" : \"/\") + url; }}
  pm.collectionVariables.set(\"next_page\", url);
  setNext({next});
}} else {{
  setNext(null);
}}",
        field = js(field),
        next = js(next_name),
    )
}

/// A Docker Hub web API page: its repositories logged; the next page from `next`.
pub(super) fn hub_page(next_name: &str) -> String {
    format!(
        "{SET_NEXT}
pm.test(\"the page was returned\", function () {{
  pm.response.to.have.status(200);
}});
var page = pm.response.json();
(page.results || []).forEach(function (r) {{ console.log(r.namespace + \"/\" + r.name); }});
if (page.next) {{
  pm.collectionVariables.set(\"next_page\", page.next);
  setNext({});
}} else {{
  setNext(null);
}}",
        js(next_name)
    )
}
