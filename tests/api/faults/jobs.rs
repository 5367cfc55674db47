//! Faults 9–12 and 14: scheduled steps raced, slow, missed while down, not woken, and
//! rescheduled.
