-- Which process last claimed a job ("pid 4242 · 1a2b3c4d": the process id and a random tag
-- drawn at start, unique per process even across hosts sharing one database), for an operator
-- asking who ran a step, and for tests that several processes share the work.
alter table jobs add column claimed_by text;
