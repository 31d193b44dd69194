"""The last stage: alert rows written with the hits (the outbox), and their delivery."""
