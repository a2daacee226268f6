//! Every integration test of `shared` in one binary, one module per suite.

mod api_contract;
mod config_history;
mod fixtures;
mod index_entries;
mod layer_merge;
mod manifest_decoding;
mod reference_behaviour;
mod reference_cases;
mod reference_table;
mod repository_table;
mod schema1_decoding;
