pub mod audit_log;
pub mod enrolment_link;
pub mod import_batch;
pub mod school;
pub mod staff_session;
pub mod staff_user;
