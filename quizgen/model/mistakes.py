"""The catalogue of named mistakes that distractors come from.

Each is a real slip a student makes on these exercises; the explanation is what the
answer key says next to the wrong option.
"""

from quizgen.model.problem import Mistake

# embeddings and score matrices
FRONTIER_AS_REACHABLE = Mistake(
    "frontier-as-reachable",
    "puts every vertex reachable from the token into its frontier, not only its direct children",
)
FRONTIER_AS_PARENTS = Mistake(
    "frontier-as-parents", "reads the edges backwards and fills the frontier with parents"
)
BLOCKS_SWAPPED = Mistake("blocks-swapped", "writes the frontier block before the identity block")
SELF_IN_FRONTIER = Mistake(
    "self-in-frontier", "puts the token itself into its frontier, as the merge sets S_0(v) = {v} ∪ children(v) do"
)
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
SCALE_INVERTED = Mistake("scale-inverted", "multiplies the scores by √d_k instead of dividing by it")
FIRST_OF_TIES = Mistake(
    "first-of-ties", "breaks a tie as argmax does: all the weight on the first of the top scores"
)
UNIFORM_WEIGHTS = Mistake(
    "uniform-weights", "spreads the weight evenly over the sources, which softmax does only for equal scores"
)
ZERO_ROW_STAYS_ZERO = Mistake(
    "zero-row-stays-zero",
    "reads an all-zero row as attending to nobody (weight 0 on every source); softmax makes it uniform, since e^0 = 1",
)
FORGOT_NORMALISATION = Mistake(
    "forgot-normalisation", "exponentiates but never divides by the sum, so a score of 0 keeps weight e^0 = 1"
)
# path-merging
FRONTIER_BFS = Mistake(
    "frontier-bfs", "counts path-merging like frontier-only BFS, one edge per round (L − 1 rounds for both)"
)
ONE_ROUND_PER_EDGE = Mistake("one-round-per-edge", "counts one round per edge of the longest path (L), for both")
FLOOR_LOG = Mistake("floor-log", "rounds log₂ L down instead of up")
COUNTS_VERTICES = Mistake(
    "counts-vertices", "measures the longest path in vertices (L + 1) instead of edges"
)
SHIFT_WRONG_WAY = Mistake("shift-wrong-way", "shifts the position the other way (p − k for p + k, or the reverse)")
ATTENDS_TO_SELF = Mistake("attends-to-self", "lets the query match its own position")
SKIPS_MARKERS = Mistake(
    "skips-markers", "counts only vertex tokens when shifting, as if the EDGE markers had no position"
)
# perturbation
BOTH_SIDES_AT_ONCE = Mistake(
    "both-sides-at-once",
    "perturbs source and target together and reads that one drop (of Q̃_j·K̃_i) as a drop on both sides",
)
WRONG_SIDE_RECOMPUTED = Mistake(
    "wrong-side-recomputed",
    "recomputes the untouched side (the query after renaming the source, the key after zeroing the target's "
    "bit), so neither score moves",
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
D_FROM_SLOTS = Mistake(
    "d-from-slots", "takes d as the number of slots instead of the width of the embedding vectors (√slots/10)"
)
IGNORES_QUERY_WEIGHT = Mistake(
    "ignores-query-weight", "reads each score as a bare one-hot match (0 or 1), dropping the weight W_Q carries"
)
# search input format
ALL_CHILDREN_USEFUL = Mistake(
    "all-children-useful", "counts every child of the start as useful, even those that cannot reach the goal"
)
GOAL_PARENTS = Mistake("goal-parents", "answers with the vertices that have an edge into the goal")
ALL_REACHABLE = Mistake("all-reachable", "answers with every vertex reachable from the start")
# attention mechanics
OUTPUT_MODEL_WIDTH = Mistake("output-model-width", "gives one head's output the model width d_model instead of d_k")
Z_AS_PATTERN = Mistake("z-as-pattern", "confuses the output Z with the n × n pattern A")
TRANSPOSED_SHAPE = Mistake("transposed-shape", "writes the shape transposed (columns × rows)")
ONE_HEAD_ONLY = Mistake("one-head-only", "counts a single head instead of all h heads")
FULL_WIDTH_HEADS = Mistake("full-width-heads", "gives every head the full width d_model instead of d_model / h")
ONE_MATRIX_ONLY = Mistake("one-matrix-only", "counts only one of W_Q, W_K, W_V")
SCORES_AS_QUERIES = Mistake("scores-as-queries", "counts the entries of Q (n × d_k) instead of the n × n scores")
LINEAR_IN_N = Mistake("linear-in-n", "thinks the score matrix grows linearly with the sequence length")
VALUES_AS_KEYS = Mistake("values-as-keys", "scores the queries against the values (Q·Vᵀ) instead of the keys")
LEAK_OVER_N = Mistake(
    "leak-over-n", "counts n tokens at logit 0 in the softmax sum instead of the n − 1 others"
)
SCALE_BY_DK = Mistake("scale-by-dk", "divides the scores by d_k instead of √d_k")
ROUNDS_DOWN = Mistake("rounds-down", "rounds the bound on c down instead of up, so the share falls short")
ONE_OTHER_TOKEN = Mistake(
    "one-other-token", "counts e^0 = 1 once in the softmax sum instead of once per other token (as if n = 2)"
)
TOTAL_LEAK = Mistake("total-leak", "gives the leak to all n − 1 other tokens together instead of each one's share")
# circuits
QK_SIDES_SWAPPED = Mistake("qk-sides-swapped", "swaps the query and key sides, giving the transpose of QK")
PATTERN_FROM_VALUES = Mistake("pattern-from-values", "pairs the queries with W_V, as if values decided the pattern")
OV_FOR_QK = Mistake("ov-for-qk", "confuses the QK circuit with the OV circuit: gives OV where QK is asked for")
OV_NOT_TRANSPOSED = Mistake(
    "ov-not-transposed", "keeps the column-convention OV in the row convention, where OV is transposed"
)
OV_FROM_KEYS = Mistake(
    "ov-from-keys", "pairs W_O with W_K instead of W_V, as if the head moved what the keys read (keys for values)"
)
QK_FOR_OV = Mistake("qk-for-ov", "confuses the OV circuit with the QK circuit: gives QK where OV is asked for")
RANKS_SWAPPED = Mistake("ranks-swapped", "swaps the circuits: gives OV's rank for QK and QK's rank for OV")
DEPENDENCIES_COUNTED = Mistake(
    "dependencies-counted", "counts the dependent head dims (d_head − rank) instead of the independent ones"
)
RANK_WRONG_PRODUCTS = Mistake(
    "rank-wrong-products",
    "ranks the factors multiplied over d_model (W_Q·W_Kᵀ and W_V·W_O in column vectors), d_head × d_head "
    "matrices, instead of QK and OV",
)
RANK_ONE_FACTOR = Mistake(
    "rank-one-factor", "reads each rank off one factor only (W_Q for QK, W_V for OV), without checking the other"
)
NET_WRONG_ORDER = Mistake("net-wrong-order", "multiplies W_net1·W_net2, applying head 2 before head 1")
SKIPS_FIRST_HEAD = Mistake(
    "skips-first-head", "stops at the dim head 1 wrote instead of tracing it back to the dim head 1 read"
)
ONE_TOKEN_FOR_TWO = Mistake("one-token-for-two", "gives the one-token copy W_net2 + W_net1 instead of the product")
LARGEST_RAW_PRODUCT = Mistake(
    "largest-raw-product",
    "picks head 2's matrix with the largest raw ‖W·R‖_F, which grows with W's size, not the largest score",
)
ABSOLUTE_VALUE_NORMS = Mistake(
    "absolute-value-norms", "takes each norm as the sum of absolute entries instead of the root of the sum of squares"
)
SQUARED_NORMS = Mistake("squared-norms", "uses sums of squares without the square roots: the score squared")
WRONG_ORDER_PRODUCT = Mistake(
    "wrong-order-product", "multiplies R·W instead of W·R: head 1 reading head 2, backwards in time"
)
ROTATE_WRONG_WAY = Mistake("rotate-wrong-way", "rotates the query by +α instead of −α (towards the next token)")
NO_ROTATION = Mistake("no-rotation", "leaves the query unrotated, so the head selects its own position")
DOUBLE_ROTATION = Mistake(
    "double-rotation", "rotates the key by +α as well as the query by −α, so the turn doubles (two tokens back)"
)
FORGOT_LAMBDA_SQUARED = Mistake("forgot-lambda-squared", "scales the score by λ instead of λ² (both q and k carry λ)")
ATTENDS_TO_MATCH = Mistake(
    "attends-to-match", "attends to the earlier copy of the current token itself, not to the token after it"
)
PREVIOUS_TOKEN_ONLY = Mistake(
    "previous-token-only", "stops at the previous-token head: attends to the position just before the query"
)
PREVIOUS_NOT_NEXT = Mistake("previous-not-next", "copies the token before the earlier match instead of after it")
# ablation
DROPS_SELF_EDGES = Mistake("drops-self-edges", "leaves out a token attending to itself, which is an edge too")
STRONGEST_ONLY = Mistake("strongest-only",
                         "keeps only each row's strongest source (every one of a tie), ignoring the threshold")
THRESHOLD_SCORES = Mistake("threshold-scores", "thresholds the pre-softmax scores instead of the attention pattern")
IGNORES_CORRUPTED_BASELINE = Mistake(
    "ignores-corrupted-baseline", "divides patched by clean, ignoring the corrupted baseline"
)
RECOVERY_COMPLEMENT = Mistake("recovery-complement", "measures what is still missing, (clean − patched)/(clean − corrupted)")
ANY_CHANGE_MATTERS = Mistake("any-change-matters", "calls any change in the logit important, ignoring the margin")
MARGIN_BACKWARDS = Mistake("margin-backwards", "reads the margin rule backwards")
ALWAYS_KEEPS_END = Mistake(
    "always-keeps-end", "keeps the end position even when the last row attends to nothing at ≥ τ"
)
FORGETS_END_POSITION = Mistake("forgets-end-position", "keeps the last row's sources but not the end position itself")
CLAMPS_RECOVERY = Mistake(
    "clamps-recovery", "clips the recovery to 0–100 %, as if patching could neither overshoot nor hurt"
)
CHANGE_SIZE_COUNTS = Mistake(
    "change-size-counts", "judges the size of the change, so a logit that rises by more than the margin counts too"
)
