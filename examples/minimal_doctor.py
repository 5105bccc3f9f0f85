"""The smallest useful doctor. Run it: `python examples/minimal_doctor.py`, or as a plug-in:
`agentsim run chest-pain-stemi --doctor examples/minimal_doctor.py:MinimalDoctor`."""

import json

from agentsim import Ask, Diagnose, Doctor, Examine, Order, load_case, run_episode


class MinimalDoctor(Doctor):
    name = "minimal"
    plan = [Ask(question="When did the pain start, where is it, and does it spread anywhere?"),
            Ask(question="Do you smoke, and does heart disease run in your family?"),
            Examine(request="pulse, blood pressure and heart sounds"),
            Order(tests=["ECG", "troponin"])]

    def act(self, obs):
        if obs.turn < len(self.plan) and not obs.final_turn:
            return self.plan[obs.turn]
        stemi = "ST elevation" in (obs.reply or "")  # the ECG result is the last reply
        return Diagnose(diagnosis="STEMI" if stemi else "unstable angina", differential=["aortic dissection"])


if __name__ == "__main__":
    result = run_episode(load_case("chest-pain-stemi"), doctor=MinimalDoctor())
    print(result.termination.value, json.dumps(result.score.summary()))
