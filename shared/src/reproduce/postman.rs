//! The view as a Postman collection (v2.1): token request, manifest, blob, with variables
//! for credentials.

use super::Flow;

/// The collection as JSON text.
pub fn collection(flow: &Flow) -> String {
    let _ = flow;
    String::new()
}
