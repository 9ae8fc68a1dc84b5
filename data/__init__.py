"""Template schema, gold/prediction files, arithmetic rules, label scheme and the training corpus."""
