"""The spec language: primitive layers, blocks, containers, the network model, spec files and the
zoo, shape and width rules, and the JSON Schema of it all."""
