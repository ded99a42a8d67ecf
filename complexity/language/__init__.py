"""The spec language: primitive layers, blocks, containers, the network model, spec files and the
zoo, shape and width rules, and the JSON Schema of it all. Layers, containers and width rules
are plain classes (``plain``); validation derives their pydantic models (``models``); a spec
validated once is kept in the cache of validated specs (``cache``)."""
