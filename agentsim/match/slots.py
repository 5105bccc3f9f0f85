"""Which part of a structured history a question is about, from the words clinicians and lay people use.

The cues are phrases matched on normalised text (US spelling, lowercase). A question can hit several slots.
"""

from __future__ import annotations

from functools import lru_cache

from agentsim.match.text import normalise
from agentsim.model.case import FactSlot as S

SLOT_CUES: dict[S, tuple[str, ...]] = {
    S.PRESENTING_COMPLAINT: (
        "what brings you", "what brought you", "brought you in", "brings you in", "brought you here",
        "brought you to", "what's been happening", "whats been happening", "what's been going on", "what's going on",
        "what's happened", "what has happened", "what's up", "what's the matter", "what is the matter", "hpc", "pc",
        "what seems to be", "what's the problem", "what is the problem",
        "how can i help", "what can i do for you", "tell me what happened", "what happened", "whats wrong",
        "what is wrong", "main problem", "main concern today", "why are you here", "describe your symptoms",
        "what symptoms", "tell me more", "go on", "in your own words", "how are you feeling",
    ),
    S.SITE: ("where is", "where does it hurt", "where exactly", "point to", "which part", "location", "localise",
             "localize", "which side", "where do you feel", "where's the"),
    S.ONSET: ("when did", "how long", "start", "began", "begin", "came on", "come on", "onset", "first notice",
              "since when", "sudden", "suddenly", "gradual", "gradually", "what were you doing", "how many days",
              "how many weeks", "when was", "first noticed", "first happen", "out of the blue"),
    S.CHARACTER: ("describe the", "what does it feel", "what is it like", "what's it like", "kind of pain",
                  "type of pain", "sort of pain", "character", "sharp", "dull", "burning", "stabbing", "crushing",
                  "throbbing", "tight", "pressure", "ache", "cramp", "colicky", "feel like"),
    S.RADIATION: ("radiate", "spread", "go anywhere", "move anywhere", "travel", "shoot", "go down", "go to your",
                  "go into", "anywhere else"),
    S.ASSOCIATED_SYMPTOMS: ("other symptoms", "anything else", "associated", "along with", "at the same time",
                            "with it", "accompan", "any other", "notice anything else"),
    S.TIMING: ("constant", "come and go", "comes and goes", "all the time", "intermittent", "continuous",
               "how often", "how long does it last", "episodes", "pattern", "time of day", "at night",
               "in the morning", "getting worse", "getting better", "changed since", "frequency", "last for"),
    S.EXACERBATING_RELIEVING: ("make it worse", "makes it worse", "make it better", "makes it better", "relieve",
                               "ease", "eases", "help it", "helps", "aggravat", "trigger", "worse when",
                               "better when", "anything help", "tried anything", "painkiller", "worse with",
                               "better with", "position", "lying flat", "eating", "movement"),
    S.SEVERITY: ("how bad", "severe", "severity", "scale", "out of 10", "out of ten", "score", "rate the",
                 "how much does it hurt", "worst pain", "how strong", "how intense", "1 to 10", "one to ten"),
    S.PAST_MEDICAL_HISTORY: ("medical history", "medical problems", "medical conditions", "health problems",
                             "conditions", "illnesses", "diagnosed with", "past history", "pmh", "ever had",
                             "chronic", "long term", "long-term", "past medical", "pmhx", "medical history",
                             "any history", "health issues", "suffer with", "suffer from", "do you have any",
                             "ongoing health", "any problems with your", "been in hospital", "hospital before"),
    S.PAST_SURGICAL_HISTORY: ("surgery", "surgeries", "operation", "operated", "procedures", "psh", "surgical",
                              "pshx", "ops", "under the knife", "had anything removed", "scars"),
    S.MEDICATIONS: ("medication", "medicine", "meds", "dhx", "drug history", "otc", "regular drugs", "tablets", "pills",
                    "drugs do you take", "prescri",
                    "taking anything", "take anything", "over the counter", "supplements", "inhaler",
                    "contracepti", "the pill", "injections", "insulin", "dose", "herbal", "remedies", "on any"),
    S.ALLERGIES: ("allerg", "alerg", "react badly", "reactions to", "nkda", "penicillin", "drug reactions",
                  "intoleran"),
    S.FAMILY_HISTORY: ("family", "fhx", "fh", "relatives", "mother", "father", "parents", "mum", "dad", "brother",
                       "sister",
                       "siblings", "runs in", "inherit", "genetic", "grandparent"),
    S.SMOKING: ("smoke", "smoking", "smoker", "ciggies", "fags", "cigarette", "tobacco", "vape", "vaping", "pack year",
                "cigar", "chew"),
    S.ALCOHOL: ("alcohol", "drink", "drinking", "drinker", "etoh", "beer", "wine", "spirits", "units", "booze",
                "pints"),
    S.DRUGS: ("recreational", "illicit", "street drugs", "cannabis", "marijuana", "cocaine", "heroin",
              "inject", "ivdu", "substances", "weed", "party drugs", "drugs"),
    S.OCCUPATION: ("work", "job", "occupation", "what do you do", "day job", "working", "do for a living", "employ",
                   "profession", "career", "retired",
                   "school", "exposure at work"),
    S.HOME: ("live with", "home", "living situation", "who lives", "housing", "live alone", "carer",
             "support at home", "stairs", "pets", "lives with", "house", "heating", "household"),
    S.TRAVEL: ("travel", "abroad", "trip", "holiday", "vacation", "flight", "overseas", "been away", "visited",
               "long journey", "country"),
    S.SEXUAL_HISTORY: ("sexual", "sexually", "partner", "partners", "intercourse", "condom", "sti", "std",
                       "unprotected", "sex"),
    S.OBSTETRIC_GYNAE_HISTORY: ("period", "periods", "menstrua", "lmp", "pregnan", "miscarriage", "gravida",
                                "contracepti", "smear", "menopaus", "cycle", "vaginal", "discharge", "bleeding between",
                                "weeks pregnant", "babies", "children have you had", "gestation", "fetal movements",
                                "baby moving", "antenatal"),
    S.BIRTH_DEVELOPMENT: ("born", "birth", "delivery", "premature", "term", "milestones", "development",
                          "growing", "birth weight", "newborn"),
    S.IMMUNISATIONS: ("vaccin", "immuni", "jabs", "shots", "up to date with"),
    S.DIET: ("diet", "eat", "eating", "appetite", "feeding", "feeds", "food", "fluids", "drinking enough",
             "bottle", "breast fed", "breastfe", "wet nappies", "wet diapers", "weight"),
    S.ROS_GENERAL: ("fever", "temperature", "hot", "chills", "rigors", "sweats", "night sweats", "weight loss",
                    "lost weight", "weight gain", "tired", "fatigue", "energy", "appetite", "unwell", "lumps"),
    S.ROS_CARDIOVASCULAR: ("chest pain", "palpitations", "heart racing", "heart", "ankle swelling", "swollen ankles",
                           "leg swelling", "orthopnea", "pillows", "faint", "blackout", "passed out", "syncope",
                           "claudication", "short of breath lying", "racing"),
    S.ROS_RESPIRATORY: ("cough", "breath", "breathing", "breathless", "wheez", "sputum", "phlegm", "hemoptysis",
                        "coughing up blood", "dyspnea", "sob", "chest tight"),
    S.ROS_GASTROINTESTINAL: ("nausea", "n and v", "sick", "vomit", "throwing up", "bowel", "stool", "poo", "diarrhea",
                             "constipat", "blood in", "black stool", "tarry", "melena", "abdominal", "tummy",
                             "stomach", "belly", "heartburn", "indigestion", "swallow", "jaundice", "yellow"),
    S.ROS_GENITOURINARY: ("urine", "urinat", "pee", "wee", "water works", "waterworks", "burning when",
                          "frequency", "passing water", "dysuria", "blood in your urine", "kidney", "bladder",
                          "incontinen", "stream", "testic", "genital"),
    S.ROS_NEUROLOGICAL: ("headache", "head", "loc", "loss of consciousness", "dizzy", "dizziness", "numb", "tingling",
                         "weakness", "weak",
                         "vision", "speech", "seizure", "fits", "confus", "memory", "balance", "pins and needles",
                         "coordination", "light hurt", "photophobia", "neck stiff", "stiff neck"),
    S.ROS_MUSCULOSKELETAL: ("joint", "joints", "muscle", "back pain", "stiffness", "swollen joint", "aches",
                            "arthritis", "bones", "movement"),
    S.ROS_SKIN: ("rash", "skin", "itch", "spots", "mole", "bruis", "lesion", "blister", "lumps", "redness"),
    S.ROS_PSYCHIATRIC: ("mood", "low", "depress", "anxious", "anxiety", "worry", "stress", "sleep", "hopeless",
                        "harm yourself", "suicid", "end your life", "hearing voices", "interest", "enjoy",
                        "concentrat", "self harm", "feeling down", "thoughts"),
    S.ROS_ENDOCRINE: ("thirst", "thirsty", "drinking a lot", "passing a lot", "heat", "cold intolerance",
                      "feel the cold", "sweating", "hair", "voice", "neck swelling"),
    S.ROS_HAEMATOLOGICAL: ("bleed", "bleeding", "bruise", "bruising", "clots", "anemia", "pale", "transfusion"),
    S.ROS_ENT: ("ear", "ears", "hearing", "throat", "sore throat", "nose", "sinus", "runny nose", "congest",
                "hoarse"),
    S.ROS_EYES: ("eye", "eyes", "vision", "see", "blurr", "double vision", "sight"),
    S.IDEAS: ("what do you think", "any ideas", "think it is", "think is going on", "think might be",
              "your thoughts", "thought it was", "what might be causing", "reckon", "any thoughts", "theory",
              "put it down to", "what did you think", "what were you thinking", "first thought", "had a thought",
              "thoughts yourself", "thoughts on what", "behind it", "behind this", "what's behind", "caused it",
              "causing it", "brought this on", "what it might be", "think was going on", "think was causing",
              "think it was", "what you think", "your idea", "any idea what"),
    S.CONCERNS: ("worried", "worry", "concern", "afraid", "scared", "frightened", "fear", "frighten", "worrie",
                 "worreid", "bothering you", "on your mind", "playing on your mind", "back of your mind",
                 "going through your head", "nervous", "anxious about", "what's the worst", "upsetting you",
                 "holding up", "bother you", "troubling you"),
    S.EXPECTATIONS: ("hoping", "expect", "what would you like", "hope to get", "want from", "like us to do",
                     "looking for today"),
}

# A pertinent negative answers a yes/no symptom question: any question may land on one.
SYMPTOM_SLOTS = frozenset(
    {S.ASSOCIATED_SYMPTOMS, S.PERTINENT_NEGATIVE, *(s for s in S if s.value.startswith("ros_"))}
)

SOCIAL_SLOTS = frozenset({S.SMOKING, S.ALCOHOL, S.DRUGS, S.OCCUPATION, S.HOME, S.TRAVEL, S.SEXUAL_HISTORY})

_BROAD_SOCIAL = ("social history", "lifestyle", "habits", "social situation")

# Normalised cues, built once and indexed by the first three letters of their first word: a question checks only the
# cues that could start at one of its words.
_CUES: dict[str, list[tuple[str, S]]] = {}
for _slot, _cues in SLOT_CUES.items():
    for _cue in _cues:
        _norm = normalise(_cue)
        if _norm:
            _CUES.setdefault(_norm.split()[0][:3], []).append((_norm, _slot))


def detect_slots(question: str) -> dict[S, float]:
    """Slots the question asks about, each with a strength (longer cues are stronger)."""
    return dict(_detect_slots(question))


def cue_words(question: str) -> frozenset[str]:
    """The question's words that belong to a matched slot cue ('family', 'ever had'): what is left names the
    item asked about."""
    return _scan(question)[1]


def _detect_slots(question: str) -> tuple[tuple[S, float], ...]:
    return _scan(question)[0]


@lru_cache(maxsize=4096)
def _scan(question: str) -> tuple[tuple[tuple[S, float], ...], frozenset[str]]:
    norm = normalise(question)
    padded = f" {norm} "
    found: dict[S, float] = {}
    words: set[str] = set()
    for head in {word[:3] for word in norm.split()}:
        for cue, slot in _CUES.get(head, ()):
            # whole cues match whole words; longer cues that end in a stem ('allerg') match word prefixes
            if f" {cue} " in padded:
                strength = min(1.0, 0.75 + 0.02 * len(cue))  # 'pmh' 0.81, 'smoke' 0.85, phrases 1.0
            elif len(cue) >= 5 and f" {cue}" in padded:
                strength = 0.75  # a stem cue matching the start of a longer word
            else:
                continue
            found[slot] = max(found.get(slot, 0.0), strength)
            words.update(cue.split())
    if any(b in padded for b in _BROAD_SOCIAL):
        for slot in SOCIAL_SLOTS:
            found.setdefault(slot, 0.7)
    return tuple(found.items()), frozenset(words)
