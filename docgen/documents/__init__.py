"""Stage 2, documents: the model -> what each template needs, one module per document
family (notice, plan, agreement, letters, summary, plus a bundle's cover and the roll-up's
annex); ``kinds`` declares every kind once, ``jobs`` says which files a build makes."""
