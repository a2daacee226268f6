//! Every integration test of `testkit` in one binary, one module per suite.

mod browser;
mod fixture_shapes;
mod htpasswd_registry;
mod lading_process;
mod plain_registry;
mod scripted_registry;
mod token_registry;
