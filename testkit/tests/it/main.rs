//! Every integration test of `testkit` in one binary, one module per suite.

mod browser;
mod fixture_shapes;
mod htpasswd_registry;
mod lading_process;
mod plain_registry;
mod scripted_registry;
mod token_registry;
mod world_acr;
mod world_artifactory;
mod world_common;
mod world_ecr;
mod world_ghcr;
mod world_gitlab;
mod world_google;
mod world_harbor;
mod world_hub;
mod world_quay;
