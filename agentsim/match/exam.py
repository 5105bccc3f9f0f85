"""Map an examination request ("listen to her chest", "check Murphy's sign") to exam systems."""

from __future__ import annotations

from agentsim.match.text import normalise
from agentsim.model.case import ExamSystem as X

EXAM_CUES: dict[X, tuple[str, ...]] = {
    X.VITALS: ("vital", "vitals", "obs", "observations", "blood pressure", "bp", "pulse rate", "heart rate",
               "temperature", "temp", "oxygen", "sats", "saturation", "spo2", "respiratory rate", "rr", "hr"),
    X.GENERAL: ("general", "appearance", "inspect", "inspection", "look at", "end of the bed", "general exam",
                "hydration", "pallor", "jaundice", "cyanosis", "clubbing", "weight", "bmi", "growth"),
    X.HEAD_NECK: ("head and neck", "neck", "thyroid", "scalp", "temporal artery", "temporal arteries", "face",
                  "mouth", "tongue", "lymph nodes in the neck"),
    X.CARDIOVASCULAR: ("heart", "cardiac", "cardiovascular", "cvs", "precordium", "heart sounds", "murmur",
                       "jvp", "apex beat", "auscultate the heart", "listen to the heart", "cardio"),
    X.RESPIRATORY: ("chest", "lungs", "lung", "respiratory", "breath sounds", "resp exam", "auscultate the chest",
                    "listen to the chest", "listen to her chest", "listen to his chest", "percuss", "wheeze",
                    "crackles", "air entry"),
    X.ABDOMINAL: ("abdomen", "abdominal", "tummy", "belly", "stomach", "palpate the abdomen", "liver", "spleen",
                  "bowel sounds", "rlq", "ruq", "llq", "luq", "epigastri", "flank", "renal angle"),
    X.NEUROLOGICAL: ("neuro", "neurological", "cranial nerves", "reflexes", "power", "tone", "sensation",
                     "coordination", "gait", "plantars", "pupils", "gcs", "conscious", "meningism",
                     "neck stiffness", "kernig", "brudzinski", "romberg", "speech", "cerebellar", "limb strength"),
    X.MUSCULOSKELETAL: ("musculoskeletal", "msk", "joint", "joints", "knee", "hip", "shoulder", "spine", "back",
                        "ankle", "wrist", "hand", "hands", "foot", "feet", "toe", "elbow", "muscle", "gals"),
    X.SKIN: ("skin", "rash", "lesion", "mole", "derm", "wound", "ulcer", "spots", "legs for redness",
             "dermatoscopy", "nails"),
    X.ENT: ("ears", "ear", "throat", "tonsils", "nose", "otoscopy", "pharynx", "sinuses", "ent"),
    X.EYES: ("eyes", "eye", "fundoscopy", "fundi", "visual acuity", "visual fields", "conjunctiva", "retina"),
    X.GENITOURINARY: ("genitals", "genital", "genitourinary", "testes", "testicles", "scrotum", "penis",
                      "gu exam", "external genitalia"),
    X.PELVIC: ("pelvic", "speculum", "bimanual", "vaginal exam", "cervix", "adnexa", "pv exam", "internal exam"),
    X.RECTAL: ("rectal", "pr exam", "dre", "digital rectal", "per rectum", "prostate"),
    X.BREAST: ("breast", "breasts"),
    X.LYMPH_NODES: ("lymph", "nodes", "lymphadenopathy", "glands"),
    X.PERIPHERAL_VASCULAR: ("peripheral pulses", "peripheral vascular", "calves", "calf", "legs", "leg swelling",
                            "foot pulses", "capillary refill", "abpi", "varicose", "both arms"),
    X.MENTAL_STATE: ("mental state", "mse", "mood", "affect", "cognition", "cognitive", "orientation",
                     "insight", "thought", "suicide risk", "risk assessment", "mental status", "mini mental"),
    X.OBSTETRIC: ("fundal height", "uterus", "fetal heart", "obstetric", "gravid", "presentation of the baby",
                  "symphysis fundal", "ctg"),
}

# A request that names no system: SDBench's gatekeeper asks for something explicit.
VAGUE_EXAM = frozenset(
    normalise(v) for v in ("examine", "examination", "exam", "full exam", "full examination", "examine the patient",
                           "examine him", "examine her", "physical exam", "physical examination", "everything",
                           "head to toe", "top to toe", "complete exam", "complete examination", "check everything")
)

_CUES = sorted(((normalise(c), s) for s, cs in EXAM_CUES.items() for c in cs), key=lambda p: -len(p[0]))


def detect_systems(request: str) -> list[X]:
    padded = f" {normalise(request)} "
    found: list[X] = []
    for cue, system in _CUES:
        if f" {cue} " in padded or (len(cue) >= 6 and f" {cue}" in padded):
            if system not in found:
                found.append(system)
    # "listen to the chest" names the lungs; a heart word alongside it asks for both
    return found


def is_vague(request: str) -> bool:
    norm = normalise(request)
    words = [w for w in norm.split() if w not in {"please", "the", "patient", "can", "you", "i", "would", "like", "to",
                                                  "do", "a", "an", "perform", "let", "me", "now"}]
    return not words or " ".join(words) in VAGUE_EXAM or norm in VAGUE_EXAM
