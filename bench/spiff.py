"""SpiffWorkflow, the Python BPMN engine, doing what an action does, in memory.

The grievance cycle the act scenario takes (accept, start, comment, resolve) as a BPMN
process of user tasks. One operation = load a saved workflow (JSON), complete its next user
task, run the engine steps, save it again (JSON): SpiffWorkflow's own serializer, no disk,
no database — the peer that never touches a disk.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

NAMESPACE = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def process_xml(steps: Sequence[str]) -> str:
    """A start event, one user task per step in order, an end event."""
    ids = ["start_event", *steps, "end_event"]
    tasks = "".join(f'<bpmn:userTask id="{step}" name="{step}"/>' for step in steps)
    flows = "".join(f'<bpmn:sequenceFlow id="flow{n}" sourceRef="{a}" targetRef="{b}"/>'
                    for n, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    return (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="{NAMESPACE}" '
            'id="caseflow" targetNamespace="http://caseflow/bench">'
            '<bpmn:process id="grievance" isExecutable="true"><bpmn:startEvent id="start_event"/>'
            f'{tasks}<bpmn:endEvent id="end_event"/>{flows}</bpmn:process></bpmn:definitions>')


class SpiffCycle:
    """Workflows of the cycle, each saved as JSON between its tasks."""

    def __init__(self, steps: Sequence[str]) -> None:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.util.task import TaskState

        parser = BpmnParser()
        parser.add_bpmn_str(process_xml(steps).encode(), "grievance.bpmn")
        workflow = BpmnWorkflow(parser.get_spec("grievance"))
        workflow.do_engine_steps()
        self.steps = tuple(steps)
        self._serializer = BpmnWorkflowSerializer()
        self._ready = TaskState.READY
        self.fresh = self._serializer.serialize_json(workflow)

    def complete_next(self, saved: str) -> str:
        """Load, complete the next user task, save: one action's worth of engine work."""
        workflow: Any = self._serializer.deserialize_json(saved)
        task = workflow.get_next_task(state=self._ready, manual=True)
        task.run()
        workflow.do_engine_steps()
        return str(self._serializer.serialize_json(workflow))

    def run(self, workflows: int) -> tuple[int, float]:
        """Every step of the cycle on `workflows` fresh workflows; (operations, seconds)."""
        start = time.perf_counter()
        for _ in range(workflows):
            saved = self.fresh
            for _step in self.steps:
                saved = self.complete_next(saved)
        return workflows * len(self.steps), time.perf_counter() - start
