"""部门解题: work a case's territorial holder sends to functional departments.

A street (or any layer from the street up) names the problem; a department of the
district or city it belongs to solves it. Each dispatch (caseflow.models.Dispatch) has its
own accept and resolve clocks (deadlines.yaml `departments`), its own inbox at the
department, its own return (退单) and result; the case never leaves its holder, who confirms
or rejects each result before resolving the case.

- `records`: finding departments and dispatches, and who stands how to a case;
- `handlers`: the case actions (registered in caseflow.services.handlers);
- `views`: what the case page shows of a case's dispatches;
- the sweep step is caseflow.services.sweeping.departments, the figures
  caseflow.services.reporting.departments.
"""
