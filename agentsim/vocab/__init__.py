"""Medical vocabularies behind matching and grading, loaded once per process on first use: the Human Phenotype
Ontology (a shipped, derived phrase index) and the project's lay/UK/US lexicon for the patient; the ICD-10-CM
index and the team's own terminology tables for the judge."""
