"""Moving in from a spreadsheet (issue #16, part 2): a supervisor's file of the team's current
cases, previewed, then opened as cases through the intake service.

- `reading`: the file (CSV or Excel .xlsx) as rows of text, each with its row number as the
  spreadsheet shows it;
- `mapping`: Navigator's fields, the guess from a header row, the remembered mappings;
- `validation`: one row of the sheet read as a case to open, matched or refused, and why;
- `services`: the preview (reads only) and the import (one transaction, through
  `cases.workflow.services`);
- `upload`: where an upload waits between preview and confirm (the uploader's session).

May import: the core (models, access, audit, business days) and the workflow's services and
selectors. Imports no view.
"""
