"""The catalogue of named mistakes that distractors come from.

Each is a real slip a student makes on these exercises; the explanation is what the
answer key says next to the wrong option.
"""

from quizgen.problem import Mistake

# embeddings and score matrices
FRONTIER_AS_REACHABLE = Mistake(
    "frontier-as-reachable",
    "puts every vertex reachable from the token into its frontier, not only its direct children",
)
FRONTIER_AS_PARENTS = Mistake(
    "frontier-as-parents", "reads the edges backwards and fills the frontier with parents"
)
BLOCKS_SWAPPED = Mistake("blocks-swapped", "writes the frontier block before the identity block")
SLOTS_BY_ID = Mistake(
    "slots-by-id", "orders the one-hot slots by vertex id instead of the given slot order"
)
ROWS_COLUMNS_SWAPPED = Mistake(
    "rows-columns-swapped", "reads a row as a source and a column as a target (the transpose)"
)
QUERY_FROM_IDENTITY = Mistake(
    "query-from-identity", "builds the query from the identity block, so every token matches itself"
)
ZERO_ROW_ATTENDS_ALL = Mistake(
    "zero-row-attends-all",
    "reads a sink's all-zero score row as attending to every token (that happens only after softmax)",
)
# softmax
FORGOT_MAGNITUDE = Mistake("forgot-magnitude", "drops the logit magnitude c before the softmax")
FORGOT_SCALE = Mistake("forgot-scale", "forgets to divide the scores by √d_k")
LINEAR_NORMALISATION = Mistake(
    "linear-normalisation", "divides each score by the row sum instead of exponentiating"
)
HARD_ARGMAX = Mistake(
    "hard-argmax", "treats softmax as a hard argmax: all weight on the top score(s)"
)
NOT_NORMALISED = Mistake("not-normalised", "exponentiates the logits but never divides by their sum")
ZERO_ROW_STAYS_ZERO = Mistake(
    "zero-row-stays-zero", "forgets that an all-zero row becomes uniform: e^0 = 1 for every token"
)
# path-merging
FRONTIER_BFS = Mistake(
    "frontier-bfs", "counts frontier-only BFS rounds (one edge per round: L − 1 after S_0)"
)
ONE_ROUND_PER_EDGE = Mistake("one-round-per-edge", "counts one round per edge of the longest path (L)")
FLOOR_LOG = Mistake("floor-log", "rounds log₂ L down instead of up")
COUNTS_VERTICES = Mistake(
    "counts-vertices", "measures the longest path in vertices (L + 1) instead of edges"
)
SHIFT_WRONG_WAY = Mistake("shift-wrong-way", "shifts the position the other way (p − offset)")
ATTENDS_TO_SELF = Mistake("attends-to-self", "lets the query match its own position")
POSITIONS_FROM_ONE = Mistake("positions-from-one", "counts positions from 1 instead of 0")
# perturbation
BOTH_SIDES_AT_ONCE = Mistake(
    "both-sides-at-once",
    "perturbs source and target together, so any drop is blamed on both sides",
)
WRONG_SIDE_RECOMPUTED = Mistake(
    "wrong-side-recomputed",
    "recomputes the query after a source perturbation (and the key after a target one)",
)
ANY_DROP_COUNTS = Mistake(
    "any-drop-counts", "calls any drop a dependency, ignoring the √d/10 threshold"
)
KEY_ONLY = Mistake(
    "key-only", "thinks only the key carries the match, so zeroing the target's frontier changes nothing"
)
FRESH_ID_MATCHES = Mistake(
    "fresh-id-matches", "thinks the renamed source still matches: only its label changed, not its one-hot"
)
SIDES_SWAPPED = Mistake("sides-swapped", "attributes the identity feature to the target and the frontier to the source")
# search input format
ALL_CHILDREN_USEFUL = Mistake(
    "all-children-useful", "counts every child of the start as useful, even those that cannot reach the goal"
)
GOAL_PARENTS = Mistake("goal-parents", "answers with the vertices that have an edge into the goal")
ALL_REACHABLE = Mistake("all-reachable", "answers with every vertex reachable from the start")
