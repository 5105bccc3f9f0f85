"""What an unremarkable examination of each system reads as. Systems a case does not list are normal."""

from agentsim.model.case import ExamSystem as X

NORMAL_EXAM: dict[X, str] = {
    X.VITALS: "HR 78 bpm regular, BP 124/78 mmHg, RR 14/min, SpO2 98% on air, temperature 36.7 C.",
    X.GENERAL: "Alert and comfortable at rest; well perfused, not pale, jaundiced or cyanosed.",
    X.HEAD_NECK: "No lymphadenopathy, thyroid not enlarged, no scalp or temporal tenderness.",
    X.CARDIOVASCULAR: "Heart sounds I + II, no added sounds or murmurs; JVP not raised; pulses normal.",
    X.RESPIRATORY: "Chest expansion equal, resonant to percussion, vesicular breath sounds, no added sounds.",
    X.ABDOMINAL: "Soft and non-tender, no guarding, no masses or organomegaly, bowel sounds present.",
    X.NEUROLOGICAL: "Alert and oriented; cranial nerves intact; tone, power, reflexes and sensation normal; "
    "no meningism.",
    X.MUSCULOSKELETAL: "Joints not swollen or tender, full range of movement, normal gait.",
    X.SKIN: "No rash, lesions or bruising; skin warm and well perfused.",
    X.ENT: "Ears: tympanic membranes normal. Throat not inflamed. Nose clear.",
    X.EYES: "Pupils equal and reactive, visual acuity and fields grossly normal, fundi unremarkable.",
    X.GENITOURINARY: "External genitalia normal, no tenderness or swelling.",
    X.PELVIC: "No cervical excitation or adnexal tenderness; no abnormal discharge.",
    X.RECTAL: "Normal anal tone, no masses, no blood on the glove.",
    X.BREAST: "No masses, skin changes or nipple discharge; axillae clear.",
    X.LYMPH_NODES: "No palpable cervical, axillary or inguinal lymphadenopathy.",
    X.PERIPHERAL_VASCULAR: "Peripheral pulses palpable and equal, no calf swelling or tenderness, capillary "
    "refill under 2 seconds.",
    X.MENTAL_STATE: "Appropriately dressed, good rapport, euthymic, normal speech, no abnormal thoughts or "
    "perceptions, insight intact.",
    X.OBSTETRIC: "Fundal height consistent with dates, fetal heart heard and regular.",
}
