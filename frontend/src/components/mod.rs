//! Reusable pieces of the pages, one component (and its private helpers) per file.

pub mod breadcrumbs;
pub mod config_summary;
pub mod copy_button;
pub mod digest_label;
pub mod download_link;
pub mod error_view;
pub mod header_bar;
pub mod history_table;
pub mod image_header;
pub mod image_view;
pub mod index_view;
pub mod key_value_table;
pub mod layer_table;
pub mod link;
pub mod listing_row;
pub mod listing_status;
pub mod listing_tree;
pub mod loading;
pub mod platform_table;
pub mod raw_json;
pub mod reference_form;
pub mod requests_panel;
pub mod schema1_view;
pub mod sign_in;
pub mod tag_list;
