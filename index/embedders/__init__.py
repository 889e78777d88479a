"""Text encoders: the Protocol, torch, ONNX, caching, the hashing test double."""
