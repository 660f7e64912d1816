"""Supervisor reports: every figure an SQL aggregate, in a fixed number of queries.

- one module per report (`caseload`, `timeliness`, `overdue`, `insurance`, `records`, `volume`,
  `reminder_delivery`, `screening`), each a function of `ReportFilters` returning a `Report`;
- `registry`: the list of reports the pages offer; `parts`: the report's building blocks and
  filters; `sql`: the SQL helpers (business days, distributions); `charts`: SVG charts;
  `calendar`: the business-day calendar table the SQL counts with; `drill`: the cases behind
  each count of a table (the drill-down); `measures`: the rows behind the percentile figures
  and the counts of cases, reasons and requests; `histograms`: those figures' histograms by
  month, kept by the services that change the rows (`report_histograms_watch`) and rebuilt by a
  command.

May import: `cases.models`, `cases.access`, `cases.business_days`. Imports no other part.
"""
