//! What running the image does by default: platform, entrypoint, command, environment,
//! user, ports, labels — the fields of the config people look up most.

use lading_shared::ImageConfig;
use leptos::prelude::*;

use crate::components::key_value_table::KeyValueTable;
use crate::format::{exec_form, format_created};

#[component]
pub fn ConfigSummary(config: ImageConfig) -> impl IntoView {
    let runtime = config.config.clone().unwrap_or_default();
    let platform = platform_text(&config);
    let created = config.created.as_deref().map(format_created);
    let ports: Vec<String> = runtime.exposed_ports.keys().cloned().collect();
    let volumes: Vec<String> = runtime.volumes.keys().cloned().collect();
    let labels: Vec<(String, String)> = runtime.labels.into_iter().collect();
    let command = |args: Option<Vec<String>>| args.filter(|a| !a.is_empty()).map(|a| exec_form(&a));
    view! {
        <section class="card">
            <h2>"Configuration"</h2>
            <dl class="summary" data-testid="config-summary">
                <Item label="Platform" value=platform />
                <Item label="Created" value=created />
                <Item label="Author" value=config.author />
                <Item label="Entrypoint" value=command(runtime.entrypoint) code=true always=true />
                <Item label="Cmd" value=command(runtime.cmd) code=true always=true />
                <Item label="User" value=runtime.user.filter(|u| !u.is_empty()) code=true always=true />
                <Item label="WorkingDir" value=runtime.working_dir.filter(|w| !w.is_empty()) code=true />
                <Item label="StopSignal" value=runtime.stop_signal code=true />
                <Item label="Shell" value=command(runtime.shell) code=true />
                <Item label="Healthcheck" value=runtime.healthcheck.map(|h| h.to_string()) code=true />
                <Item label="OnBuild" value=command(runtime.on_build) code=true />
                {(!ports.is_empty()).then(|| view! { <dt>"ExposedPorts"</dt><dd><CodeList items=ports /></dd> })}
                {(!volumes.is_empty()).then(|| view! { <dt>"Volumes"</dt><dd><CodeList items=volumes /></dd> })}
                {(!runtime.env.is_empty()).then(|| view! { <dt>"Env"</dt><dd><EnvList env=runtime.env /></dd> })}
                {(!labels.is_empty()).then(|| view! { <dt>"Labels"</dt><dd><KeyValueTable entries=labels /></dd> })}
            </dl>
        </section>
    }
}

fn platform_text(config: &ImageConfig) -> Option<String> {
    let os = config.os.as_deref().unwrap_or_default();
    let arch = config.architecture.as_deref().unwrap_or_default();
    if os.is_empty() && arch.is_empty() {
        return None;
    }
    let mut text = format!("{os}/{arch}");
    if let Some(variant) = config.variant.as_deref().filter(|v| !v.is_empty()) {
        text.push('/');
        text.push_str(variant);
    }
    if let Some(version) = config.os_version.as_deref().filter(|v| !v.is_empty()) {
        text.push_str(&format!(" (os.version {version})"));
    }
    Some(text)
}

/// One `<dt>`/`<dd>` pair; skipped when unset unless `always` (then shown as "not set").
#[component]
fn Item(
    label: &'static str,
    value: Option<String>,
    #[prop(optional)] code: bool,
    #[prop(optional)] always: bool,
) -> impl IntoView {
    let shown = value.is_some() || always;
    shown.then(|| {
        let body = match value {
            Some(v) if code => view! { <code>{v}</code> }.into_any(),
            Some(v) => view! { <span>{v}</span> }.into_any(),
            None => view! { <span class="muted">"not set"</span> }.into_any(),
        };
        view! { <dt>{label}</dt><dd>{body}</dd> }
    })
}

#[component]
fn CodeList(items: Vec<String>) -> impl IntoView {
    view! {
        <ul class="inline-list">
            {items.into_iter().map(|i| view! { <li><code>{i}</code></li> }).collect_view()}
        </ul>
    }
}

/// `KEY=value` lines, the key set apart so long values (PATH) stay readable.
#[component]
fn EnvList(env: Vec<String>) -> impl IntoView {
    view! {
        <ul class="env">
            {env
                .into_iter()
                .map(|line| {
                    let (key, value) = match line.split_once('=') {
                        Some((k, v)) => (k.to_string(), Some(v.to_string())),
                        None => (line, None),
                    };
                    view! {
                        <li><code><span class="env-key">{key}</span>{value.map(|v| format!("={v}"))}</code></li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
