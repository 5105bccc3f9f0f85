"""Vocabularies the diagnosis grader reads: abbreviations, phrase rewrites, qualifier groups, disease
families, stopwords. Data, kept apart from the grading logic in diagnosis.py."""

from __future__ import annotations

import re

# abbreviation -> expansion (American spelling). Keys are upper case.
ABBREVIATIONS: dict[str, str] = {
    "MI": "myocardial infarction",
    "STEMI": "st elevation myocardial infarction",
    "NSTEMI": "non st elevation myocardial infarction",
    "NSTE-ACS": "non st elevation acute coronary syndrome",
    "ACS": "acute coronary syndrome",
    "UA": "unstable angina",
    "IHD": "ischemic heart disease",
    "CAD": "coronary artery disease",
    "PE": "pulmonary embolism",
    "DVT": "deep vein thrombosis",
    "VTE": "venous thromboembolism",
    "DKA": "diabetic ketoacidosis",
    "HHS": "hyperosmolar hyperglycemic state",
    "SAH": "subarachnoid hemorrhage",
    "ICH": "intracerebral hemorrhage",
    "SDH": "subdural hematoma",
    "EDH": "extradural hematoma",
    "UTI": "urinary tract infection",
    "COPD": "chronic obstructive pulmonary disease",
    "CHF": "congestive heart failure",
    "HF": "heart failure",
    "AF": "atrial fibrillation",
    "AFIB": "atrial fibrillation",
    "SVT": "supraventricular tachycardia",
    "VT": "ventricular tachycardia",
    "GCA": "giant cell arteritis",
    "PMR": "polymyalgia rheumatica",
    "IBD": "inflammatory bowel disease",
    "UC": "ulcerative colitis",
    "GBS": "guillain barre syndrome",
    "MS": "multiple sclerosis",
    "SLE": "systemic lupus erythematosus",
    "RA": "rheumatoid arthritis",
    "TIA": "transient ischemic attack",
    "CVA": "cerebrovascular accident",
    "AKI": "acute kidney injury",
    "CKD": "chronic kidney disease",
    "CAP": "community acquired pneumonia",
    "HAP": "hospital acquired pneumonia",
    "ARDS": "acute respiratory distress syndrome",
    "AAA": "abdominal aortic aneurysm",
    "GERD": "gastroesophageal reflux disease",
    "GORD": "gastroesophageal reflux disease",
    "PUD": "peptic ulcer disease",
    "SBP": "spontaneous bacterial peritonitis",
    "PID": "pelvic inflammatory disease",
    "PCOS": "polycystic ovary syndrome",
    "BPPV": "benign paroxysmal positional vertigo",
    "ITP": "immune thrombocytopenia",
    "TTP": "thrombotic thrombocytopenic purpura",
    "HUS": "hemolytic uremic syndrome",
    "DIC": "disseminated intravascular coagulation",
    "TB": "tuberculosis",
    "OSA": "obstructive sleep apnea",
    "NMS": "neuroleptic malignant syndrome",
    "SJS": "stevens johnson syndrome",
    "HOCM": "hypertrophic obstructive cardiomyopathy",
    "AML": "acute myeloid leukemia",
    "CML": "chronic myeloid leukemia",
    "CLL": "chronic lymphocytic leukemia",
    "T1DM": "type 1 diabetes mellitus",
    "T2DM": "type 2 diabetes mellitus",
    "PTSD": "post traumatic stress disorder",
    "URTI": "upper respiratory tract infection",
    "LRTI": "lower respiratory tract infection",
    "ALS": "amyotrophic lateral sclerosis",
    "NAFLD": "nonalcoholic fatty liver disease",
    "BPH": "benign prostatic hyperplasia",
}
# also plain English words: expanded only when written in capitals
_AMBIGUOUS_ABBREVIATIONS = frozenset({"MS", "RA", "PE", "CAP", "AF", "HF", "UA", "VT", "UC", "TB", "HAP"})

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

STOPWORDS = frozenset(
    """a an the of in on at to with and for by from as is are was be into its this that than then
    probable probably likely most possible possibly suspected suspect suspicion presumed presumptive
    query queried provisional working final diagnosis dx impression consistent compatible picture
    rule out r o clinical clinically""".split()
)

# words a disease name may carry without changing which disease it is
FILLER = frozenset({"disease", "disorder", "syndrome", "condition", "illness"})

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

# words that say nothing about which disease: ignored when looking for superficial overlap
GENERIC = (
    FILLER
    | QUALIFIERS
    | frozenset(
        """infection pain raised elevated elevation markedly mildly change changes positive negative
    normal abnormal finding findings sign signs level levels test result high low new recent history
    patient radiating central general generalized generalised localized localised syndrome""".split()
    )
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


