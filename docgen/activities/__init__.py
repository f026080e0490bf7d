"""What was done, counted against what was promised: activity records per pairing and
year, commitments checked per month, term and year, the rubric scored item by item, the
summary's chart, the bureau's roll-up and the spreadsheet import."""
