"""Medical vocabularies behind matching and grading: the ICD-10-CM index and the team's own terminology tables."""
