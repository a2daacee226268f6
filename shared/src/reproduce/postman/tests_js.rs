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

/// Where a URL from an answer (`Link`, `next`, `Location`) points: resolved against the URL
/// of the request it answered (RFC 3986), and the origin (`scheme://host:port`, the default
/// port written out) of an http(s) URL — `null` for anything else, for userinfo (`a@b`), a
/// backslash or white space, which URL parsers disagree on.
const RESOLVE: &str = r##"function requestUrl() {
  var url = pm.request.url.toString();
  return pm.variables.replaceIn ? pm.variables.replaceIn(url) : url;
}
function resolveUrl(ref, base) {
  ref = String(ref).split("#")[0];
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) { return ref; }
  var m = /^([a-z][a-z0-9+.-]*:)(\/\/[^\/?#]*)?([^?#]*)(\?[^#]*)?/i.exec(base) || ["", "", "", ""];
  var root = m[1] + (m[2] || "");
  if (ref.indexOf("//") === 0) { return m[1] + ref; }
  if (ref.charAt(0) === "/") { return root + ref; }
  if (ref === "") { return root + m[3] + (m[4] || ""); }
  if (ref.charAt(0) === "?") { return root + m[3] + ref; }
  return root + (m[3].slice(0, m[3].lastIndexOf("/") + 1) || "/") + ref;
}
function originOf(url) {
  var m = /^(https?):\/\/([^\/?#]*)/i.exec(url || "");
  if (!m || !m[2] || /@/.test(m[2]) || /[\\\s]/.test(url)) { return null; }
  var scheme = m[1].toLowerCase(), authority = m[2].toLowerCase();
  if (!/:[0-9]+$/.test(authority)) { authority += scheme === "https" ? ":443" : ":80"; }
  return scheme + "://" + authority;
}
// The next page's URL if it stays at `allowed`'s origin and under /v2/; else why not.
function nextPage(ref, allowed) {
  var url = resolveUrl(ref, requestUrl());
  var origin = originOf(url);
  if (!origin || origin !== originOf(allowed)) {
    return { why: "the next page is at " + (origin || "a URL that is not plain http(s)") + ", not " + originOf(allowed) + ": not followed (the credentials are for that origin only)" };
  }
  var path = url.slice(url.indexOf("//") + 2).replace(/^[^\/?#]*/, "").split(/[?#]/)[0];
  if (path.indexOf("/v2/") !== 0 || /(^|\/)(\.|%2e)+(\/|$)/i.test(path)) {
    return { why: "the next page's path is not under /v2/: not followed" };
  }
  return { url: url };
}
function refuse(test, why) {
  pm.collectionVariables.set("next_page", "");
  pm.test(test, function () { throw new Error(why); });
  setNext(null);
}"##;

/// The status codes that redirect a `GET`.
const REDIRECTS: &str = "[301, 302, 303, 307, 308]";

/// A blob at the registry, not following a redirect (`None`: the config digest variable).
/// A redirect's `Location` (resolved) goes into `blob_location` and the run goes on at
/// `follow` (the item fetching it without credentials); without one the sha256 is checked
/// here and the run goes on at `skip`, past `follow` (`None`: the run ends).
pub(super) fn blob(digest: Option<&str>, follow: &str, skip: Option<&str>) -> String {
    format!(
        "{SET_NEXT}
{RESOLVE}
{BODY_DIGEST}
var expected = {expected};
pm.collectionVariables.set(\"blob_location\", \"\");
if ({REDIRECTS}.indexOf(pm.response.code) >= 0) {{
  // Not followed here: the next item fetches it with no credentials at all.
  var location = resolveUrl(pm.response.headers.get(\"Location\") || \"\", requestUrl());
  var origin = pm.response.headers.get(\"Location\") ? originOf(location) : null;
  pm.test(\"the redirect names an http(s) Location\", function () {{
    pm.expect(origin).to.be.a(\"string\");
  }});
  if (origin) {{
    pm.collectionVariables.set(\"blob_location\", location);
    console.log(\"redirected to \" + origin);
    setNext({follow});
  }} else {{
    setNext(null);
  }}
}} else {{
  pm.test(\"the blob arrived\", function () {{
    pm.response.to.have.status(200);
  }});
  pm.test(\"the blob's sha256 is its digest\", function () {{
    pm.expect(bodyDigest()).to.eql(expected);
  }});
  console.log(expected + \" \" + pm.response.stream.length);
  setNext({skip});
}}",
        expected = expected(digest),
        follow = js(follow),
        skip = skip.map_or("null".to_string(), js),
    )
}

/// A blob at the `Location` its registry redirected to: its sha256 equals its digest.
pub(super) fn blob_at_location(digest: Option<&str>) -> String {
    format!(
        "{BODY_DIGEST}
pm.test(\"the blob arrived\", function () {{
  pm.response.to.have.status(200);
}});
var expected = {};
pm.test(\"the blob's sha256 is its digest\", function () {{
  pm.expect(bodyDigest()).to.eql(expected);
}});
console.log(expected + \" \" + pm.response.stream.length);",
        expected(digest)
    )
}

fn expected(digest: Option<&str>) -> String {
    digest.map_or("pm.variables.get(\"config_digest\")".to_string(), js)
}

/// A registry list page: its entries logged; the next page from `Link` — only on the
/// registry's origin, under `/v2/` (else the run stops, failing) — else the run ends.
pub(super) fn link_page(field: &str, next_name: &str) -> String {
    format!(
        "{SET_NEXT}
{RESOLVE}
pm.test(\"the page was returned\", function () {{
  pm.response.to.have.status(200);
}});
(pm.response.json()[{field}] || []).forEach(function (name) {{ console.log(name); }});
var link = pm.response.headers.get(\"Link\");
var next = link && /<([^>]*)>\\s*;\\s*rel=\"?next\"?/.exec(link);
if (next) {{
  // Relative to this page; the registry's credentials go to the registry only.
  var page = nextPage(next[1], pm.variables.get(\"registry\"));
  if (page.url) {{
    pm.collectionVariables.set(\"next_page\", page.url);
    setNext({next});
  }} else {{
    refuse(\"the Link stays on the registry\", page.why);
  }}
}} else {{
  setNext(null);
}}",
        field = js(field),
        next = js(next_name),
    )
}

/// A Docker Hub web API page: its repositories logged; the next page from `next`, only
/// on `hub` (`https://hub.docker.com`) under `/v2/`.
pub(super) fn hub_page(next_name: &str, hub: &str) -> String {
    format!(
        "{SET_NEXT}
{RESOLVE}
pm.test(\"the page was returned\", function () {{
  pm.response.to.have.status(200);
}});
var page = pm.response.json();
(page.results || []).forEach(function (r) {{ console.log(r.namespace + \"/\" + r.name); }});
if (page.next) {{
  var next = nextPage(page.next, {hub});
  if (next.url) {{
    pm.collectionVariables.set(\"next_page\", next.url);
    setNext({next});
  }} else {{
    refuse(\"the next page stays on Docker Hub\", next.why);
  }}
}} else {{
  setNext(null);
}}",
        hub = js(hub),
        next = js(next_name)
    )
}
