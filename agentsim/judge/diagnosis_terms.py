"""Vocabularies the diagnosis grader reads: phrase rewrites, qualifier groups, disease families, stopwords, and the
abbreviations of the team's table (agentsim/vocab/clinical_terms.txt). Data, kept apart from the grading logic."""

from __future__ import annotations

import re

from agentsim.vocab.terms import clinical_terms

# abbreviation -> expansion (American spelling), keys upper case: from the team's table
# agentsim/vocab/clinical_terms.txt
_TERMS = clinical_terms()
ABBREVIATIONS: dict[str, str] = {k: a.senses[0] for k, a in _TERMS.abbreviations.items() if len(a.senses) == 1}
# two senses in common use ("ASD"): the grader reads the answer both ways (diagnosis_names.readings)
MULTI_SENSE: dict[str, tuple[str, ...]] = {k: a.senses for k, a in _TERMS.abbreviations.items() if len(a.senses) > 1}
# also plain English words: expanded only when written in capitals
_AMBIGUOUS_ABBREVIATIONS = frozenset(k for k, a in _TERMS.abbreviations.items() if a.capitals_only)

# lay or variant phrases -> clinical phrase (token sequences, after spelling folding)
_PHRASES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("heart", "attack"), ("myocardial", "infarction")),
    (("deep", "venous", "thrombosis"), ("deep", "vein", "thrombosis")),
    (("st", "segment", "elevation"), ("st", "elevation")),
    (("st", "segment", "depression"), ("st", "depression")),
    (("gastro", "esophageal"), ("gastroesophageal",)),
    (("guillain", "barre"), ("guillain_barre",)),
    (("blood", "clot", "in", "the", "lung"), ("pulmonary", "embolism")),
]

# organ adjectives folded to the noun, so "oesophageal adenocarcinoma" = "adenocarcinoma of the oesophagus" and
# "renal failure" = "kidney failure" (both sides alike, tables included)
_ORGAN_ADJECTIVES: dict[str, str] = {
    "esophageal": "esophagus", "gastric": "stomach", "hepatic": "liver", "renal": "kidney", "pulmonary": "lung",
    "cardiac": "heart", "colonic": "colon", "rectal": "rectum", "pancreatic": "pancreas", "splenic": "spleen",
    "ovarian": "ovary", "uterine": "uterus", "duodenal": "duodenum", "ileal": "ileum", "prostatic": "prostate",
    "testicular": "testis", "laryngeal": "larynx", "pharyngeal": "pharynx", "tracheal": "trachea",
    "bronchial": "bronchus", "pleural": "pleura", "pericardial": "pericardium", "peritoneal": "peritoneum",
    "cutaneous": "skin", "ocular": "eye", "retinal": "retina", "aortic": "aorta", "cerebral": "brain",
    "vesical": "bladder", "mammary": "breast", "thyroidal": "thyroid", "adrenal": "adrenal", "biliary": "biliary",
}
# prefixes written apart or hyphenated as often as joined: "pre-eclampsia" = "preeclampsia"
_JOINED_PREFIXES = frozenset({"pre", "post", "anti", "peri", "intra", "extra", "para", "pseudo", "supra", "trans",
                              "hyper", "hypo", "auto"})

STOPWORDS = frozenset(
    """a an the of in on at to with and for by from as is are was be into its this that than then
    probable probably likely most possible possibly suspected suspect suspicion presumed presumptive
    query queried provisional working final diagnosis dx impression consistent compatible picture
    rule out r o clinical clinically""".split()
)

# words a disease name may carry without changing which disease it is
FILLER = frozenset({"disease", "disorder", "syndrome", "condition", "illness", "infection"})

# qualifier groups: a qualifier contradicts the case when the case uses another member of its group
_QUALIFIER_GROUPS: dict[str, frozenset[str]] = {
    "laterality": frozenset({"left", "right", "bilateral", "unilateral"}),
    "position": frozenset(
        {
            "inferior",
            "anterior",
            "lateral",
            "posterior",
            "superior",
            "medial",
            "septal",
            "anteroseptal",
            "anterolateral",
            "inferolateral",
            "inferoposterior",
            "apical",
        }
    ),
    "level": frozenset({"upper", "lower"}),
    "acuity": frozenset({"acute", "chronic", "subacute", "hyperacute"}),
    "order": frozenset({"primary", "secondary"}),
    "severity": frozenset({"mild", "moderate", "severe"}),
    "stage": frozenset({"early", "late"}),
    "type": frozenset({"type"}),
}
QUALIFIERS = frozenset().union(*_QUALIFIER_GROUPS.values())

# an upper-case "A" after a word is a letter naming a disease ("Hemophilia A"), not the article
LETTER_A = "letter_a"

# words that say nothing about which disease: ignored when looking for superficial overlap
GENERIC = (
    FILLER
    | QUALIFIERS
    | frozenset(
        """infection pain raised elevated elevation markedly mildly change changes positive negative
    normal abnormal finding findings sign signs level levels test result high low new recent history
    patient radiating central general generalized generalised localized localised syndrome""".split()
    )
    | {LETTER_A}
)

# the last word of these names says what kind of lesion, not which disease: the head is two words
_PROCESS_NOUNS = frozenset(
    """infarction infarct failure hemorrhage bleed bleeding infection abscess carcinoma cancer tumor neoplasm
    fracture obstruction stenosis thrombosis embolism aneurysm dissection injury ischemia insufficiency
    effusion rupture perforation torsion occlusion ulcer stone cyst inflammation edema hypertension lesion
    mass metastasis arrest block attack deficiency hematoma accident""".split()
)

# after one of these, the words describe a cause or complication, not the head of the diagnosis
_HEAD_STOPPERS = frozenset(
    {
        "with",
        "due",
        "secondary",
        "caused",
        "causing",
        "complicated",
        "complicating",
        "from",
        "following",
        "after",
        "in",
        "of",
    }
)

# everything after one of these is not what the answer asserts
_TRUNCATE = re.compile(
    r"\b(?:mimicking|mimics?|masquerading|simulating|rather\s+than|instead\s+of|ruled\s+out|excluded|"
    r"excluding|without)\b",
    re.IGNORECASE,
)
# an answer that hedges between alternatives is graded on its first one
_ALTERNATIVES = re.compile(r"\s+(?:vs\.?|versus|or)\s+|\s*/\s*|\s*;\s*|\n+", re.IGNORECASE)

# a clause the answer denies ("pulmonary embolism excluded", "not Crohn disease", "no evidence of infection") or
# offers only as a hedge after a committed one ("STEMI, possibly aortic dissection"): not what it asserts
_DENIED_AFTER = re.compile(r"\b(?:ruled\s+out|excluded|unlikely|less\s+likely)\W*$", re.IGNORECASE)
_DENIED_BEFORE = re.compile(r"\s*(?:not|no|without|excluding|no\s+evidence\s+of|no\s+sign\s+of)\b", re.IGNORECASE)
_HEDGE_BEFORE = re.compile(r"\s*(?:possibly|possible|maybe|perhaps|consider|alternatively|or|vs\.?|versus|"
                           r"differential|ddx)\b", re.IGNORECASE)

_NEGATORS = frozenset({"non", "not", "no"})

# disease families: a family fires when all words of one of its phrases occur in the name
_FAMILIES: dict[str, list[str]] = {
    "coronary": [
        "myocardial infarction",
        "angina",
        "acute coronary syndrome",
        "coronary",
        "ischemic heart disease",
        "myocardial ischemia",
    ],
    "cerebrovascular": [
        "stroke",
        "cerebrovascular",
        "transient ischemic attack",
        "cerebral infarction",
        "intracerebral hemorrhage",
        "subarachnoid hemorrhage",
    ],
    "venous thromboembolism": [
        "pulmonary embolism",
        "deep vein thrombosis",
        "thromboembolism",
        "venous thrombosis",
    ],
    "heart failure": ["heart failure", "ventricular failure", "cardiomyopathy"],
    "arrhythmia": [
        "atrial fibrillation",
        "atrial flutter",
        "tachycardia",
        "bradycardia",
        "heart block",
        "arrhythmia",
    ],
    "pericardial": ["pericarditis", "pericardial effusion", "tamponade", "myocarditis"],
    "aortic": ["aortic dissection", "aortic aneurysm"],
    "pneumonia": ["pneumonia", "lower respiratory tract infection", "bronchitis"],
    "obstructive airway": ["asthma", "chronic obstructive pulmonary", "bronchiectasis", "emphysema"],
    "diabetic emergency": ["diabetic ketoacidosis", "hyperosmolar hyperglycemic", "hypoglycemia", "diabetes"],
    "thyroid": ["thyroid", "thyrotoxicosis", "hyperthyroidism", "hypothyroidism", "graves", "thyroiditis"],
    "biliary": [
        "cholecystitis",
        "cholangitis",
        "biliary colic",
        "choledocholithiasis",
        "gallstone",
        "cholelithiasis",
    ],
    "inflammatory bowel": ["inflammatory bowel", "crohn", "ulcerative colitis"],
    "gastrointestinal bleed": [
        "gastrointestinal bleed",
        "gastrointestinal hemorrhage",
        "peptic ulcer",
        "variceal",
    ],
    "cns infection": ["meningitis", "encephalitis", "meningoencephalitis"],
    "urinary infection": ["urinary tract infection", "pyelonephritis", "cystitis", "urosepsis"],
    "kidney": [
        "acute kidney injury",
        "chronic kidney",
        "glomerulonephritis",
        "nephritis",
        "nephrotic",
        "renal failure",
    ],
    "vasculitis": ["giant cell arteritis", "vasculitis", "arteritis", "polymyalgia rheumatica"],
    "inflammatory arthritis": [
        "rheumatoid arthritis",
        "systemic lupus erythematosus",
        "gout",
        "pseudogout",
        "spondyloarthritis",
    ],
    "demyelinating or neuromuscular": [
        "multiple sclerosis",
        "guillain_barre",
        "myasthenia",
        "polyneuropathy",
    ],
    "haematological malignancy": ["leukemia", "lymphoma", "myeloma"],
    "anaemia": ["anemia"],
    "sepsis": ["sepsis", "septic shock", "bacteremia", "septicemia"],
    "early pregnancy": ["ectopic pregnancy", "miscarriage"],
    "hypertensive pregnancy": ["preeclampsia", "pre eclampsia", "eclampsia", "hellp"],
    "primary headache": ["migraine", "tension headache", "cluster headache"],
    "seizure": ["epilepsy", "seizure", "status epilepticus"],
}

# organ words folded to one organ for the superficial-overlap rule (matched as word prefixes)
_ORGAN_PREFIXES: list[tuple[tuple[str, ...], str]] = [
    (("cardi", "myocard", "pericard", "endocard", "heart", "coronar"), "heart"),
    (("pulmon", "lung", "pneumo", "pleur", "bronch", "respirat"), "lung"),
    (("cerebr", "brain", "encephal", "intracran"), "brain"),
    (("renal", "kidney", "nephr"), "kidney"),
    (("hepat", "liver"), "liver"),
    (("gastr", "stomach"), "stomach"),
    (("bowel", "intestin", "colon", "colitis", "colorectal", "enteri"), "bowel"),
    (("pancrea",), "pancreas"),
    (("chole", "bili", "gallbladder", "gallstone"), "biliary tree"),
    (("thyr",), "thyroid"),
    (("derm", "skin", "cutan"), "skin"),
    (("arthr", "joint"), "joint"),
    (("oste", "bone"), "bone"),
    (("aort",), "aorta"),
    (("urin", "bladder", "ureter", "urethr"), "urinary tract"),
    (("uter", "endometr"), "uterus"),
    (("ovar",), "ovary"),
    (("ocul", "ophthalm", "retin"), "eye"),
    (("splen", "spleen"), "spleen"),
    (("prostat",), "prostate"),
    (("append",), "appendix"),
    (("mening",), "meninges"),
    (("esophag",), "esophagus"),
]


