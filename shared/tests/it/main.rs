//! Every integration test of `shared` in one binary, one module per suite.

mod fixtures;
mod reference_cases;
mod api_contract;
mod config_history;
mod index_entries;
mod layer_merge;
mod manifest_decoding;
mod reference_behaviour;
mod reference_table;
mod repository_table;
mod schema1_decoding;
