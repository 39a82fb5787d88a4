//! The gebiedsscan engine (see shared/spec/gebiedsscan-v1.md).
