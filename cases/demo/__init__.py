"""Demo and benchmark data: `seed` makes the demo team and cases through the services, and
the bulk data sets for the benchmarks. Used by `seed_demo` and `benchmark`; nothing else imports
it."""
