pub mod import_batch;
pub mod school;
