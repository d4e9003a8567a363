"""The shared mathematics: attention (softmax, scores, circuits) and small directed graphs."""
