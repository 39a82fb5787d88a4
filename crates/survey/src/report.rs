//! Published reference figures (survey.md §B1), with their sources.
