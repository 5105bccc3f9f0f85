"""Medical vocabularies for matching: the Human Phenotype Ontology (a shipped, derived phrase index) and the
project's lay/UK/US lexicon. Loaded once per process, on first use."""
