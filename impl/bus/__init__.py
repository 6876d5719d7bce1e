"""The bus of the scaled deployment (NATS JetStream): commands to the engine and its events to every worker."""
