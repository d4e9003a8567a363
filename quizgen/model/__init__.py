"""The problem model: problems, families, structured content, options, mistakes and seeds."""
