//! Port contract suite.
