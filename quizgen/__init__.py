"""quizgen: exam practice on the mechanics of transformer attention."""

__version__ = "0.2.6"
