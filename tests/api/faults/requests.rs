//! Faults 13 and 15: requests that are not Slack's, and two processes starting at once.
